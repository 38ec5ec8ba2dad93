package dev.switchboard.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.switchboard.error.DataFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The embedded authority's RS256 signing keys, kept in {@code <dataDir>/auth/signing-keys.json} (owner-only
 * permissions where the file system supports them). The file is created with one fresh 2048-bit key on first
 * start and read again on every later start, so tokens survive restarts.
 *
 * <p>Rotation: {@link #rotate()} (or an automatic rotation when the active key is older than the maximum age,
 * checked when a token is signed) makes a new key active and marks the previous one retired. A retired key stays
 * published in the JWKS and keeps verifying until every token it signed has expired (retirement time + token
 * lifetime + clock skew); after that it is dropped from the file.
 *
 * <p>Thread-safe: reads go through an immutable snapshot; rotations are serialized.
 */
public final class SigningKeys {
    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);
    private static final ObjectMapper JSON = AuthJson.JSON;
    static final String FILE_NAME = "signing-keys.json";
    private static final int KEY_BITS = 2048;

    /** One key with its life times; {@code retiredAt} is null for the active key. */
    public record Entry(RSAKey key, Instant createdAt, Instant retiredAt) {
        public String kid() {
            return key.getKeyID();
        }
    }

    private record Snapshot(Entry active, List<Entry> all, Map<String, RSAPublicKey> publicKeys, String jwksJson) {
    }

    private final Path file;
    private final Clock clock;
    private final Duration keepRetiredFor;
    private final Duration maxAge;
    private volatile Snapshot snapshot;

    /**
     * Loads the keys from {@code dir}, creating the directory and a first key when there are none.
     *
     * @param dir            the directory for the key file (e.g. {@code <dataDir>/auth})
     * @param clock          the time source
     * @param keepRetiredFor how long a retired key keeps verifying (token lifetime + clock skew)
     * @param maxAge         the age after which the active key is rotated automatically; null for never
     * @throws UncheckedIOException if the file cannot be written
     * @throws DataFileException if the file cannot be read or is corrupt (it is never overwritten then)
     */
    public SigningKeys(Path dir, Clock clock, Duration keepRetiredFor, Duration maxAge) {
        this.file = dir.resolve(FILE_NAME);
        this.clock = clock;
        this.keepRetiredFor = keepRetiredFor;
        this.maxAge = maxAge;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create key directory " + dir, e);
        }
        List<Entry> entries = Files.exists(file) ? read(file) : List.of();
        List<Entry> kept = dropExpired(entries);
        if (kept.stream().noneMatch(e -> e.retiredAt() == null)) {
            kept = new ArrayList<>(kept);
            kept.add(0, new Entry(generate(), clock.instant(), null));
            log.info("signing key created kid={} file={}", kept.get(0).kid(), file);
        }
        if (!kept.equals(entries)) {
            write(kept);
        }
        this.snapshot = snapshotOf(kept);
        log.info("signing keys loaded active={} published={}", snapshot.active().kid(), snapshot.all().size());
    }

    /** The key new tokens are signed with. Rotates first when the active key is past its maximum age. */
    public Entry active() {
        Snapshot s = snapshot;
        if (maxAge != null && s.active().createdAt().plus(maxAge).isBefore(clock.instant())) {
            rotateIfStale();
            s = snapshot;
        }
        return s.active();
    }

    /** Rotates once even when many threads find the active key stale at the same time. */
    private synchronized void rotateIfStale() {
        if (snapshot.active().createdAt().plus(maxAge).isBefore(clock.instant())) {
            rotate();
        }
    }

    /** The public key for a kid, if it is the active key or a retired key still within its verification window. */
    public Optional<RSAPublicKey> publicKey(String kid) {
        Snapshot s = snapshot;
        RSAPublicKey key = s.publicKeys().get(kid);
        if (key == null) {
            return Optional.empty();
        }
        for (Entry e : s.all()) {
            if (e.kid().equals(kid) && e.retiredAt() != null && e.retiredAt().plus(keepRetiredFor).isBefore(clock.instant())) {
                return Optional.empty();
            }
        }
        return Optional.of(key);
    }

    /** The public JWKS document ({@code {"keys":[…]}}) of every key that still verifies. */
    public String jwksJson() {
        return snapshot.jwksJson();
    }

    /** All entries, active first. */
    public List<Entry> entries() {
        return snapshot.all();
    }

    /**
     * Makes a fresh key active; the previous active key is retired but keeps verifying until its tokens expire.
     * Persists before it returns.
     *
     * @return the new active entry
     */
    public synchronized Entry rotate() {
        Instant now = clock.instant();
        List<Entry> next = new ArrayList<>();
        Entry fresh = new Entry(generate(), now, null);
        next.add(fresh);
        for (Entry e : snapshot.all()) {
            next.add(e.retiredAt() == null ? new Entry(e.key(), e.createdAt(), now) : e);
        }
        next = dropExpired(next);
        write(next);
        snapshot = snapshotOf(next);
        log.info("signing key rotated active={} published={}", fresh.kid(), next.size());
        return fresh;
    }

    /**
     * Cluster rotation, step 1 (docs/cluster.md): publishes a fresh key next to the active one without signing with it
     * yet (it is in the JWKS and verifies); returns the already published one when there is one. Persists first.
     */
    public synchronized Entry publishNext() {
        Optional<Entry> pending = pending();
        if (pending.isPresent()) {
            return pending.get();
        }
        Entry fresh = new Entry(generate(), clock.instant(), null);
        List<Entry> next = new ArrayList<>(snapshot.all());
        next.add(1, fresh);
        write(next);
        snapshot = snapshotOf(next);
        log.info("signing key published kid={} active={}", fresh.kid(), snapshot.active().kid());
        return fresh;
    }

    /**
     * Cluster rotation, step 2: the published key becomes the active one and the previous active key is retired (it
     * keeps verifying until its tokens expire). Persists first.
     *
     * @throws IllegalStateException when no key is published
     */
    public synchronized Entry promoteNext() {
        Entry fresh = pending().orElseThrow(() -> new IllegalStateException("no published key to make active"));
        Instant now = clock.instant();
        List<Entry> next = new ArrayList<>();
        next.add(fresh);
        for (Entry e : snapshot.all()) {
            if (e != fresh) {
                next.add(e.retiredAt() == null ? new Entry(e.key(), e.createdAt(), now) : e);
            }
        }
        next = dropExpired(next);
        write(next);
        snapshot = snapshotOf(next);
        log.info("signing key made active kid={} published={}", fresh.kid(), next.size());
        return fresh;
    }

    /** The key published for the next rotation and not signing yet, if any. */
    public Optional<Entry> pending() {
        Snapshot s = snapshot;
        return s.all().stream().filter(e -> e != s.active() && e.retiredAt() == null).findFirst();
    }

    /**
     * Reads the key file again (another process changed it: a cluster rotation); keys past their verification window
     * are left out. The file is not written.
     *
     * @throws IllegalStateException when the file is corrupt or holds no active key (the keys in use stay)
     */
    public synchronized void reload() {
        List<Entry> kept = dropExpired(read(file));
        if (kept.stream().noneMatch(e -> e.retiredAt() == null)) {
            throw new IllegalStateException("signing key file " + file + " holds no active key");
        }
        snapshot = snapshotOf(kept);
        log.info("signing keys reloaded active={} published={}", snapshot.active().kid(), snapshot.all().size());
    }

    private List<Entry> dropExpired(List<Entry> entries) {
        Instant now = clock.instant();
        return entries.stream()
                .filter(e -> e.retiredAt() == null || !e.retiredAt().plus(keepRetiredFor).isBefore(now))
                .collect(Collectors.toCollection(ArrayList::new));
    }

    private static Snapshot snapshotOf(List<Entry> entries) {
        Entry active = entries.stream().filter(e -> e.retiredAt() == null).findFirst().orElseThrow();
        List<Entry> ordered = new ArrayList<>();
        ordered.add(active);
        entries.stream().filter(e -> e != active).forEach(ordered::add);
        Map<String, RSAPublicKey> publicKeys;
        try {
            publicKeys = Map.copyOf(ordered.stream().collect(Collectors.toMap(Entry::kid, e -> toPublic(e.key()), (a, b) -> a)));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("signing key file holds an unusable key", e);
        }
        String jwks = new JWKSet(ordered.stream().map(e -> (com.nimbusds.jose.jwk.JWK) e.key().toPublicJWK()).toList())
                .toString(true);
        return new Snapshot(active, List.copyOf(ordered), publicKeys, jwks);
    }

    private static RSAPublicKey toPublic(RSAKey key) {
        try {
            return key.toRSAPublicKey();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey generate() {
        try {
            return new RSAKeyGenerator(KEY_BITS)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /**
     * The keys of {@code file}: every key file this class writes holds at least one, so a file without any (empty,
     * cut short, {@code {}}) is corrupt, never "no keys yet": replacing it would silently invalidate every token.
     *
     * @throws DataFileException when the file cannot be read or is corrupt (it is left as it is)
     */
    private static List<Entry> read(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode keys = root == null ? null : root.get("keys");
            if (keys == null || !keys.isArray() || keys.isEmpty()) {
                throw corrupt(file, "holds no signing key (" + Files.size(file) + " bytes)");
            }
            List<Entry> entries = new ArrayList<>();
            for (JsonNode n : keys) {
                RSAKey key = RSAKey.parse(n.get("jwk").toString());
                if (!key.isPrivate()) {
                    throw corrupt(file, "holds a key without its private part");
                }
                Instant created = Instant.parse(n.get("createdAt").asText());
                Instant retired = n.hasNonNull("retiredAt") ? Instant.parse(n.get("retiredAt").asText()) : null;
                entries.add(new Entry(key, created, retired));
            }
            return entries;
        } catch (DataFileException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw corrupt(file, "is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new DataFileException(file, "cannot be read (" + e + ")",
                    "check its permissions and the disk, and start again");
        } catch (ParseException | RuntimeException e) {
            throw corrupt(file, "holds an unusable key (" + e.getMessage() + ")");
        }
    }

    private static DataFileException corrupt(Path file, String problem) {
        return new DataFileException(file, "is corrupt: it " + problem, "restore it from a backup, or move it away to "
                + "start with a new signing key (tokens signed with the old keys then stop verifying)");
    }

    private void write(List<Entry> entries) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode keys = root.putArray("keys");
        Function<Map<String, Object>, JsonNode> toTree = JSON::valueToTree;
        for (Entry e : entries) {
            ObjectNode n = keys.addObject();
            n.set("jwk", toTree.apply(e.key().toJSONObject()));
            n.put("createdAt", e.createdAt().toString());
            if (e.retiredAt() != null) {
                n.put("retiredAt", e.retiredAt().toString());
            }
        }
        try {
            Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp");
            try {
                restrictToOwner(tmp);
                DurableFiles.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
                DurableFiles.forceDirectory(file.getParent()); // the rename too outlives a power loss
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write signing keys to " + file, e);
        }
    }

    private static void restrictToOwner(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: rely on the directory's permissions
        }
    }
}
