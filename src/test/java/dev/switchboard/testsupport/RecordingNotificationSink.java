package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.notify.NotificationKind;
import dev.switchboard.notify.NotificationSink;
import dev.switchboard.notify.OutboundNotification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Keeps every notification the engine queues, in order; optionally also records into a media engine's event log. */
public final class RecordingNotificationSink implements NotificationSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Recorded> all = new ArrayList<>();
    private final RecordingMediaEngine sharedLog;

    /** A queued notification with its rendered item parsed back, for assertions. */
    public record Recorded(String callId, String tenantId, String botAppId, URI callbackUri, NotificationKind kind,
                           String resourceUrl, boolean last, JsonNode commsNotification) {
    }

    public RecordingNotificationSink() {
        this(null);
    }

    /** Also writes {@code "notify KIND callId"} into {@code sharedLog}, so tests can order media calls and notifications. */
    public RecordingNotificationSink(RecordingMediaEngine sharedLog) {
        this.sharedLog = sharedLog;
    }

    @Override
    public synchronized void enqueue(OutboundNotification n) {
        JsonNode item;
        try {
            item = JSON.readTree(n.commsNotification());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        all.add(new Recorded(n.callId(), n.tenantId(), n.botAppId(), n.callbackUri(), n.kind(), n.resourceUrl(), n.last(),
                item));
        if (sharedLog != null) {
            sharedLog.record("notify " + n.kind() + " " + n.callId());
        }
    }

    public synchronized List<Recorded> all() {
        return List.copyOf(all);
    }

    public synchronized List<Recorded> of(String callId, NotificationKind kind) {
        return all.stream().filter(n -> n.callId().equals(callId) && n.kind() == kind).toList();
    }

    public synchronized void clear() {
        all.clear();
    }
}
