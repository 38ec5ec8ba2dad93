package dev.switchboard.media.ivr;

import dev.switchboard.error.DataFileException;
import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recordings of recordResponse on disk: one 16 kHz mono 16-bit WAV per recording, readable with its own random
 * access token, deleted after {@code ttl} (by {@link #sweep()}) and bounded to {@code maxBytes} in all, counting the
 * recordings still being recorded ({@link DiskBudget}): a recording that would pass the bound is refused, or ends as it
 * reaches it. Files left by an earlier process are deleted at start: their tokens died with it. Recordings reach it
 * through its {@link RecordingWriter} ({@link #spool()}: written while they are recorded, {@link #adopt adopted} when
 * they end) or whole ({@link #save}). Thread-safe.
 */
public final class RecordingStore implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path dir;
    private final DiskBudget budget;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final RecordingWriter writer;

    /** A stored recording and how to read it. */
    public record Stored(String id, String token, Instant expiresAt, long bytes, double seconds) {
    }

    private record Entry(Path file, byte[] tokenHash, Instant expiresAt, long bytes) {
    }

    public RecordingStore(Path dir, long maxBytes, Duration ttl, Clock clock) {
        this.dir = dir;
        this.ttl = ttl;
        this.clock = clock;
        this.budget = new DiskBudget(maxBytes, "Download and let older recordings expire (they are deleted "
                + ttl.toMinutes() + " minutes after they are made).");
        this.writer = new RecordingWriter(dir, budget);
        try {
            Files.createDirectories(dir);
            try (var old = Files.list(dir)) {
                for (Path p : old.filter(f -> f.toString().endsWith(".wav")).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new DataFileException(dir, "cannot be used for recordings (" + e + ")", "it must be a directory the "
                    + "server can write: move what is there away, or fix its permissions, and start again");
        }
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Writes a recording.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when the store is full (or the disk refused the write)
     */
    public Stored save(short[] pcm) {
        byte[] wav = wav(pcm, RecordJob.RATE);
        if (!budget.take(wav.length)) {
            throw full(wav.length);
        }
        String id = java.util.UUID.randomUUID().toString();
        String token = newToken();
        Path file = dir.resolve(id + ".wav");
        try {
            Files.write(file, wav);
        } catch (IOException e) {
            budget.give(wav.length);
            throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, "The recording could not be stored: " + e.getMessage());
        }
        Instant expires = clock.instant().plus(ttl);
        entries.put(id, new Entry(file, hash(token), expires, wav.length));
        return new Stored(id, token, expires, wav.length, pcm.length / (double) RecordJob.RATE);
    }

    /** A new recording, written in this store's directory while it is recorded (no I/O here). Any thread. */
    public SpooledRecording spool() {
        return writer.open();
    }

    /** As {@link #spool()}, for a recording of {@code tenant} (the store's room is shared fairly between tenants). */
    public SpooledRecording spool(String tenant) {
        return writer.open(tenant);
    }

    /**
     * Keeps a finished spooled recording: waits for its file (the writer is normally milliseconds behind) and gives
     * it its token. Its bytes were counted against the bound as they were written.
     *
     * @throws SwitchboardException SERVICE_UNAVAILABLE when the disk refused the recording (its file is deleted)
     */
    public Stored adopt(SpooledRecording recording) {
        Path file;
        try {
            file = recording.awaitFile();
        } catch (IOException e) {
            recording.discard();
            throw new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, "The recording could not be stored: " + e.getMessage());
        }
        long bytes = recording.bytes();
        String token = newToken();
        Instant expires = clock.instant().plus(ttl);
        entries.put(recording.id(), new Entry(file, hash(token), expires, bytes));
        return new Stored(recording.id(), token, expires, bytes, recording.samples() / (double) RecordJob.RATE);
    }

    /** Stops the writer after it wrote what it was handed. */
    @Override
    public void close() {
        writer.close();
    }

    private static String newToken() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    /** Whether a recording of {@code seconds} would fit now. */
    public boolean fits(double seconds) {
        return budget.fits(bytesFor(seconds));
    }

    /**
     * Whether a recording of {@code tenant} of {@code seconds} would fit now, or could be given room by another
     * tenant whose running recordings hold more than {@code tenant}'s would with it (one of them gives way as it
     * writes).
     */
    public boolean fits(String tenant, double seconds) {
        long wanted = bytesFor(seconds);
        return budget.fits(wanted) || writer.running().couldMakeRoomFor(tenant, wanted);
    }

    /** The size of a recording of {@code seconds}: its samples and its WAV header. */
    public static long bytesFor(double seconds) {
        return 44 + (long) (seconds * RecordJob.RATE * 2);
    }

    /** A message for a bot whose recording does not fit. */
    public SwitchboardException full(long wanted) {
        return new SwitchboardException(ErrorCode.SERVICE_UNAVAILABLE, budget.fullMessage(wanted));
    }

    /**
     * The file of recording {@code id} for the holder of its token.
     *
     * @throws SwitchboardException INVALID_AUTHENTICATION_TOKEN (401) without the right token, ITEM_NOT_FOUND when
     *                              there is no such (unexpired) recording and the token cannot be checked
     */
    public Path open(String id, String token) {
        Entry e = entries.get(id);
        if (e == null || !e.expiresAt.isAfter(clock.instant())) {
            if (token == null) {
                throw unauthorized();
            }
            throw SwitchboardException.notFound("Recording '" + id + "'");
        }
        if (token == null || !MessageDigest.isEqual(e.tokenHash, hash(token))) {
            throw unauthorized();
        }
        return e.file;
    }

    /** Whether recording {@code id} is kept here and not expired (cluster mode: which node serves it). */
    public boolean has(String id) {
        Entry e = entries.get(id);
        return e != null && e.expiresAt.isAfter(clock.instant());
    }

    /** Deletes expired recordings; returns how many. */
    public int sweep() {
        Instant now = clock.instant();
        int n = 0;
        for (var it : List.copyOf(entries.entrySet())) {
            if (!it.getValue().expiresAt.isAfter(now) && entries.remove(it.getKey(), it.getValue())) {
                delete(it.getValue());
                n++;
            }
        }
        return n;
    }

    /** The bound on {@link #usedBytes()}. */
    public long maxBytes() {
        return budget.maxBytes();
    }

    /** Bytes on disk now: recordings kept and recordings being recorded. */
    public long usedBytes() {
        return budget.used();
    }

    private void delete(Entry e) {
        try {
            Files.deleteIfExists(e.file);
        } catch (IOException ignored) {
            // counted as released: a file the disk would not delete is gone for readers anyway
        }
        budget.give(e.bytes);
    }

    private static SwitchboardException unauthorized() {
        return new SwitchboardException(ErrorCode.INVALID_AUTHENTICATION_TOKEN,
                "A recording is read with its recordingAccessToken as a bearer token.");
    }

    private static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A mono 16-bit PCM WAV file of {@code pcm} at {@code rate}. */
    public static byte[] wav(short[] pcm, int rate) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * pcm.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + 2 * pcm.length).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(2 * pcm.length);
        for (short s : pcm) {
            b.putShort(s);
        }
        return b.array();
    }
}
