package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.CallsPermission;
import dev.switchboard.auth.Principal;
import dev.switchboard.cluster.CallRouter;
import dev.switchboard.core.AnswerRequest;
import dev.switchboard.core.CallCommand;
import dev.switchboard.core.Transferee;
import dev.switchboard.core.CallingBot;
import dev.switchboard.core.CallingBots;
import dev.switchboard.core.ParticipantIdentity;
import dev.switchboard.core.RejectReason;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.GraphEcho;
import io.javalin.http.Context;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The actions on incoming calls (docs/inbound-calls.md): {@code answer}, {@code reject}, {@code redirect} and
 * {@code transfer}, each {@code 202} with no body (facts IVR §0). Request threads; every command goes through the router.
 */
public final class IncomingCallsHandler {
    static final int MIN_REDIRECT_SECONDS = 15;
    static final int MAX_REDIRECT_SECONDS = 90;
    static final int DEFAULT_REDIRECT_SECONDS = 55;
    /** Simultaneous ring: how many targets one redirect may ring at once (Graph states no limit). */
    static final int MAX_REDIRECT_TARGETS = 10;

    private final CallRouter calls;
    private final GraphRequests requests;
    private final CallbackCheck callbackCheck;
    private final CallingBots bots;
    private final Duration answerWindow;

    /**
     * @param bots         the bots a call can be redirected or transferred to
     * @param answerWindow how long a transfer's target rings
     */
    public IncomingCallsHandler(CallRouter calls, GraphRequests requests, CallbackCheck callbackCheck, CallingBots bots,
                                Duration answerWindow) {
        this.calls = calls;
        this.requests = requests;
        this.callbackCheck = callbackCheck;
        this.bots = bots;
        this.answerWindow = answerWindow;
    }

    /** {@code POST .../calls/{id}/answer}. */
    public void answer(Context ctx) {
        Principal app = requests.appPrincipal(ctx);
        ObjectNode body = requests.requiredBody(ctx);
        String callback = Json.optionalString(body, "callbackUri");
        URI callbackUri = callback == null ? null : CreateCallBody.callbackUri(callback);
        List<String> modalities = body.has("acceptedModalities") && !body.get("acceptedModalities").isNull()
                ? CreateCallBody.modalities(body, "acceptedModalities") : List.of("audio");
        ObjectNode media = Json.requiredObject(body, "mediaConfig");
        boolean appHosted = CreateCallBody.appHosted(media);
        String offer = appHosted ? Json.requiredString(media, "blob", "mediaConfig.blob") : null;
        ObjectNode mediaEcho = media.deepCopy();
        mediaEcho.remove("blob");
        ObjectNode options = Json.optionalObject(body, "callOptions");
        String optionsType = options == null ? null : Json.odataType(options);
        if (optionsType != null && !optionsType.equals("incomingcalloptions") && !optionsType.equals("outgoingcalloptions")) {
            throw SwitchboardException.badRequest("callOptions '@odata.type' must be #microsoft.graph.incomingCallOptions.");
        }
        boolean delta = options != null && Json.optionalBoolean(options, "isDeltaRosterEnabled");
        JsonNode capacity = body.get("participantCapacity"); // Graph's policy-recording hint: checked, not used
        if (capacity != null && !capacity.isNull() && !(capacity.isIntegralNumber() && capacity.canConvertToInt())) {
            throw SwitchboardException.badRequest("'participantCapacity' must be an integer (Int32).");
        }
        CallsPermission.checkAnswer(app, appHosted);
        String callId = ctx.pathParam("callId");
        if (callbackUri == null) {
            // Graph: "If this property has not been set, the bot's global callback URI will be used instead"
            callbackUri = bots.require(app.appId(), app.tenantId()).callingWebhook();
        } else {
            callbackCheck.require(callbackUri);
        }
        AnswerRequest answer = new AnswerRequest(callbackUri, modalities, appHosted, offer, GraphRequests.remoteAddress(ctx),
                delta, CreateCallBody.echo(GraphEcho.of(mediaEcho, null, null, null, options)));
        var prefetch = IvrBodies.preFetchMedia(media);
        calls.send(new CallCommand.Answer(callId, GraphRequests.caller(app), answer));
        CallsHandler.preFetch(calls, callId, prefetch, GraphRequests.caller(app));
        accepted(ctx);
    }

