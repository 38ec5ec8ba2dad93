package dev.switchboard.api;

import dev.switchboard.error.SwitchboardException;
import dev.switchboard.notify.CallbackUriPolicy;

import java.net.URI;

/** Applies the notifier's destination rules to a new call's {@code callbackUri}: refused or unresolvable is a 400. */
public final class CallbackCheck {
    private final CallbackUriPolicy policy;

    public CallbackCheck(CallbackUriPolicy policy) {
        this.policy = policy;
    }

    /**
     * @throws SwitchboardException BAD_REQUEST with the policy's message when notifications may not go to {@code uri}
     *                              (may block on DNS)
     */
    public void require(URI uri) {
        CallbackUriPolicy.Verdict v = policy.evaluate(uri);
        if (!v.isAllowed()) {
            throw SwitchboardException.badRequest(v.message());
        }
    }
}
