package dev.switchboard.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code switchboard ca --install} adds the local CA to an operating system's trust store: where the
 * certificate is copied (null when the tool takes the file itself) and the commands that rebuild the store.
 * <ul>
 *   <li>Debian, Ubuntu and derivatives, Alpine: {@code /usr/local/share/ca-certificates/*.crt} + {@code update-ca-certificates}</li>
 *   <li>Fedora, RHEL, CentOS, Rocky, Alma, Amazon Linux: {@code /etc/pki/ca-trust/source/anchors/} + {@code update-ca-trust extract}</li>
 *   <li>openSUSE, SLES: {@code /etc/pki/trust/anchors/} + {@code update-ca-certificates}</li>
 *   <li>macOS: {@code security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain}</li>
 *   <li>Windows: {@code certutil -addstore -f Root}</li>
 * </ul>
 * Linux flavours are told apart by {@code /etc/os-release} ({@code ID}, then {@code ID_LIKE}). All need root (or an
 * administrator). A value; {@link #install} runs on the CLI's thread.
 */
record OsTrustStore(String platform, Path anchor, List<List<String>> commands) {
    static final String FILE_NAME = "switchboard-dev-ca";

    OsTrustStore {
        commands = commands.stream().map(List::copyOf).toList();
    }

    static OsTrustStore debianLike(String platform, Path storeDir, List<String> update) {
        return new OsTrustStore(platform, storeDir.resolve(FILE_NAME + ".crt"), List.of(update));
    }

    static OsTrustStore redHatLike(String platform) {
        return new OsTrustStore(platform, Path.of("/etc/pki/ca-trust/source/anchors", FILE_NAME + ".pem"),
                List.of(List.of("update-ca-trust", "extract")));
    }

    static OsTrustStore suse() {
        return new OsTrustStore("openSUSE/SLES", Path.of("/etc/pki/trust/anchors", FILE_NAME + ".pem"),
                List.of(List.of("update-ca-certificates")));
    }

    /** macOS and Windows take the certificate file itself: {@code {cert}} in a command is replaced by its path. */
    static OsTrustStore macOs() {
        return new OsTrustStore("macOS", null, List.of(List.of("security", "add-trusted-cert", "-d", "-r", "trustRoot",
                "-k", "/Library/Keychains/System.keychain", "{cert}")));
    }

    static OsTrustStore windows() {
        return new OsTrustStore("Windows", null, List.of(List.of("certutil", "-addstore", "-f", "Root", "{cert}")));
    }

    /** This machine's store, or empty when it is none of the known ones. */
    static Optional<OsTrustStore> ofThisMachine() {
        return detect(System.getProperty("os.name", ""), readOsRelease(Path.of("/etc/os-release")));
    }

    /**
     * @param osName    the JVM's {@code os.name}
     * @param osRelease the keys of {@code /etc/os-release} (empty when absent)
     */
    static Optional<OsTrustStore> detect(String osName, Map<String, String> osRelease) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac")) {
            return Optional.of(macOs());
        }
        if (os.startsWith("windows")) {
            return Optional.of(windows());
        }
        if (!os.startsWith("linux")) {
            return Optional.empty();
        }
        List<String> ids = new ArrayList<>();
        ids.add(osRelease.getOrDefault("ID", "").toLowerCase(Locale.ROOT));
        for (String like : osRelease.getOrDefault("ID_LIKE", "").toLowerCase(Locale.ROOT).split("\\s+")) {
            ids.add(like);
        }
        String name = osRelease.getOrDefault("PRETTY_NAME", osRelease.getOrDefault("ID", "Linux"));
        Path local = Path.of("/usr/local/share/ca-certificates");
        for (String id : ids) {
            switch (id) {
                case "debian", "ubuntu" -> {
                    return Optional.of(debianLike(name, local, List.of("update-ca-certificates")));
                }
                case "alpine" -> {
                    return Optional.of(debianLike(name, local, List.of("update-ca-certificates")));
                }
                case "fedora", "rhel", "centos", "rocky", "almalinux", "amzn" -> {
                    return Optional.of(redHatLike(name));
                }
                case "suse", "opensuse", "sles", "opensuse-leap", "opensuse-tumbleweed" -> {
                    return Optional.of(suse());
                }
                default -> {
                }
            }
        }
        return Optional.empty();
    }

    /** {@code KEY=value} lines, values unquoted; empty when the file is missing or unreadable. */
    static Map<String, String> readOsRelease(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq <= 0 || line.startsWith("#")) {
                    continue;
                }
                String v = line.substring(eq + 1).strip();
                if (v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))) {
                    v = v.substring(1, v.length() - 1);
                }
                out.put(line.substring(0, eq).strip(), v);
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }

    /** The commands with {@code {cert}} replaced by the file the store takes. */
    List<List<String>> commandsFor(Path cert) {
        String file = (anchor != null ? anchor : cert).toString();
        return commands.stream().map(c -> c.stream().map(a -> a.equals("{cert}") ? file : a).toList()).toList();
    }

    /** What {@code --install} does, as shell lines (printed, and shown in the docs). */
    List<String> describe(Path cert) {
        List<String> out = new ArrayList<>();
        if (anchor != null) {
            out.add("cp " + cert + " " + anchor);
        }
        commandsFor(cert).forEach(c -> out.add(String.join(" ", c)));
        return out;
    }

    /**
     * Copies the certificate into the store (when it takes a copy) and runs the commands.
     *
     * @return 0, or 74 when the store is missing or a command failed
     */
    int install(Path cert, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        if (anchor != null) {
            if (!Files.isDirectory(anchor.getParent())) {
                err.println("switchboard: the " + platform + " trust store directory " + anchor.getParent()
                        + " is missing (is the ca-certificates package installed?)");
                return 74;
            }
            Files.copy(cert, anchor, StandardCopyOption.REPLACE_EXISTING);
        }
        for (List<String> command : commandsFor(cert)) {
            int rc;
            try {
                rc = new ProcessBuilder(command).inheritIO().start().waitFor();
            } catch (IOException e) {
                err.println("switchboard: cannot run " + command.getFirst() + ": " + e.getMessage());
                return 74;
            }
            if (rc != 0) {
                err.println("switchboard: " + String.join(" ", command) + " failed (exit " + rc + "); it needs root/administrator");
                return 74;
            }
        }
        out.println("Installed into the " + platform + " trust store" + (anchor != null ? ": " + anchor : "") + ".");
        return 0;
    }
}
