package example;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.graph.models.Call;
import com.microsoft.graph.models.IdentitySet;
import com.microsoft.graph.models.Identity;
import com.microsoft.graph.models.InvitationParticipantInfo;
import com.microsoft.graph.models.Modality;
import com.microsoft.graph.models.MuteParticipantOperation;
import com.microsoft.graph.models.Participant;
import com.microsoft.graph.models.ServiceHostedMediaConfig;
import com.microsoft.graph.communications.calls.item.participants.item.mute.MutePostRequestBody;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal calling bot on the official Java SDKs, pointed at Switchboard: only the authority and the Graph base URL
 * differ from a bot written for Microsoft Graph.
 * <ol>
 *   <li>a webhook receiver that verifies every notification with Nimbus (RS256 key from the Bot Framework-style
 *       JWKS, issuer, audience = this bot, expiry; each reused token checked once; the body by its HMAC under the
 *       app's notification key) and refuses the rest with 401;</li>
 *   <li>an app token with msal4j (client credentials), from MSAL's cache after the first;</li>
 *   <li>a group call created with the Graph SDK, inviting two users;</li>
 *   <li>waits for a participant (a roster notification), mutes it, waits until Graph shows it muted;</li>
 *   <li>hangs up.</li>
 * </ol>
 * Trust the server's local CA with {@code -Djavax.net.ssl.trustStore=<data dir>/tls/ca-truststore.p12
 * -Djavax.net.ssl.trustStorePassword=changeit} (what {@code switchboard ca} prints). Settings: see README.md.
 */
public final class CallingBot {
    private static final String BOT_FRAMEWORK_ISSUER = "https://api.botframework.com";

    private CallingBot() {
    }

    /** The id of the first user (not the bot) in a roster notification ({@code commsNotifications}), or null. */
    static String userParticipant(String notifications) {
        for (JsonElement n : JsonParser.parseString(notifications).getAsJsonObject().getAsJsonArray("value")) {
            JsonObject o = n.getAsJsonObject();
            System.out.println("[java-bot] notification " + o.get("changeType").getAsString() + " " + o.get("resourceUrl").getAsString());
            if (!o.get("resourceUrl").getAsString().endsWith("/participants") || !o.get("resourceData").isJsonArray()) {
                continue;
            }
            for (JsonElement p : o.getAsJsonArray("resourceData")) {
                JsonObject info = p.getAsJsonObject().getAsJsonObject("info");
                JsonObject identity = info == null ? null : info.getAsJsonObject("identity");
                if (identity != null && identity.has("user") && identity.get("user").isJsonObject()) {
                    return p.getAsJsonObject().get("id").getAsString();
                }
            }
        }
        return null;
    }

    /** Whether a notification body ({@code commsNotifications}) tells that call {@code callId} ended. */
    static boolean terminated(String notifications, String callId) {
        for (JsonElement n : JsonParser.parseString(notifications).getAsJsonObject().getAsJsonArray("value")) {
            JsonObject o = n.getAsJsonObject();
            if (o.get("changeType").getAsString().equals("deleted")
                    && o.get("resourceUrl").getAsString().endsWith("/calls/" + callId)) {
                return true;
            }
        }
        return false;
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    public static void main(String[] args) throws Exception {
        String base = env("SWITCHBOARD_URL", "https://localhost:8443");
        String tenant = env("SWITCHBOARD_TENANT", "00000000-0000-4000-8000-000000000001");
        String botId = env("BOT_ID", "00000000-0000-4000-8000-00000000b071");
        String botSecret = env("BOT_SECRET", "dev-bot-secret");
        // two or more users make a group call (one target alone is a peer-to-peer call, whose roster bots do not get)
        List<String> invite = List.of(env("INVITE_USER_IDS", "00000000-0000-4000-8000-0000000a11ce,00000000-0000-4000-8000-000000000b0b").split(","));
        Duration timeout = Duration.ofSeconds(Long.parseLong(env("TIMEOUT_SECONDS", "300")));

        // ---- a token: Switchboard's authority, no instance discovery at Microsoft ----
        // oidcAuthority, not authority(...).instanceDiscovery(false): msal4j's token cache never hits with an authority
        // whose URL names a port (it stores the token under "localhost", looks under "localhost:8443"; msal4j issue
        // 529), so each acquireToken would fetch a new token; the OIDC authority reads the server's discovery document
        // once (no instance discovery at Microsoft) and its cache works
        ConfidentialClientApplication app = ConfidentialClientApplication.builder(botId,
                        ClientCredentialFactory.createFromSecret(botSecret))
                .oidcAuthority(base + "/" + tenant + "/v2.0")
                .build();
        ClientCredentialParameters scope = ClientCredentialParameters.builder(Set.of("https://graph.microsoft.com/.default")).build();

        // ---- 1. webhooks, verified as a Bot Framework bot verifies Graph's ----
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(new URL(base + "/botframework/v1/.well-known/keys")).build();
        DefaultJWTProcessor<SecurityContext> tokens = new DefaultJWTProcessor<>();
        tokens.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
        tokens.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(botId,
                new JWTClaimsSet.Builder().issuer(BOT_FRAMEWORK_ISSUER).build(), Set.of("exp")));
        Map<String, JWTClaimsSet> verifiedTokens = new java.util.concurrent.ConcurrentHashMap<>(); // one token is reused for minutes
        Map<String, byte[]> notificationKeys = new java.util.concurrent.ConcurrentHashMap<>();     // kid -> HMAC key
        LinkedBlockingQueue<String> notifications = new LinkedBlockingQueue<>();
        AtomicInteger verified = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(env("CALLBACK_HOST", "127.0.0.1"),
                Integer.parseInt(env("CALLBACK_PORT", "0"))), 0);
        receiver.createContext("/callback", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            try {
                if (authorization == null || !authorization.startsWith("Bearer ")) {
                    throw new IllegalArgumentException("no bearer token");
                }
                String raw = authorization.substring(7);
                JWTClaimsSet known = verifiedTokens.get(raw);
                if (known == null || known.getExpirationTime().getTime() < System.currentTimeMillis()) {
                    verifiedTokens.put(raw, tokens.process(raw, null));
                }
                // Switchboard's body signature (Graph has none): X-Switchboard-Signature: kid=<kid>, v1=<base64 HMAC-SHA256>
                // over "v1\n" + notification id + "\n" + sequence + "\n" + the exact body, under the app's notification key
                Map<String, String> sig = new java.util.HashMap<>();
                for (String part : String.valueOf(ex.getRequestHeaders().getFirst("X-Switchboard-Signature")).split(",")) {
                    int eq = part.indexOf('=');
                    if (eq > 0) {
                        sig.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
                    }
                }
                byte[] key = notificationKeys.get(String.valueOf(sig.get("kid")));
                if (key == null) { // fetched with the app's own token
                    java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                            java.net.http.HttpRequest.newBuilder(URI.create(base + "/" + tenant + "/switchboard/v1/notification-keys"))
                                    .header("Authorization", "Bearer " + app.acquireToken(scope).join().accessToken()).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    for (JsonElement k : JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("keys")) {
                        notificationKeys.put(k.getAsJsonObject().get("kid").getAsString(),
                                Base64.getUrlDecoder().decode(k.getAsJsonObject().get("k").getAsString()));
                    }
                    key = notificationKeys.get(String.valueOf(sig.get("kid")));
                }
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(key == null ? new byte[32] : key, "HmacSHA256"));
                mac.update(("v1\n" + ex.getRequestHeaders().getFirst("X-Switchboard-Notification-Id") + "\n"
                        + ex.getRequestHeaders().getFirst("X-Switchboard-Sequence") + "\n").getBytes(StandardCharsets.UTF_8));
                if (key == null || sig.get("v1") == null
                        || !MessageDigest.isEqual(mac.doFinal(body), Base64.getDecoder().decode(sig.get("v1")))) {
                    throw new IllegalArgumentException("body signature mismatch");
                }
            } catch (Exception e) {
                System.out.println("[java-bot] refused a notification: " + e.getMessage());
                ex.sendResponseHeaders(401, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(202, -1);
            ex.close();
            verified.incrementAndGet();
            notifications.add(new String(body, StandardCharsets.UTF_8));
        });
        receiver.start();
        String callbackUri = env("CALLBACK_URI", "http://" + receiver.getAddress().getHostString() + ":"
                + receiver.getAddress().getPort() + "/callback");
        System.out.println("[java-bot] webhooks at " + callbackUri);

