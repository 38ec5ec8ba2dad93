package dev.switchboard;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * Dependencies between the top-level packages point one way (ARCHITECTURE.md): server → {api, client} →
 * core → {media, notify, cluster}; auth is used by api and client; media, notify and cluster see only core's
 * value types; the tools (participant, demo, token) are clients of the server that reuse media codecs and the notification verifier. Read from the
 * main sources' imports and fully qualified names.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/switchboard");
    private static final Pattern REFERENCE = Pattern.compile("dev\\.switchboard\\.([a-z]+)\\.");

    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("server", Set.of("error", "api", "client", "core", "auth", "media", "notify", "cluster", "tools", "journal")),
            Map.entry("api", Set.of("error", "core", "auth", "notify", "cluster")),
            Map.entry("client", Set.of("error", "core", "auth")),
            Map.entry("core", Set.of("error", "media", "notify", "cluster", "journal")),
            Map.entry("auth", Set.of("error", "core", "notify")),
            Map.entry("media", Set.of("error", "core")),
            Map.entry("notify", Set.of("error", "core")),
            Map.entry("cluster", Set.of("error", "core")),
            Map.entry("tools", Set.of("error", "media", "auth", "core", "notify")),
            Map.entry("journal", Set.of("error")),
            Map.entry("error", Set.of()));

    @Test
    void packagesDependOnlyInTheAllowedDirection() throws IOException {
        Map<String, Set<String>> actual = dependencies();
        List<String> violations = new ArrayList<>();
        actual.forEach((from, targets) -> {
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
        assertThat(violations).as("forbidden package dependencies").isEmpty();
    }

    @Test
    void thereAreNoCycles() throws IOException {
        Map<String, Set<String>> graph = dependencies();
        // core drives media, notify and cluster through their interfaces, and they see core's value types
        // (SwitchboardException, ErrorCode, ...): by the table both directions are allowed, so those back-edges are
        // not counted as cycles; any other cycle is.
        for (String seam : List.of("media", "notify", "cluster")) {
            graph.getOrDefault(seam, new TreeSet<>()).remove("core");
        }
        Set<String> done = new HashSet<>();
        for (String start : graph.keySet()) {
            assertThat(findCycle(graph, start, new ArrayList<>(), done)).as("cycle from " + start).isNull();
        }
    }

    private static List<String> findCycle(Map<String, Set<String>> graph, String node, List<String> path, Set<String> done) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return cycle;
        }
        if (!done.add(node)) {
            return null;
        }
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = findCycle(graph, next, path, new HashSet<>(done) {{ remove(next); }});
            if (cycle != null) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        return null;
    }

    static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path relative = MAIN.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue;
                }
                String from = relative.getName(0).toString();
                Set<String> targets = deps.computeIfAbsent(from, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        targets.add(m.group(1));
                    }
                }
            }
        }
        return deps;
    }

    @Test
    void theDependencyReaderSeesRealEdges() throws IOException {
        // guards against a test that cannot fail: the server package certainly uses api
        assertThat(dependencies()).containsKey("server");
        assertThat(dependencies().get("server")).contains("api");
        assertThat(new HashMap<>(ALLOWED)).isNotEmpty();
    }
}
