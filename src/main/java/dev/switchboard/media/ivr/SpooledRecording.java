package dev.switchboard.media.ivr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One recording on its way to disk: a 16 kHz mono 16-bit WAV written by the {@link RecordingWriter}'s thread as the
 * mixer hands it 200 ms chunks. Once {@link #finish finished} (the trailing silence trimmed, the header written, the
 * file closed) it is {@link #awaitFile() awaited} by whoever stores it, or {@link #discard() discarded}.
 *
 * <p>Its bytes are taken from the writer's {@link DiskBudget} before they are written and given back when the file
 * shrinks (trailing silence) or is deleted. When the budget refuses a chunk, nothing more is written,
 * {@link #fullMessage()} says why, and the record job ends at its next frame; the file is deleted when it finishes.
 *
 * <p>Threads: {@link #chunk}, {@link #write} and {@link #finish} on the mixer thread (or the thread closing the room),
 * in that order, never concurrently; the file work on the writer thread; {@link #awaitFile}, {@link #readPcm} and
 * {@link #discard} from any thread.
 */
public final class SpooledRecording {
    private static final int HEADER = 44;
    private final RecordingWriter writer;
    private final String tenant;
    private final String id = UUID.randomUUID().toString();
    private final Path file;
    private final CountDownLatch finished = new CountDownLatch(1);
    /** Set by the writer thread when the budget refused a chunk; read by the mixer thread. */
    private volatile String fullMessage;
    // writer thread, published by the latch
    private FileChannel channel;
    private ByteBuffer bytes;
    private IOException failure;
    private long samples;
    /** Bytes of the file taken from the budget. */
    private long counted;

    SpooledRecording(RecordingWriter writer, Path dir, String tenant) {
        this.writer = writer;
        this.tenant = tenant;
        this.file = dir.resolve(id + ".wav");
    }

    /** The recording's id (its file is {@code <id>.wav}). */
    public String id() {
        return id;
    }

    /** The tenant whose recording this is. */
    String tenant() {
        return tenant;
    }

    /** Bytes taken from the budget so far. Writer thread. */
    long counted() {
        return counted;
    }

    /** Why this recording could not go on (the disk budget is spent), or null. Any thread. */
    String fullMessage() {
        return fullMessage;
    }

    /** A chunk to fill, from the writer's pool (topped up when this recording was opened). Mixer thread. */
    short[] chunk() {
        return writer.chunk();
    }

    /** Appends {@code count} samples of {@code chunk}; the chunk is the writer's from now on. Mixer thread. */
    void write(short[] chunk, int count) {
        writer.submit(() -> append(chunk, count));
    }

    /**
     * Appends the last {@code count} samples of {@code chunk} (may be null), keeps only the first {@code keep} samples
     * of the whole recording, and closes the file. Mixer thread (or the closing thread), once.
     */
    void finish(short[] chunk, int count, long keep) {
        writer.finished();
        writer.submit(() -> {
            if (chunk != null) {
                append(chunk, count);
            }
            complete(keep);
        });
    }

    private void append(short[] chunk, int count) {
        try {
            if (failure == null && open() && take(2L * count)) {
                bytes.clear();
                for (int i = 0; i < count; i++) {
                    bytes.putShort(chunk[i]);
                }
                bytes.flip();
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                samples += count;
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            writer.recycle(chunk);
        }
    }

    /** Opens the file on the first write, its header's bytes taken from the budget; false if they were refused. */
    private boolean open() throws IOException {
        if (channel == null) {
            if (!take(HEADER)) {
                return false;
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            bytes = ByteBuffer.allocate(2 * RecordingWriter.CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            channel.write(ByteBuffer.allocate(HEADER), 0);
            channel.position(HEADER);
        }
        return true;
    }

    /** Takes {@code n} bytes from the budget; when refused, this recording fails as full. Writer thread. */
    private boolean take(long n) {
        DiskBudget budget = writer.budget();
        RunningRecordings running = writer.running();
        while (!budget.take(n)) {
            SpooledRecording larger = running.toGiveWayFor(this, n);
            if (larger == null) {
                String message = budget.fullMessage(n);
                failure = new IOException(message);
                fullMessage = message;
                running.ended(this, counted);
                return false;
            }
            larger.giveWay(budget.fullMessage(n) + " This recording ended to make room for another tenant's: its"
                    + " tenant's recordings being recorded held the most of the storage.");
        }
        counted += n;
        running.grew(this, n);
        return true;
    }

    /**
     * Ends this recording to make room for another tenant's ({@link RunningRecordings}): nothing more is written, the
     * file is deleted and its bytes given back now; {@code message} is why, and the record job ends at its next frame.
     * Writer thread.
     */
    private void giveWay(String message) {
        failure = new IOException(message);
        fullMessage = message;
        writer.running().ended(this, counted);
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // it is deleted below all the same
        }
        delete();
    }

    private void complete(long keep) {
        writer.running().ended(this, counted); // recorded: kept or deleted from now on, never made to give way
        try {
            if (failure == null && open()) {
                samples = Math.max(0, Math.min(samples, keep));
                channel.truncate(HEADER + 2 * samples);
                channel.write(header(samples), 0);
                writer.budget().give(counted - (HEADER + 2 * samples));
                counted = HEADER + 2 * samples;
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            if (failure != null) {
                delete();
            }
            bytes = null;
            finished.countDown();
        }
    }

    /** Deletes the file and gives its bytes back. Writer thread. */
    private void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a file the disk would not delete is swept at the next start; its bytes are given back all the same
        }
        writer.budget().give(counted);
        counted = 0;
    }

    private static ByteBuffer header(long samples) {
        ByteBuffer b = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        int data = (int) (2 * samples);
        b.putInt(0x46464952).putInt(36 + data).putInt(0x45564157);
        b.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 1).putInt(RecordJob.RATE)
                .putInt(RecordJob.RATE * 2).putShort((short) 2).putShort((short) 16);
        b.putInt(0x61746164).putInt(data);
        return b.flip();
    }

    /**
     * Waits until the file is complete (normally at once: the writer is milliseconds behind the mixer).
     *
     * @return the WAV file
     * @throws IOException if the disk or the budget refused it (the file is then deleted) or it did not finish within
     *                     30 s
     */
    public Path awaitFile() throws IOException {
        try {
            if (!finished.await(30, TimeUnit.SECONDS)) {
                throw new IOException("the recording writer did not finish in 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the recording", e);
        }
        if (failure != null) {
            throw failure;
        }
        return file;
    }

    /** Bytes of the finished file, counted against the budget until it is deleted. Call after {@link #awaitFile()}. */
    public long bytes() {
        return counted;
    }

    /** Samples in the finished file. Call after {@link #awaitFile()}. */
    public long samples() {
        return samples;
    }

    /** How long the finished recording is. Call after {@link #awaitFile()}. */
    public Duration duration() {
        return Duration.ofMillis(samples * 1000 / RecordJob.RATE);
    }

    /** The finished recording's samples (tests and benches). */
    public short[] readPcm() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(awaitFile())).order(ByteOrder.LITTLE_ENDIAN);
        b.position(HEADER);
        short[] out = new short[b.remaining() / 2];
        b.asShortBuffer().get(out);
        return out;
    }

    /**
     * Deletes the file once it is finished (a recording nobody keeps: cancelled, failed) and gives its bytes back.
     * Any thread; never throws.
     */
    public void discard() {
        writer.submit(this::delete);
    }
}
