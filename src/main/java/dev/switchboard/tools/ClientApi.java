package dev.switchboard.tools;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The participants' client API of a Switchboard server, as a user with a delegated token calls it. */
public final class ClientApi {
    private final ServerHttp http;
    private final String userToken;

    public ClientApi(ServerHttp http, String userToken) {
        this.http = http;
        this.userToken = userToken;
    }

    /** A joined participant: its id, its resource URL and the server's SDP answer. */
    public record Joined(String callId, String participantId, URI location, String sdpAnswer) {
        /**
         * The same participant and leg after a move into call {@code callId} (a consultative transfer, an invitation
         * that replaced this call: the roster stream's last message says {@code movedTo}).
         */
        public Joined movedTo(String callId) {
            return new Joined(callId, participantId, location.resolve("/client/v1/calls/" + callId + "/participants/"
                    + participantId), sdpAnswer);
        }
    }

    /** Joins a call with an SDP offer (WHIP-style). */
    public Joined join(String callId, String sdpOffer) {
        HttpRequest request = http.request("/client/v1/calls/" + callId + "/participants")
                .header("Authorization", "Bearer " + userToken)
                .header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(sdpOffer)).build();
        HttpResponse<String> response = http.send(request);
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new ToolException(ToolException.UNAVAILABLE, "join answered without a Location header"));
        URI uri = URI.create(http.baseUrl()).resolve(location);
        String path = uri.getPath();
        String participantId = path.substring(path.lastIndexOf('/') + 1);
        return new Joined(callId, participantId, uri, response.body());
    }

    /**
     * Calls a bot (docs/inbound-calls.md): the bot's calling webhook hears an incoming call; the returned leg is the
     * caller's ({@code DELETE} it with {@link #leave} to hang up, {@link #legStatus} to see whether it was answered).
     */
    public Joined dial(String appId, String sdpOffer) {
        HttpRequest request = http.request("/client/v1/apps/" + appId + "/calls")
                .header("Authorization", "Bearer " + userToken)
                .header("Content-Type", "application/sdp")
                .POST(HttpRequest.BodyPublishers.ofString(sdpOffer)).build();
        HttpResponse<String> response = http.send(request);
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new ToolException(ToolException.UNAVAILABLE, "dial answered without a Location header"));
        URI uri = URI.create(http.baseUrl()).resolve(location);
        String[] parts = uri.getPath().split("/");
        return new Joined(parts[parts.length - 3], parts[parts.length - 1], uri, response.body());
    }

    /** The caller's leg of a dialed call: {@code state} (ringing, connected, ended) and {@code endReason}. */
    public JsonNode legStatus(Joined joined) {
        HttpRequest request = http.request(joined.location().toString())
                .header("Authorization", "Bearer " + userToken).GET().build();
        return ServerHttp.json(http.send(request).body());
    }

    /** Leaves the call. */
    public void leave(Joined joined) {
        http.send(http.request(joined.location().toString())
                .header("Authorization", "Bearer " + userToken).DELETE().build());
    }

    /** The participant's own (client) mute or unmute; returns the participant as the Graph API shows it. */
    public JsonNode setMuted(Joined joined, boolean muted) {
        HttpRequest request = http.request(joined.location() + (muted ? "/mute" : "/unmute"))
                .header("Authorization", "Bearer " + userToken)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        return ServerHttp.json(http.send(request).body());
    }

    /** The roster stream's WebSocket URL of a call. */
    public URI rosterUri(String callId) {
        return URI.create(http.baseUrl().replaceFirst("^http", "ws") + "/client/v1/calls/" + callId + "/roster");
    }

    /** The user's ring stream's WebSocket URL (docs/inbound-calls.md). */
    public URI ringUri() {
        return URI.create(http.baseUrl().replaceFirst("^http", "ws") + "/client/v1/ring");
    }

    /** Declines a call that rings this user ({@code reason}: none, busy, forbidden). */
    public void decline(String callId, String reason) {
        http.send(http.request("/client/v1/calls/" + callId + "/decline")
                .header("Authorization", "Bearer " + userToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"" + reason + "\"}")).build());
    }

    public String userToken() {
        return userToken;
    }
}
