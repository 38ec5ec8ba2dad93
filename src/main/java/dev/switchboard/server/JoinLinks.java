package dev.switchboard.server;

import dev.switchboard.core.CallEvent;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.CallState;
import dev.switchboard.web.JoinPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Logs the join link ({@code /join/{callId}}) of each new bot call once, so a developer running {@code serve} can open
 * it and be in the call. Hears the engine's events (with the call's lock held: it only logs one line).
 */
final class JoinLinks implements CallEventSink {
    private static final Logger log = LoggerFactory.getLogger(JoinLinks.class);
    private final Supplier<String> baseUrl;
    private final Set<String> announced = ConcurrentHashMap.newKeySet();

    JoinLinks(Supplier<String> baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public void publish(CallEvent event) {
        if (!(event instanceof CallEvent.CallStateChanged changed)) {
            return;
        }
        String callId = changed.bot().callId();
        if (changed.state() == CallState.TERMINATED) {
            announced.remove(callId);
        } else if (announced.add(callId)) {
            log.info("call joinable callId={} joinLink={}", callId, JoinPage.link(baseUrl.get(), callId));
        }
    }
}
