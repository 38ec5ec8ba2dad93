package dev.switchboard.core;

import dev.switchboard.journal.JournaledCall;
import dev.switchboard.notify.NotificationSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Tells the bots of calls that a crash took away: for each call the journal found live at start, one
 * {@code terminated} call notification ({@code changeType: deleted}) with {@link ResultInfo#SERVER_RESTARTED},
 * queued on the normal notification sink (signed, retried). Called once by the server at start, before it
 * listens. See {@code docs/durability.md}.
 */
public final class LostCalls {
    private static final Logger log = LoggerFactory.getLogger(LostCalls.class);
    private final CallNotifications notifications;

    public LostCalls(NotificationSink sink) {
        this.notifications = new CallNotifications(sink);
    }

    /** Queues the {@code terminated} notification of every call in {@code lost}; never blocks on I/O. */
    public void announce(List<JournaledCall> lost) {
        for (JournaledCall c : lost) {
            log.warn("call lost in a crash, telling the bot callId={} callChainId={} appId={} tenantId={} participantIds={}",
                    c.callId(), c.callChainId(), c.appId(), c.tenantId(), c.participantIds());
            notifications.callLost(c);
        }
    }
}
