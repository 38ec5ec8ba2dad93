package dev.switchboard.server;

import dev.switchboard.admin.AdminConsole;
import dev.switchboard.core.CallEventSink;
import dev.switchboard.core.LostCalls;
import dev.switchboard.graph.BotNotifications;
import dev.switchboard.journal.CallJournal;
import dev.switchboard.journal.FileCallJournal;
import dev.switchboard.journal.JournaledCall;
import dev.switchboard.notify.CallbackTokenSigner;
import dev.switchboard.notify.CallbackUriPolicy;
import dev.switchboard.notify.NotificationSink;
import dev.switchboard.notify.NotifierSettings;
import dev.switchboard.notify.SequenceStore;
import dev.switchboard.notify.WebhookNotifier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;
import java.util.function.Supplier;

/**
 * How bots hear about their calls: the engine's events rendered as Graph notifications ({@link BotNotifications}) and
 * delivered as signed webhooks ({@link WebhookNotifier}, watched by the dashboard), or handed to the sink a test
 * passes; and, once at start, the calls a crash ended, announced to their bots. Built and closed by the thread that
 * builds and closes the server; the delivery's own threads: docs/concurrency.md.
 */
final class BotDelivery implements AutoCloseable {
    /** Real webhook delivery, or null when a sink was given. */
    private final WebhookNotifier webhooks;
    private final NotificationSink sink;
    private final BotNotifications events;

    /**
     * @param given   the sink notifications go to, or null for real webhook delivery
     * @param signer  signs the webhooks' callback tokens (asked only for real delivery)
     */
    BotDelivery(NotificationSink given, NotifierSettings settings, Supplier<CallbackTokenSigner> signer,
                PrometheusMeterRegistry metrics, CallbackUriPolicy policy, AdminConsole console) {
        this.webhooks = given == null ? new WebhookNotifier(settings, signer.get(), metrics, policy) : null;
        if (webhooks != null) {
            webhooks.observe(console.deliveries());
        }
        this.sink = given != null ? given : webhooks;
        this.events = new BotNotifications(sink);
    }

    /** The listener of the engine's events that tells the bots. */
    CallEventSink events() {
        return events;
    }

    /** Cluster mode: webhook sequence numbers come from the cluster, so a survivor continues a dead owner's numbering. */
    void numberFrom(SequenceStore sequences) {
        if (webhooks != null) {
            webhooks.sequences(sequences);
        }
    }

    /**
     * Tells the bots of {@code tell}, the calls a crash ended that nobody else tells them about (in a cluster, the
     * cluster tells the others, or told them already). Every call the crash ended stays in the journal until nothing
     * about it is left to deliver, so a second crash announces again what its bot may not have heard.
     */
    void announceLost(FileCallJournal journal, List<JournaledCall> tell) {
        new LostCalls(events).announce(tell);
        for (JournaledCall lost : journal.orphans()) {
            sink.whenSettled(lost.callId(), () -> journal.callEnded(lost.callId()));
        }
    }

    /**
     * {@code journal}, writing a call's end only once its bot heard everything about the call ({@link EndsOnceHeard}),
     * so that a crash before that announces the call at the next start.
     */
    CallJournal endsOnceHeard(CallJournal journal) {
        return new EndsOnceHeard(journal, sink);
    }

    /** Stops webhook delivery after a bounded time for the queued notifications; a given sink is left alone. */
    @Override
    public void close() {
        if (webhooks != null) {
            webhooks.close();
        }
    }
}
