package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who can be called (docs/inbound-calls.md): each bot app's calling webhook (Graph's "Webhook (for calling)" of the bot
 * registration), from the config file's app field {@code "callingWebhook"} and {@code --calling-webhook appId=url},
 * and how long an incoming call rings before it ends unanswered.
 *
 * @param callingWebhooks app id → calling webhook; the flag's entries override the file's
 * @param answerWindow    how long a bot has to answer, reject or redirect (Graph: 15 s)
 */
public record InboundSettings(Map<String, URI> callingWebhooks, Duration answerWindow) {
    public static final Duration GRAPH_ANSWER_WINDOW = Duration.ofSeconds(15);
    public static final InboundSettings DEFAULTS = new InboundSettings(Map.of(), GRAPH_ANSWER_WINDOW);

    public InboundSettings {
        callingWebhooks = Map.copyOf(callingWebhooks);
        if (answerWindow == null || answerWindow.isNegative() || answerWindow.isZero()) {
            throw new IllegalArgumentException("the answer window must be positive");
        }
    }

    public InboundSettings withWebhook(String appId, String url) {
        Map<String, URI> all = new LinkedHashMap<>(callingWebhooks);
        all.put(appId, webhook(url, "--calling-webhook " + appId));
        return new InboundSettings(all, answerWindow);
    }

    public InboundSettings withAnswerWindow(Duration window) {
        return new InboundSettings(callingWebhooks, window);
    }

    /** The {@code "callingWebhook"} of every app of the config file's tenants, then {@code flags} over them. */
    static InboundSettings of(JsonNode configRoot, List<String> flags, Duration window) {
        Map<String, URI> all = new LinkedHashMap<>();
        if (configRoot != null) {
            for (JsonNode tenant : configRoot.path("tenants")) {
                for (JsonNode app : tenant.path("apps")) {
                    JsonNode url = app.get("callingWebhook");
                    if (url != null && !url.isNull()) {
                        String appId = app.path("appId").asText();
                        all.put(appId, webhook(url.asText(), "app " + appId + " \"callingWebhook\""));
                    }
                }
            }
        }
        for (String entry : flags == null ? List.<String>of() : flags) {
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("--calling-webhook takes appId=url, not '" + entry + "'");
            }
            String appId = entry.substring(0, eq).trim();
            all.put(appId, webhook(entry.substring(eq + 1).trim(), "--calling-webhook " + appId));
        }
        return new InboundSettings(all, window);
    }

    private static URI webhook(String value, String where) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (uri.isAbsolute() && (scheme.equals("https") || scheme.equals("http")) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // the message below
        }
        throw new IllegalArgumentException(where + ": a calling webhook must be an absolute https (or http) URL, not '"
                + value + "'");
    }

    /**
     * The bots users can call: each webhook's app, found in the identity directory (its tenant and name), its webhook
     * checked against the callback URI policy as a {@code callbackUri} is.
     *
     * @throws IllegalArgumentException for an app no tenant registers, or a webhook the policy refuses
     */
    public dev.switchboard.core.CallingBots bots(dev.switchboard.auth.IdentityDirectory directory,
                                                 dev.switchboard.notify.CallbackUriPolicy policy) {
        List<dev.switchboard.core.CallingBot> out = new java.util.ArrayList<>();
        for (Map.Entry<String, URI> e : callingWebhooks.entrySet()) {
            dev.switchboard.auth.AppRegistration app = directory.apps().stream()
                    .filter(a -> a.appId().equals(e.getKey())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("calling webhook for app " + e.getKey()
                            + ": no tenant registers this app"));
            dev.switchboard.notify.CallbackUriPolicy.Verdict v = policy.evaluate(e.getValue());
            if (!v.isAllowed()) {
                throw new IllegalArgumentException("calling webhook of app " + e.getKey() + ": " + v.message());
            }
            out.add(new dev.switchboard.core.CallingBot(app.appId(), app.tenantId(), app.displayName(), e.getValue()));
        }
        return new dev.switchboard.core.CallingBots(out);
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--calling-webhook", split = ",", paramLabel = "appId=url", description =
                "A bot users can call, and the URL its incoming calls ring at (Graph's calling webhook); repeatable."
                + " Also the \"callingWebhook\" field of an app in the config file. Same rules as callbackUri (default: none).")
        List<String> callingWebhooks;

        @Option(names = "--answer-window", defaultValue = "15s", converter = SettingConverters.DurationConverter.class,
                description = "How long a bot has to answer an incoming call before it ends with 408/1106 (default: 15s, as Graph).")
        Duration answerWindow;

        /** @param file the configuration file already read, or null */
        InboundSettings settings(ConfigFile file) {
            return of(file == null ? null : file.root(), callingWebhooks, answerWindow);
        }
    }
}
