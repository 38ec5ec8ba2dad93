package dev.switchboard.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Random changes to a valid bearer token, for fuzzing: a character changed or removed, the signature removed, header
 * and payload swapped, claims edited (audience, tenant, expiry, roles) without signing again, other schemes, tokens
 * reshaped (extra or missing segments, doubled, cut in half).
 */
public final class TokenMutations {
    private TokenMutations() {
    }

    private static final String B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /** An Authorization header changed: what was done, and its value ("" for no header). */
    public record Altered(String what, String header) {
    }

    /** The header {@code Bearer <token>} changed once at random. */
    public static Altered alter(String header, Random r) {
        String token = header.substring("Bearer ".length());
        String[] parts = token.split("\\.");
        switch (r.nextInt(9)) {
            case 0, 1, 2: {
                int at = r.nextInt(token.length());
                char c = token.charAt(at);
                char other = c == '.' ? 'A' : B64URL.charAt(r.nextInt(B64URL.length()));
                if (other == c) {
                    other = c == 'A' ? 'B' : 'A';
                }
                return new Altered("char " + at + " '" + c + "' → '" + other + "'",
                        "Bearer " + token.substring(0, at) + other + token.substring(at + 1));
            }
            case 3: {
                int at = r.nextInt(token.length());
                return new Altered("char " + at + " removed", "Bearer " + token.substring(0, at) + token.substring(at + 1));
            }
            case 4:
                return new Altered("signature removed", "Bearer " + parts[0] + "." + parts[1] + ".");
            case 5:
                return new Altered("header and payload swapped", "Bearer " + parts[1] + "." + parts[0] + "." + parts[2]);
            case 6: {
                String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
                String[] swaps = {"\"aud\":\"", "\"aud\":\"x", "\"tid\":\"", "\"tid\":\"0", "\"exp\":", "\"exp\":1",
                        "\"roles\":[", "\"roles\":[\"Calls.JoinGroupCall.All\","};
                int k = r.nextInt(swaps.length / 2) * 2;
                String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                        payload.replace(swaps[k], swaps[k + 1]).getBytes(StandardCharsets.UTF_8));
                return new Altered("claims edited: " + swaps[k] + " → " + swaps[k + 1], "Bearer " + parts[0] + "." + forged + "." + parts[2]);
            }
            case 7: {
                String[] schemes = {"bearer ", "BEARER ", "Bearer  ", "Bearer\t", "Basic ", "", "Bearer", "Token "};
                String scheme = schemes[r.nextInt(schemes.length)];
                return new Altered("scheme '" + scheme + "'", scheme.isEmpty() ? "" : scheme + (scheme.equals("Bearer") ? "" : token));
            }
            default: {
                String[] extra = {token + ".", "." + token, token + "." + parts[2], token + " " + token, token + ",",
                        parts[0] + ".." + parts[2], token.substring(0, token.length() / 2)};
                String v = extra[r.nextInt(extra.length)];
                return new Altered("token reshaped", "Bearer " + v);
            }
        }
    }

    /** Whether the header carries the same token: the same three segments, decoded, with the scheme in any case. */
    public static boolean sameToken(String header, String token) {
        int space = header.indexOf(' ');
        if (space < 0 || !header.substring(0, space).equalsIgnoreCase("Bearer")) {
            return false;
        }
        String[] a = header.substring(space + 1).trim().split("\\.", -1);
        String[] b = token.split("\\.", -1);
        if (a.length != 3) {
            return false;
        }
        try {
            for (int i = 0; i < 3; i++) {
                if (!java.util.Arrays.equals(java.util.Base64.getUrlDecoder().decode(a[i]),
                        java.util.Base64.getUrlDecoder().decode(b[i]))) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }
}
