package dev.switchboard.testsupport;

import dev.switchboard.notify.NotificationKind;
import dev.switchboard.notify.NotificationSink;
import dev.switchboard.notify.OutboundNotification;

import java.util.ArrayList;
import java.util.List;

/** Keeps every notification the engine queues, in order; optionally also records into a media engine's event log. */
public final class RecordingNotificationSink implements NotificationSink {
    private final List<OutboundNotification> all = new ArrayList<>();
    private final RecordingMediaEngine sharedLog;

    public RecordingNotificationSink() {
        this(null);
    }

    /** Also writes {@code "notify KIND callId"} into {@code sharedLog}, so tests can order media calls and notifications. */
    public RecordingNotificationSink(RecordingMediaEngine sharedLog) {
        this.sharedLog = sharedLog;
    }

    @Override
    public synchronized void enqueue(OutboundNotification n) {
        all.add(n);
        if (sharedLog != null) {
            sharedLog.record("notify " + n.kind() + " " + n.callId());
        }
    }

    public synchronized List<OutboundNotification> all() {
        return List.copyOf(all);
    }

    public synchronized List<OutboundNotification> of(String callId, NotificationKind kind) {
        return all.stream().filter(n -> n.callId().equals(callId) && n.kind() == kind).toList();
    }

    public synchronized void clear() {
        all.clear();
    }
}
