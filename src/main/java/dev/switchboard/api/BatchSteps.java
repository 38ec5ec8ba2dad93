package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.graph.GraphWire;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the body of {@code POST /v1.0/$batch} into its requests (docs/api.md#json-batching), refusing with 400 and a
 * message that names the request anything Graph's batching would refuse and anything that could make a request
 * reach outside {@code /v1.0}: more than {@value #MAX_REQUESTS} requests, ids missing or repeated (ignoring case), a
 * method other than GET, POST, PATCH, PUT and DELETE, an absolute URL, a path with dot segments or encoded slashes,
 * a batch inside a batch, headers that are not plain text, a body without a {@code Content-Type}, a body that is
 * neither JSON nor base64, and {@code dependsOn} naming an unknown id or making a cycle. Stateless.
 */
final class BatchSteps {
    /** Graph's limit of requests in one batch. */
    static final int MAX_REQUESTS = 20;
    static final int MAX_ID_LENGTH = 128;
    static final int MAX_URL_LENGTH = 4096;
    static final int MAX_HEADERS = 32;
    static final int MAX_HEADER_LENGTH = 4096;
    private static final Set<String> METHODS = Set.of("GET", "POST", "PATCH", "PUT", "DELETE");
    /**
     * Headers a request cannot set, ignored (lower case): the batch's own {@code Authorization} applies to every
     * request, and the batch sets how each reaches the server (host, framing, forwarding); plus those with one of
     * {@link #IGNORED_PREFIXES}.
     */
    static final Set<String> IGNORED_HEADERS = Set.of("authorization", "host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer", "expect", "forwarded",
            "x-http-method-override", "x-http-method", "x-method-override");
    /** Prefixes of ignored headers: the cluster's own, and every kind of forwarding header a proxy may set. */
    static final List<String> IGNORED_PREFIXES = List.of("x-switchboard-", "x-forwarded-", "x-proxied-", "proxy-");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern ABSOLUTE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.\\-]*:.*");

    private BatchSteps() {
    }

    /** The batch's requests in the order sent. */
    static List<BatchStep> parse(ObjectNode batch) {
        JsonNode requests = batch.get("requests");
        if (requests == null || !requests.isArray()) {
            throw SwitchboardException.badRequest("A batch needs 'requests', an array of 1 to " + MAX_REQUESTS + " requests.");
        }
        if (requests.isEmpty() || requests.size() > MAX_REQUESTS) {
            throw SwitchboardException.badRequest("A batch holds 1 to " + MAX_REQUESTS + " requests; this one has "
                    + requests.size() + ".");
        }
        Map<String, String> ids = new HashMap<>(); // lower case → as sent
        List<JsonNode> raw = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            JsonNode r = requests.get(i);
            if (!r.isObject()) {
                throw SwitchboardException.badRequest("Request " + (i + 1) + " of the batch is not a JSON object.");
            }
            JsonNode id = r.get("id");
            if (id == null || !id.isTextual() || id.asText().isBlank() || id.asText().length() > MAX_ID_LENGTH
                    || !id.asText().chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
                throw SwitchboardException.badRequest("Request " + (i + 1) + " of the batch needs an 'id': a string of 1 to "
                        + MAX_ID_LENGTH + " printable characters.");
            }
            if (ids.putIfAbsent(id.asText().toLowerCase(Locale.ROOT), id.asText()) != null) {
                throw SwitchboardException.badRequest("Request id '" + id.asText() + "' appears more than once in the batch"
                        + " (ids are compared ignoring case).");
            }
            raw.add(r);
        }
        List<BatchStep> steps = new ArrayList<>();
        for (JsonNode r : raw) {
            steps.add(step((ObjectNode) r, ids));
        }
        return steps;
    }

    /**
     * The steps in an order where each comes after those it depends on (otherwise as sent).
     *
     * @throws SwitchboardException BAD_REQUEST when {@code dependsOn} makes a cycle
     */
    static List<BatchStep> runOrder(List<BatchStep> steps) {
        Map<String, Integer> waiting = new LinkedHashMap<>();
        Map<String, List<BatchStep>> dependents = new HashMap<>();
        Deque<BatchStep> ready = new ArrayDeque<>();
        for (BatchStep s : steps) {
            waiting.put(s.id(), s.dependsOn().size());
            for (String d : s.dependsOn()) {
                dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(s);
            }
            if (s.dependsOn().isEmpty()) {
                ready.add(s);
            }
        }
        List<BatchStep> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            BatchStep s = ready.poll();
            order.add(s);
            for (BatchStep next : dependents.getOrDefault(s.id(), List.of())) {
                if (waiting.merge(next.id(), -1, Integer::sum) == 0) {
                    ready.add(next);
                }
            }
        }
        if (order.size() < steps.size()) {
            List<String> cycle = steps.stream().filter(s -> !order.contains(s)).map(BatchStep::id).toList();
            throw SwitchboardException.badRequest("The batch's 'dependsOn' make a cycle among requests " + quoted(cycle) + ".");
        }
        return order;
    }

    private static BatchStep step(ObjectNode r, Map<String, String> ids) {
        String id = r.get("id").asText();
        String where = "Request '" + id + "' of the batch";
        JsonNode m = r.get("method");
        String method = m != null && m.isTextual() ? m.asText().toUpperCase(Locale.ROOT) : null;
        if (method == null || !METHODS.contains(method)) {
            throw SwitchboardException.badRequest(where + " needs a 'method': GET, POST, PATCH, PUT or DELETE.");
        }
        JsonNode u = r.get("url");
        if (u == null || !u.isTextual()) {
            throw SwitchboardException.badRequest(where + " needs a 'url', relative to /v1.0 (e.g. /communications/calls/{id}).");
        }
        String target = target(u.asText(), where);
        Map<String, String> headers = headers(r.get("headers"), where);
        byte[] body = body(r.get("body"), where);
        if (body != null && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            throw SwitchboardException.badRequest(where + " has a 'body' but no Content-Type in its 'headers'.");
        }
        return new BatchStep(id, method, target, headers, body, dependsOn(r.get("dependsOn"), id, ids, where));
    }

    /** The request's path and query under {@code /v1.0}. */
    static String target(String url, String where) {
        if (url.isEmpty() || url.length() > MAX_URL_LENGTH) {
            throw SwitchboardException.badRequest(where + " has a 'url' of " + url.length() + " characters; 1 to "
                    + MAX_URL_LENGTH + " are allowed.");
        }
        if (!url.chars().allMatch(c -> c > 0x20 && c < 0x7f) || url.indexOf('#') >= 0 || url.indexOf('\\') >= 0) {
            throw SwitchboardException.badRequest(where + " has a 'url' with spaces, control characters, '#', '\\' or "
                    + "characters outside ASCII; percent-encode them.");
        }
        if (ABSOLUTE.matcher(url).matches() || url.startsWith("//")) {
            throw SwitchboardException.badRequest(where + " has an absolute 'url'; a batch's urls are relative to /v1.0 "
                    + "(e.g. /communications/calls/{id}).");
        }
        String u = url.startsWith("/") ? url : "/" + url;
        if (u.regionMatches(true, 0, "/v1.0", 0, 5) && (u.length() == 5 || u.charAt(5) == '/' || u.charAt(5) == '?')) {
            u = u.substring(5); // the whole path, as clients that strip only the scheme and host send it
            u = u.startsWith("/") ? u : "/" + u;
        }
        String path = u.split("\\?", 2)[0];
        String decoded = decoded(path, where).toLowerCase(Locale.ROOT); // what the router will match
        String lower = path.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || decoded.indexOf(';') >= 0 || decoded.indexOf('\\') >= 0
                || ("/" + decoded + "/").contains("/./") || ("/" + decoded + "/").contains("/../")) {
            throw SwitchboardException.badRequest(where + " has a 'url' with dot segments, ';', or an encoded '/' or '\\'.");
        }
        if (decoded.equals("/$batch") || decoded.equals("/$batch/")) {
            throw SwitchboardException.badRequest(where + " is itself a batch; batches cannot be nested.");
        }
        return "/v1.0" + u;
    }

    /** The path with its percent-escapes decoded (UTF-8), as the server will route it. */
    private static String decoded(String path, String where) {
        try {
            return java.net.URLDecoder.decode(path.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw SwitchboardException.badRequest(where + " has a 'url' with a malformed percent-escape.");
        }
    }

    private static Map<String, String> headers(JsonNode h, String where) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (h == null || h.isNull()) {
            return headers;
        }
        if (!h.isObject() || h.size() > MAX_HEADERS) {
            throw SwitchboardException.badRequest(where + " has 'headers' that are not an object of at most " + MAX_HEADERS
                    + " string values.");
        }
        for (Map.Entry<String, JsonNode> e : h.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (!TOKEN.matcher(name).matches() || !v.isTextual() || v.asText().length() > MAX_HEADER_LENGTH
                    || !v.asText().chars().allMatch(c -> c == '\t' || c >= 0x20 && c < 0x7f)) {
                throw SwitchboardException.badRequest(where + " has a header '" + abbreviate(name) + "' that is not a plain "
                        + "header name with a string value of printable ASCII (at most " + MAX_HEADER_LENGTH + " characters).");
            }
            String lowerName = name.toLowerCase(Locale.ROOT);
            if (!IGNORED_HEADERS.contains(lowerName) && IGNORED_PREFIXES.stream().noneMatch(lowerName::startsWith)) {
                headers.put(name, v.asText().strip());
            }
        }
        return headers;
    }

    private static byte[] body(JsonNode b, String where) {
        if (b == null || b.isNull()) {
            return null;
        }
        if (b.isObject() || b.isArray()) {
            return GraphWire.bytes(b);
        }
        if (b.isTextual()) {
            try {
                return Base64.getDecoder().decode(b.asText());
            } catch (IllegalArgumentException notStandard) {
                try {
                    return Base64.getUrlDecoder().decode(b.asText());
                } catch (IllegalArgumentException e) {
                    throw SwitchboardException.badRequest(where + " has a 'body' string that is not base64.");
                }
            }
        }
        throw SwitchboardException.badRequest(where + " has a 'body' that is neither a JSON object nor a base64 string.");
    }

    private static List<String> dependsOn(JsonNode d, String id, Map<String, String> ids, String where) {
        if (d == null || d.isNull()) {
            return List.of();
        }
        if (!d.isArray()) {
            throw SwitchboardException.badRequest(where + " has a 'dependsOn' that is not an array of request ids.");
        }
        List<String> on = new ArrayList<>();
        for (JsonNode n : d) {
            String other = n.isTextual() ? ids.get(n.asText().toLowerCase(Locale.ROOT)) : null;
            if (other == null) {
                throw SwitchboardException.badRequest(where + " depends on " + (n.isTextual() ? "'" + abbreviate(n.asText())
                        + "', which is not a request of this batch." : "something that is not a request id."));
            }
            if (other.equals(id)) {
                throw SwitchboardException.badRequest(where + " depends on itself.");
            }
            if (!on.contains(other)) {
                on.add(other);
            }
        }
        return List.copyOf(on);
    }

    private static String quoted(List<String> ids) {
        return String.join(", ", ids.stream().map(i -> "'" + i + "'").toList());
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }
}
