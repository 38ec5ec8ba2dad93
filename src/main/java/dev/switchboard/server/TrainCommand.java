package dev.switchboard.server;

import dev.switchboard.auth.DevIdentities;
import dev.switchboard.auth.IdentityConfig;
import dev.switchboard.auth.IdentityDirectory;
import dev.switchboard.auth.SecretHash;
import dev.switchboard.auth.TenantEntry;
import dev.switchboard.auth.TokenSettings;
import dev.switchboard.auth.UserAccount;
import dev.switchboard.tools.TrainingWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@code switchboard train}: the training run of a JDK 25 AOT cache (JEP 483 classes, JEP 515 method profiles).
 * Starts a server in this process on free ports with the development identities and a throw-away data directory,
 * runs {@link TrainingWorkload} against it, stops it and exits 0; run under {@code -XX:AOTCacheOutput=FILE}, the JVM
 * writes the cache as it exits (docs/operations.md, "AOT cache"). Without that option it is a harmless self-test.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Run a short representative workload in this process (for a JDK 25 AOT cache).",
                "  java -XX:AOTCacheOutput=switchboard.aot <JVM options> -jar switchboard.jar train",
                "  java -XX:AOTCache=switchboard.aot <the same JVM options> -jar switchboard.jar serve ...",
                "Group calls with talking RTP legs (rooms of 3, a big PCMU and a big Opus room), Graph mutes and unmutes"
                        + " with signed webhooks; about 30 s on 2 cores."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--rooms", defaultValue = "4", description = "PCMU rooms of 3 talking legs (one Opus room is added). Default: ${DEFAULT-VALUE}.")
    int rooms;

    @Option(names = "--big-room", defaultValue = "100", description = "Legs of one big PCMU room (the mixer's loops and big rosters; 0: none). Default: ${DEFAULT-VALUE}.")
    int bigRoom;

    @Option(names = "--big-opus-room", defaultValue = "40", description = "Legs of one big Opus room (0: none). Default: ${DEFAULT-VALUE}.")
    int bigOpusRoom;

    @Option(names = "--mutes", defaultValue = "1500", description = "Graph mute + unmute pairs. Default: ${DEFAULT-VALUE}.")
    int mutes;

    @Option(names = "--seconds", defaultValue = "15", description = "The legs talk at least this long. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Override
    public Integer call() throws Exception {
        Path dataDir = Files.createTempDirectory("switchboard-train");
        int low = 20000 + 2 * ThreadLocalRandom.current().nextInt(0, 10000);
        int trainees = Math.max(0, Math.max(bigRoom, bigOpusRoom) - 1);
        ServerConfig config = ServerConfig.defaults(dataDir).withPort(0).withMediaPorts(low, low + 99 + bigRoom + bigOpusRoom)
                .withIdentity(new IdentitySettings(null, new IdentityConfig(withTrainees(DevIdentities.directory(), trainees),
                        java.util.List.of(), TokenSettings.defaults()), false));
        try (LogFormat.Quiet quiet = LogFormat.warningsOnly();
             SwitchboardServer server = new SwitchboardServer(config).start()) {
            new TrainingWorkload(server.baseUrl(), System.out).run(rooms, bigRoom, bigOpusRoom, mutes, seconds);
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** The development directory with {@code n} trainees ({@link TrainingWorkload#trainee}) added to its first tenant. */
    static IdentityDirectory withTrainees(IdentityDirectory dev, int n) {
        java.util.List<TenantEntry> tenants = new java.util.ArrayList<>(dev.tenants());
        TenantEntry first = tenants.get(0);
        java.util.List<UserAccount> users = new java.util.ArrayList<>(first.users());
        for (int i = 0; i < n; i++) {
            users.add(new UserAccount(first.id(), "trainee-" + i, TrainingWorkload.trainee(i), "Trainee " + i,
                    SecretHash.plain(TrainingWorkload.TRAINEE_PASSWORD)));
        }
        tenants.set(0, new TenantEntry(first.id(), first.displayName(), first.apps(), users));
        return new IdentityDirectory(tenants);
    }
}
