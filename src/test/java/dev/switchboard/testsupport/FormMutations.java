package dev.switchboard.testsupport;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random changes to a valid {@code application/x-www-form-urlencoded} token request, for fuzzing: a parameter removed,
 * given twice, renamed in other case, its value replaced (empty, long, broken percent-encoding, NUL, other ids and
 * secrets, other grant types), bodies that are no form, other content types.
 */
public final class FormMutations {
    private static final String[] ODD_VALUES = {"", " ", "x".repeat(5000), "%zz", "%00", "\u00e9", "+", "a b",
            "client_credentials ", "CLIENT_CREDENTIALS", "password", "authorization_code", "refresh_token",
            "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:jwt-bearer", "implicit",
            "https://graph.microsoft.com/.default openid", "openid", "https://example.com/.default"};

    private FormMutations() {
    }

    /**
     * The valid form {@code params} changed once at random.
     *
     * @param others values a mutation may put in place of one: other client ids and secrets
     */
    public static Mutation mutate(Map<String, String> params, List<String> others, Random r) {
        List<String[]> pairs = new ArrayList<>();
        params.forEach((k, v) -> pairs.add(new String[] {k, v}));
        String what;
        String type = "application/x-www-form-urlencoded";
        switch (r.nextInt(8)) {
            case 0: {
                String[] gone = pairs.remove(r.nextInt(pairs.size()));
                what = gone[0] + " removed";
                break;
            }
            case 1: {
                String[] p = pairs.get(r.nextInt(pairs.size()));
                String v = r.nextBoolean() ? p[1] : pick(others, r);
                pairs.add(r.nextInt(pairs.size() + 1), new String[] {p[0], v});
                what = p[0] + " given twice, the second " + Mutation.abbreviate(v);
                break;
            }
            case 2, 3: {
                String[] p = pairs.get(r.nextInt(pairs.size()));
                p[1] = r.nextBoolean() ? ODD_VALUES[r.nextInt(ODD_VALUES.length)] : pick(others, r);
                what = p[0] + " = " + Mutation.abbreviate(p[1]);
                break;
            }
            case 4: {
                String[] p = pairs.get(r.nextInt(pairs.size()));
                p[0] = p[0].toUpperCase(java.util.Locale.ROOT);
                what = "name " + p[0];
                break;
            }
            case 5: {
                String[] bodies = {"", "&&&", "=", "a=b=c", "grant_type", "{\"grant_type\":\"client_credentials\"}",
                        "\u0000\u0001", "%", "client_id=%E0%A4%A"};
                String b = bodies[r.nextInt(bodies.length)];
                return new Mutation("body " + Mutation.abbreviate(b), type, b.getBytes(StandardCharsets.UTF_8));
            }
            case 6: {
                String[] types = {"application/json", "text/plain", "", "multipart/form-data; boundary=x",
                        "application/x-www-form-urlencoded; charset=iso-8859-1"};
                type = types[r.nextInt(types.length)];
                what = "content type " + type;
                break;
            }
            default: {
                String raw = encode(pairs);
                int cut = r.nextInt(raw.length());
                return new Mutation("cut at " + cut, type, raw.substring(0, cut).getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Mutation(what, type, encode(pairs).getBytes(StandardCharsets.UTF_8));
    }

    /** The form's parameters, in order, each with every value it was given (null when the body is no form). */
    public static Map<String, List<String>> parse(String body) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        } catch (IllegalArgumentException notAForm) {
            return null;
        }
        return out;
    }

    private static String pick(List<String> values, Random r) {
        return values.get(r.nextInt(values.size()));
    }

    private static String encode(List<String[]> pairs) {
        StringBuilder b = new StringBuilder();
        for (String[] p : pairs) {
            if (!b.isEmpty()) {
                b.append('&');
            }
            b.append(URLEncoder.encode(p[0], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p[1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }
}
