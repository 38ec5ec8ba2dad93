package dev.switchboard.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.notify.NotificationKeys;
import dev.switchboard.notify.NotificationVerifier;

import java.net.MalformedURLException;
import java.net.URI;

/**
 * The Dev Bot of the development identities on one server, as the demos and the training workload drive it: its app
 * token and Graph requests, the users of its tenant signed in through its app registration, the group calls it places
 * with app-hosted media, and the verifier of the webhooks it receives. Each method is one blocking round trip (or
 * none); not thread-safe.
 */
final class DevBot {
    private final ServerHttp http;
    private final TokenClient tokens;
    private final String token;

    /**
     * Signs the Dev Bot in (client-credentials grant).
     *
     * @throws ToolException if the server is unreachable or its authority refuses
     */
    DevBot(ServerHttp http) {
        this.http = http;
        this.tokens = new TokenClient(http);
        this.token = tokens.appToken(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID, DevIdentities.DEV_BOT_SECRET);
    }

    /** The bot's app-only access token. */
    String token() {
        return token;
    }

    /**
     * A user of the development tenant (alice, bob, a trainee…), signed in through the Dev Bot's app (password grant).
     *
     * @throws ToolException if the authority refuses, e.g. a user it does not know
     */
    ClientApi user(String username, String password) {
        return new ClientApi(http, tokens.userToken(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID,
                DevIdentities.DEV_BOT_SECRET, username, password));
    }

    /**
     * A Graph request as the bot; {@code json} null sends no body.
     *
     * @return the response's JSON (an empty object for an empty body)
     * @throws ToolException on a refused request
     */
    JsonNode graph(String method, String path, String json) {
        return http.graph(token, method, path, json);
    }

    /**
     * Places a group call with alice and bob as targets and app-hosted media on {@code phone}, then starts the phone
     * on the server's SDP answer.
     *
     * @return the created call as the server answered it
     */
    JsonNode createGroupCall(String callbackUri, Softphone phone) {
        JsonNode call = graph("POST", "/v1.0/communications/calls", createCallBody(callbackUri, phone.sdpOffer()));
        phone.start(call.at("/mediaConfig/blob").asText());
        return call;
    }

    /** Checks the signatures of the bot's webhooks against the tenant's keys on this server. */
    NotificationVerifier notificationVerifier() throws MalformedURLException {
        return NotificationVerifier.forJwksUrl(
                URI.create(http.baseUrl() + "/" + DevIdentities.TENANT_ID + "/discovery/v2.0/keys").toURL(),
                DevIdentities.DEV_BOT_APP_ID, NotificationVerifier.DEFAULT_ISSUERS,
                NotificationKeys.fetchedFrom(URI.create(http.baseUrl()), tenant -> token));
    }

    /** The group call's body: Alice and Bob as targets, app-hosted media with the bot's SDP offer. */
    static String createCallBody(String callbackUri, String sdpOffer) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("@odata.type", "#microsoft.graph.call");
        body.put("callbackUri", callbackUri);
        body.putArray("requestedModalities").add("audio");
        ObjectNode media = body.putObject("mediaConfig");
        media.put("@odata.type", "#microsoft.graph.appHostedMediaConfig");
        media.put("blob", sdpOffer);
        for (String[] user : new String[][] {{DevIdentities.ALICE_ID, "Alice"}, {DevIdentities.BOB_ID, "Bob"}}) {
            ObjectNode identity = body.withArray("targets").addObject().putObject("identity").putObject("user");
            identity.put("id", user[0]);
            identity.put("displayName", user[1]);
        }
        body.put("tenantId", DevIdentities.TENANT_ID);
        return body.toString();
    }
}
