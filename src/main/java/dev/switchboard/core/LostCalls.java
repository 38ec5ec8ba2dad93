package dev.switchboard.core;

import dev.switchboard.journal.JournaledCall;
import dev.switchboard.journal.JournaledEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Tells the bots of calls that a crash took away: for each call the journal found live at start, one
 * {@link CallEvent.CallStateChanged} to {@code terminated} with {@link ResultInfo#SERVER_RESTARTED} (or, for a call
 * that had already ended before its bot heard so, the reason it ended with), published like
 * any other (rendered as a {@code changeType: deleted} call notification, signed, retried). Called once by the
 * server at start, before it listens. See {@code docs/durability.md}.
 */
public final class LostCalls {
    private static final Logger log = LoggerFactory.getLogger(LostCalls.class);
    private final CallEventSink sink;

    public LostCalls(CallEventSink sink) {
        this.sink = sink;
    }

    /**
     * Queues the {@code terminated} notification of every call in {@code lost}, with the reason it ended if it had
     * ended before its bot heard so ({@link JournaledCall#endedWith()}), else {@link ResultInfo#SERVER_RESTARTED};
     * never blocks on I/O.
     */
    public void announce(List<JournaledCall> lost) {
        for (JournaledCall c : lost) {
            JournaledEnd end = c.endedWith();
            announce(List.of(c), end == null ? ResultInfo.SERVER_RESTARTED
                    : new ResultInfo(end.code(), end.subcode(), end.message()));
        }
    }

    /** Queues the {@code terminated} notification of every call in {@code lost}, ended for {@code why}. */
    public void announce(List<JournaledCall> lost, ResultInfo why) {
        for (JournaledCall c : lost) {
            log.warn("call lost in a crash (or ended before its bot heard it), telling the bot callId={} callChainId={} appId={} tenantId={} participantIds={} code={} subcode={}",
                    c.callId(), c.callChainId(), c.appId(), c.tenantId(), c.participantIds(), why.code(), why.subcode());
            sink.publish(new CallEvent.CallStateChanged(
                    new CallEvent.BotAddress(c.callId(), c.tenantId(), c.appId(), c.callbackUri(), false),
                    c.callChainId(), c.myParticipantId(), CallState.TERMINATED, why));
        }
    }
}
