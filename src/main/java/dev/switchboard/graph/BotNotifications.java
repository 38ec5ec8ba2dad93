package dev.switchboard.graph;

import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.notify.NotificationSink;
import dev.switchboard.notify.OutboundNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bots' side of the engine's events: renders each with {@link NotificationRenderer} and hands it to the
 * notifier. Runs on the thread that published the event, with the conference lock held (docs/concurrency.md);
 * rendering is CPU only and the sink never blocks, so a call's notifications are queued in the order they happened.
 * A whole roster is not rendered here: its item holds the event's immutable snapshot and is rendered when the notifier
 * freezes its POST ({@link dev.switchboard.notify.NotificationItem}), on a notifier thread.
 */
public final class BotNotifications implements CallEventSink {
    private static final Logger log = LoggerFactory.getLogger(BotNotifications.class);
    private final NotificationRenderer renderer = new NotificationRenderer();
    private final NotificationSink sink;

    public BotNotifications(NotificationSink sink) {
        this.sink = sink;
    }

    @Override
    public void publish(CallEvent event) {
        for (OutboundNotification n : renderer.render(event)) {
            try {
                sink.enqueue(n);
            } catch (RuntimeException e) {
                log.error("notification not queued callId={} kind={}", n.callId(), n.kind(), e);
            }
        }
    }
}
