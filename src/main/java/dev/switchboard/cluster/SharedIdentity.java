package dev.switchboard.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One identity for the whole cluster: the embedded authority's key files (token signing keys, callback signing
 * key) are created once, by the first node, and every node starts from the same files, so a token issued by one
 * node verifies on every node and the JWKS is the same everywhere. Redis holds the files ({@code sb:identity}, set
 * once with SET NX); each node writes them into its data directory's {@code auth/} before its authority starts.
 */
public final class SharedIdentity {
    private final Redis redis;
    private final Path authDir;

    public SharedIdentity(Redis redis, Path authDir) {
        this.redis = redis;
        this.authDir = authDir;
    }

    /** Writes the cluster's key files here, if the cluster has them. Returns whether it did. */
    public boolean adopt() {
        String blob = redis.call(j -> j.get(Keys.IDENTITY));
        if (blob == null) {
            return false;
        }
        write(blob);
        return true;
    }

    /**
     * Offers this node's key files (just created by its authority) as the cluster's; returns false when another
     * node's were there first (they are written here then, and the authority must be started again).
     */
    public boolean offer() {
        String mine = read();
        long set = redis.call(j -> j.setnx(Keys.IDENTITY, mine));
        if (set == 1) {
            return true;
        }
        String theirs = redis.call(j -> j.get(Keys.IDENTITY));
        if (theirs.equals(mine)) {
            return true;
        }
        write(theirs);
        return false;
    }

    /**
     * Follows a key rotation (the heartbeat saw the identity version change): writes the cluster's key files here,
     * lets the authority read them again ({@code reload}), and tells the rotation that node {@code nodeId} has
     * {@code version} loaded. Runs on the heartbeat thread.
     */
    public void follow(long version, Runnable reload, String nodeId) {
        if (!adopt()) {
            return;
        }
        reload.run();
        redis.call(j -> j.hset(Keys.IDENTITY_ACKS, nodeId, Long.toString(version)));
    }

    /** Writes this node's key files as the cluster's if Redis has none (it came back empty); never changes the files here. */
    public void reseed() {
        String mine = read();
        redis.call(j -> j.setnx(Keys.IDENTITY, mine));
    }

    private String read() {
        return read(authDir);
    }

    private void write(String blob) {
        write(blob, authDir);
    }

    /** The key files of {@code authDir} as one text (name TAB base64 per line, sorted by name). */
    static String read(Path authDir) {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(authDir)) {
            TreeMap<String, Path> sorted = new TreeMap<>();
            files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".json"))
                    .forEach(p -> sorted.put(p.getFileName().toString(), p));
            for (var e : sorted.entrySet()) {
                out.append(e.getKey()).append('\t')
                        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(e.getValue()))).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the key files in " + authDir, e);
        }
        return out.toString();
    }

    /** Writes the key files of {@code blob} into {@code authDir} (each file replaced atomically). */
    static void write(String blob, Path authDir) {
        try {
            Files.createDirectories(authDir);
            for (String line : List.of(blob.split("\n"))) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split("\t", 2);
                String name = Path.of(f[0]).getFileName().toString(); // never outside auth/
                Path tmp = Files.createTempFile(authDir, name, ".tmp");
                Files.write(tmp, Base64.getDecoder().decode(f[1].getBytes(StandardCharsets.US_ASCII)));
                Files.move(tmp, authDir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster's key files into " + authDir, e);
        }
    }
}