        // ---- 2. the app token (made above: it also fetches the notification key) ----

        // ---- 3. the Graph SDK with its base URL changed, the token for this host only ----
        AllowedHostsValidator hosts = new AllowedHostsValidator(URI.create(base).getHost());
        AccessTokenProvider tokenProvider = new AccessTokenProvider() {
            @Override
            public String getAuthorizationToken(URI uri, Map<String, Object> context) {
                return hosts.isUrlHostValid(uri) ? app.acquireToken(scope).join().accessToken() : "";
            }

            @Override
            public AllowedHostsValidator getAllowedHostsValidator() {
                return hosts;
            }
        };
        GraphServiceClient graph = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(tokenProvider));
        graph.getRequestAdapter().setBaseUrl(base + "/v1.0");

        Call call = new Call();
        call.setCallbackUri(callbackUri);
        call.setRequestedModalities(List.of(Modality.Audio));
        call.setMediaConfig(new ServiceHostedMediaConfig());
        call.setTargets(invite.stream().map(id -> {
            Identity user = new Identity();
            user.setId(id);
            IdentitySet who = new IdentitySet();
            who.setUser(user);
            InvitationParticipantInfo target = new InvitationParticipantInfo();
            target.setIdentity(who);
            return target;
        }).toList());
        Call created = graph.communications().calls().post(call);
        System.out.println("[java-bot] call " + created.getId());

        // ---- 4. wait for a participant (a user, not the bot) in a roster notification, mute it ----
        String participantId = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (participantId == null) {
            String n = notifications.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (n == null) {
                throw new IllegalStateException("timed out waiting for a participant");
            }
            participantId = userParticipant(n);
        }
        System.out.println("[java-bot] participant " + participantId);
        MutePostRequestBody mute = new MutePostRequestBody();
        mute.setClientContext("java-bot-mute");
        MuteParticipantOperation op = graph.communications().calls().byCallId(created.getId())
                .participants().byParticipantId(participantId).mute().post(mute);
        System.out.println("[java-bot] mute operation " + op.getId() + " " + op.getStatus());
        while (true) {
            Participant p = graph.communications().calls().byCallId(created.getId()).participants()
                    .byParticipantId(participantId).get();
            if (Boolean.TRUE.equals(p.getIsMuted())) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for the participant to be muted");
            }
            Thread.sleep(200);
        }
        System.out.println("[java-bot] muted " + participantId);

        // ---- 5. hang up, and hear the call end (a bot that leaves at once may miss its last notification) ----
        graph.communications().calls().byCallId(created.getId()).delete();
        while (true) {
            String n = notifications.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (n == null) {
                throw new IllegalStateException("timed out waiting for the call to end");
            }
            if (terminated(n, created.getId())) {
                break;
            }
        }
        System.out.println("[java-bot] terminated " + created.getId());
        System.out.println("[java-bot] done; notifications verified: " + verified.get());
        receiver.stop(0);
        System.exit(0);
    }
}