    /** {@code POST .../calls/{id}/reject}. */
    public void reject(Context ctx) {
        Principal app = requests.appPrincipal(ctx);
        ObjectNode body = requests.optionalBody(ctx);
        RejectReason reason = RejectReason.parse(body == null ? null : Json.optionalString(body, "reason"));
        URI callbackUri = callback(body);
        calls.send(new CallCommand.Reject(ctx.pathParam("callId"), GraphRequests.caller(app), reason, callbackUri));
        accepted(ctx);
    }

    /**
     * {@code POST .../calls/{id}/redirect}: one target (another bot that takes calls, or a user), or up to
     * {@link #MAX_REDIRECT_TARGETS} rung at once (simultaneous ring: the first to answer wins).
     */
    public void redirect(Context ctx) {
        Principal app = requests.appPrincipal(ctx);
        ObjectNode body = requests.requiredBody(ctx);
        CallsPermission.checkRedirectOrTransfer(app);
        ArrayNode targets = Json.optionalArray(body, "targets");
        if (targets == null || targets.isEmpty()) {
            throw SwitchboardException.badRequest("'targets' is required: a list of invitationParticipantInfo.");
        }
        if (targets.size() > MAX_REDIRECT_TARGETS) {
            throw SwitchboardException.badRequest("At most " + MAX_REDIRECT_TARGETS + " redirect targets are rung at once.");
        }
        int seconds = DEFAULT_REDIRECT_SECONDS;
        JsonNode timeout = body.get("timeout");
        if (timeout != null && !timeout.isNull()) {
            if (!timeout.isIntegralNumber() || !timeout.canConvertToInt()
                    || timeout.asInt() < MIN_REDIRECT_SECONDS || timeout.asInt() > MAX_REDIRECT_SECONDS) {
                throw SwitchboardException.badRequest("'timeout' must be a whole number of seconds from " + MIN_REDIRECT_SECONDS
                        + " to " + MAX_REDIRECT_SECONDS + ".");
            }
            seconds = timeout.asInt();
        }
        String callId = ctx.pathParam("callId");
        if (targets.size() > 1) { // simultaneous ring: every target at once, the first to answer wins
            java.util.LinkedHashMap<String, CallingBot> ringBots = new java.util.LinkedHashMap<>();
            java.util.LinkedHashMap<String, ParticipantIdentity> ringUsers = new java.util.LinkedHashMap<>();
            for (JsonNode info : targets) {
                Target t = target(info, "targets", app);
                if (t.bot() != null) {
                    ringBots.putIfAbsent(t.bot().appId(), t.bot());
                } else {
                    ringUsers.putIfAbsent(t.user().id(), t.user());
                }
            }
            calls.send(new CallCommand.RedirectToAll(callId, GraphRequests.caller(app), List.copyOf(ringBots.values()),
                    List.copyOf(ringUsers.values()), Duration.ofSeconds(seconds), callback(body)));
            accepted(ctx);
            return;
        }
        Target target = target(targets.get(0), "targets", app);
        if (target.bot() != null) {
            calls.send(new CallCommand.Redirect(callId, GraphRequests.caller(app), target.bot(), Duration.ofSeconds(seconds),
                    callback(body)));
        } else {
            calls.send(new CallCommand.RedirectToUser(callId, GraphRequests.caller(app), target.user(),
                    Duration.ofSeconds(seconds), callback(body)));
        }
        accepted(ctx);
    }

    /**
     * {@code POST .../calls/{id}/transfer}: blind transfer of a peer-to-peer call to another bot or a user; with
     * {@code transferTarget.replacesCallId}, a consultative transfer (the target, a user in that call, moves in).
     */
    public void transfer(Context ctx) {
        Principal app = requests.appPrincipal(ctx);
        ObjectNode body = requests.requiredBody(ctx);
        CallsPermission.checkRedirectOrTransfer(app);
        ObjectNode target = Json.requiredObject(body, "transferTarget");
        String replaces = replacesCallId(target, "transferTarget.replacesCallId");
        Target to = target(target, "transferTarget", app);
        String callId = ctx.pathParam("callId");
        Transferee transferee = transferee(body);
        if (replaces != null && to.user() == null) {
            throw SwitchboardException.badRequest("A consultative transfer's target must be a user (identity.user.id): "
                    + "the other party of the call 'transferTarget.replacesCallId' names.");
        }
        if (transferee != null) { // a group call's transfer (or a peer-to-peer one naming its other party)
            calls.send(new CallCommand.TransferParticipant(callId, GraphRequests.caller(app), transferee, to.bot(),
                    to.user(), replaces, answerWindow));
        } else if (replaces != null) {
            calls.send(new CallCommand.TransferReplacing(callId, GraphRequests.caller(app), to.user(), replaces));
        } else if (to.bot() != null) {
            calls.send(new CallCommand.Transfer(callId, GraphRequests.caller(app), to.bot(), answerWindow));
        } else {
            calls.send(new CallCommand.TransferToUser(callId, GraphRequests.caller(app), to.user(), answerWindow));
        }
        accepted(ctx);
    }

