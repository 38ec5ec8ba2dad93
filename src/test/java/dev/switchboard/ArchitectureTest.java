package dev.switchboard;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The floor plan of ARCHITECTURE.md, enforced on the main sources' imports and fully qualified names:
 *
 * <pre>
 *   server → {api, client, admin, web} → {graph, cluster} → core → {media, journal}
 * </pre>
 *
 * A package may use any package in a row below its own (never one in its own row or above); {@code notify} and
 * {@code auth} are used from above core (server, api, client, web, graph, cluster) and use nothing of ours but
 * {@code error}; every package may use {@code error}, which uses nothing. Two edges are outside the rows, on purpose:
 * <ul>
 *   <li>{@code tools} is the client side (softphone, demo bot, token client): it is no layer of the server and may use
 *       only what a client needs: media's codecs/RTP/SDP, notify's {@code NotificationVerifier} (a bot checks its
 *       callbacks), auth's {@code DevIdentities} (the demo's well-known identities) and {@code error}.</li>
 *   <li>{@code server} owns the command line, whose {@code participant} and {@code demo} subcommands run the tools.</li>
 * </ul>
 * Libraries are confined too: core and media import neither Jackson nor Javalin (see {@link #LIBRARIES}).
 * No exemptions: the edges read are the edges checked.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/switchboard");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.switchboard\\.([a-z]+)\\.");

    /**
     * The rows of the drawing, top first. {@code admin} (the
     * dashboard's admin API) is a surface like {@code api} and {@code client}: it reads core's call directory, acts
     * through the cluster's router, and hears notify's delivery reports.
     */
    private static final List<List<String>> ROWS = List.of(
            List.of("server"),
            List.of("api", "client", "web", "admin"),
            List.of("graph", "cluster"),
            List.of("core"),
            List.of("media", "journal"));
    /** Used from above core; they themselves use nothing of ours but error. */
    private static final List<String> SHARED = List.of("notify", "auth");
    private static final String LEAF = "error";

    /** Each package and the packages it may use. */
    static final Map<String, Set<String>> ALLOWED = allowed();

    /** Which packages may import a library, by the package prefix of the library. */
    static final Map<String, Set<String>> LIBRARIES = Map.of(
            "com.fasterxml.jackson", Set.of("server", "api", "client", "admin", "graph", "auth", "tools"),
            // auth serves the token and JWKS endpoints itself (IdentityRoutes)
            "io.javalin", Set.of("server", "api", "client", "web", "admin", "auth"),
            "org.eclipse.jetty", Set.of("server", "api", "client", "auth"),
            // notify's NotificationVerifier checks callback tokens for bots
            "com.nimbusds", Set.of("auth", "notify"),
            // webhooks, external issuers' JWKS, the client-side tools, and cluster mode's node-to-node hop
            "java.net.http", Set.of("notify", "auth", "tools", "cluster"),
            // cluster mode's state store and bus stay inside the cluster package
            "redis.clients", Set.of("cluster"));

    private static Map<String, Set<String>> allowed() {
        Map<String, Set<String>> allowed = new LinkedHashMap<>();
        int coreRow = ROWS.indexOf(List.of("core"));
        for (int row = 0; row < ROWS.size(); row++) {
            Set<String> below = new TreeSet<>(Set.of(LEAF));
            for (int lower = row + 1; lower < ROWS.size(); lower++) {
                below.addAll(ROWS.get(lower));
            }
            if (row < coreRow) {
                below.addAll(SHARED);
            }
            for (String pkg : ROWS.get(row)) {
                allowed.put(pkg, below);
            }
        }
        for (String shared : SHARED) {
            allowed.put(shared, Set.of(LEAF));
        }
        allowed.put(LEAF, Set.of());
        allowed.put("tools", Set.of("media", "notify", "auth", LEAF));
        Set<String> server = new TreeSet<>(allowed.get("server"));
        server.add("tools");
        allowed.put("server", server);
        return allowed;
    }

    @Test
    void everyPackageIsInTheTableAndEveryPackageInTheTableExists() throws IOException {
        assertThat(ALLOWED.keySet()).containsExactlyInAnyOrderElementsOf(dependencies().keySet());
    }

    @Test
    void packagesDependOnlyInTheAllowedDirection() throws IOException {
        assertThat(violations(dependencies())).as("forbidden package dependencies").isEmpty();
    }

    @Test
    void thereAreNoCycles() throws IOException {
        assertThat(cycle(dependencies())).as("a cycle between packages").isEmpty();
    }

    @Test
    void theTableItselfPointsOneWay() {
        assertThat(cycle(ALLOWED)).as("a cycle the table would allow").isEmpty();
    }

    @Test
    void librariesStayInTheirPackages() throws IOException {
        List<String> violations = new ArrayList<>();
        libraryUses().forEach((pkg, libs) -> {
            for (String lib : libs) {
                if (!LIBRARIES.get(lib).contains(pkg)) {
                    violations.add(pkg + " imports " + lib);
                }
            }
        });
        assertThat(violations).as("library imports outside their packages").isEmpty();
    }

    @Test
    void theCheckerFailsWhenMediaUsesCore() throws IOException {
        Map<String, Set<String>> deps = copy(dependencies());
        deps.get("media").add("core");
        assertThat(violations(deps)).containsExactly("media -> core");
        assertThat(cycle(deps)).containsSubsequence("core", "media", "core");
    }

    @Test
    void theCheckerFailsForAnUnknownPackageAndAnUpwardEdge() throws IOException {
        Map<String, Set<String>> deps = copy(dependencies());
        deps.put("helpers", new TreeSet<>(Set.of("core")));
        deps.get("notify").add("core");
        deps.get("cluster").add("graph");
        assertThat(violations(deps)).containsExactlyInAnyOrder(
                "package helpers is not in the architecture's table; add it on purpose", "notify -> core", "cluster -> graph");
    }

    @Test
    void theReaderSeesRealEdgesAndLibraries() throws IOException {
        Map<String, Set<String>> deps = dependencies();
        assertThat(deps.get("server")).contains("api", "core");
        assertThat(deps.get("api")).contains("graph", "cluster", "core", "error");
        assertThat(deps.get("core")).contains("media", "error");
        assertThat(libraryUses().get("api")).contains("com.fasterxml.jackson", "io.javalin");
    }

    // ---- the checker -------------------------------------------------------------------------------------------

    static List<String> violations(Map<String, Set<String>> deps) {
        List<String> violations = new ArrayList<>();
        deps.forEach((from, targets) -> {
            Set<String> allowed = ALLOWED.get(from);
            if (allowed == null) {
                violations.add("package " + from + " is not in the architecture's table; add it on purpose");
                return;
            }
            for (String to : targets) {
                if (!allowed.contains(to)) {
                    violations.add(from + " -> " + to);
                }
            }
        });
        return violations;
    }

    /** A cycle as the list of packages on it (first = last), or empty. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Set<String> done = new HashSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> found = cycleFrom(graph, start, new ArrayList<>(), done);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> cycleFrom(Map<String, Set<String>> graph, String node, List<String> path, Set<String> done) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return cycle;
        }
        if (done.contains(node)) {
            return List.of();
        }
        path.add(node);
        for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
            List<String> cycle = cycleFrom(graph, next, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.removeLast();
        done.add(node);
        return List.of();
    }

    // ---- the reader --------------------------------------------------------------------------------------------

    static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> deps = new TreeMap<>();
        forEachSource((from, text) -> {
            Set<String> targets = deps.computeIfAbsent(from, k -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(text);
            while (m.find()) {
                if (!m.group(1).equals(from)) {
                    targets.add(m.group(1));
                }
            }
        });
        return deps;
    }

    static Map<String, Set<String>> libraryUses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        forEachSource((from, text) -> {
            for (String lib : LIBRARIES.keySet()) {
                if (Pattern.compile("\\b" + Pattern.quote(lib) + "\\.").matcher(text).find()) {
                    uses.computeIfAbsent(from, k -> new TreeSet<>()).add(lib);
                }
            }
        });
        return uses;
    }

    private interface SourceVisitor {
        void visit(String topPackage, String text) throws IOException;
    }

    private static void forEachSource(SourceVisitor visitor) throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path relative = MAIN.relativize(file);
                if (relative.getNameCount() >= 2) {
                    visitor.visit(relative.getName(0).toString(), Files.readString(file));
                }
            }
        }
    }

    private static Map<String, Set<String>> copy(Map<String, Set<String>> deps) {
        Map<String, Set<String>> copy = new TreeMap<>();
        deps.forEach((k, v) -> copy.put(k, new TreeSet<>(v)));
        return copy;
    }
}