    /**
     * The transfer's {@code transferee} (a participantInfo): its {@code participantId}, its user
     * ({@code identity.user.id}), or both; null when absent.
     */
    static Transferee transferee(ObjectNode body) {
        ObjectNode info = Json.optionalObject(body, "transferee");
        if (info == null) {
            return null;
        }
        String participantId = Json.optionalString(info, "participantId");
        if (participantId != null && participantId.isBlank()) {
            throw SwitchboardException.badRequest("'transferee.participantId' must be a participant id, or absent.");
        }
        ObjectNode identity = Json.optionalObject(info, "identity");
        String userId = null;
        if (identity != null) {
            ObjectNode user = Json.optionalObject(identity, "user");
            if (user != null) {
                userId = Json.requiredString(user, "id", "transferee.identity.user.id");
            } else if (hasIdentity(identity)) {
                throw SwitchboardException.badRequest("The transferee must be a user (transferee.identity.user.id).");
            }
        }
        if (participantId == null && userId == null) {
            throw SwitchboardException.badRequest("'transferee' must name the participant to transfer: "
                    + "'transferee.participantId' or 'transferee.identity.user.id'.");
        }
        return new Transferee(participantId, userId);
    }

    /** Whether an identitySet names anyone (a non-null property other than its {@code @odata} annotations). */
    private static boolean hasIdentity(ObjectNode identity) {
        for (var fields = identity.fields(); fields.hasNext(); ) {
            var field = fields.next();
            if (!field.getKey().startsWith("@odata") && !field.getValue().isNull()) {
                return true;
            }
        }
        return false;
    }

    /** An invitationParticipantInfo's {@code replacesCallId}: null when absent or null, else a non-blank call id. */
    static String replacesCallId(ObjectNode info, String where) {
        String id = Json.optionalString(info, "replacesCallId");
        if (id != null && id.isBlank()) {
            throw SwitchboardException.badRequest("'" + where + "' must be the id of the call to replace, or absent.");
        }
        return id;
    }

    /** Who a redirect or transfer goes to: another bot that takes calls, or a user. */
    private record Target(CallingBot bot, ParticipantIdentity user) {
    }

    /** The bot ({@code identity.application.id}) or user ({@code identity.user.id}) an invitationParticipantInfo names. */
    private Target target(JsonNode info, String where, Principal app) {
        if (!info.isObject()) {
            throw SwitchboardException.badRequest("'" + where + "' must hold invitationParticipantInfo objects.");
        }
        ObjectNode identity = Json.requiredObject((ObjectNode) info, "identity", where + ".identity");
        ObjectNode application = Json.optionalObject(identity, "application", where + ".identity.application");
        if (application != null) {
            return new Target(bots.require(Json.requiredString(application, "id", where + ".identity.application.id"),
                    app.tenantId()), null);
        }
        if (Json.optionalObject(identity, "user") == null && !hasIdentity(identity)) {
            throw SwitchboardException.badRequest("'" + where + ".identity' names no one: give identity.user.id or "
                    + "identity.application.id.");
        }
        if (Json.optionalObject(identity, "user") == null) {
            throw new SwitchboardException(ErrorCode.NOT_IMPLEMENTED, "The target of '" + where + "' must be a user "
                    + "(identity.user.id) or a bot (identity.application.id); phones and application instances are not "
                    + "implemented.");
        }
        return new Target(null, CreateCallBody.user(identity, where, where + ".identity"));
    }

    private URI callback(ObjectNode body) {
        String value = body == null ? null : Json.optionalString(body, "callbackUri");
        if (value == null) {
            return null;
        }
        URI uri = CreateCallBody.callbackUri(value);
        callbackCheck.require(uri);
        return uri;
    }

    /** 202, no body and no Content-Type (the SDKs' void actions). */
    private static void accepted(Context ctx) {
        ctx.status(202);
        ctx.res().setContentType(null);
        ctx.res().setContentLength(0);
    }
}
