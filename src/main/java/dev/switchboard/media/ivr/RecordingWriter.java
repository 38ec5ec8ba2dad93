package dev.switchboard.media.ivr;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes recordings to disk while they are recorded, so the mixer thread never creates, writes or closes a file and a
 * recording never sits whole in the heap (docs/ivr-media.md, "Recordings"). The mixer fills 200 ms chunks and hands
 * each full one over; this writer's one platform thread appends it to the recording's file and puts the chunk back
 * in a small pool the mixer takes its next chunks from, so recording allocates nothing on the mixer thread once the
 * pool is warm.
 *
 * <p>Thread-safe: {@link #open()} from any thread (it tops up the pool there for the new recording, not on the mixer
 * thread); the {@link SpooledRecording} hand-offs are lock-free queue inserts. The thread starts with the first
 * recording and stops at {@link #close()} after writing what was handed over.
 */
public final class RecordingWriter implements AutoCloseable {
    /**
     * Samples per chunk: 200 ms at {@link RecordJob#RATE} (6.4 KB). Small, so what all running recordings hold in the
     * heap at once (two chunks each) stays small for the collector to move; a multiple of the 20 ms frame.
     */
    static final int CHUNK = RecordJob.RATE / 5;
    /** Spare chunks kept for reuse (about 6 MiB); more are left to the garbage collector. */
    static final int MAX_SPARE = 1024;
    private static final Runnable STOP = () -> { };
    /** The tenant of a recording that names none (tools and tests): one more tenant among the others. */
    public static final String NO_TENANT = "";

    private final Path dir;
    private final DiskBudget budget;
    private final LinkedBlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<short[]> spare = new ConcurrentLinkedQueue<>();
    private final AtomicInteger spareCount = new AtomicInteger();
    /** Recordings opened and not yet finished: the pool is kept at two spare chunks for each. */
    private final AtomicInteger unfinished = new AtomicInteger();
    private final RunningRecordings running = new RunningRecordings();
    private Thread thread;

    /**
     * @param dir    where recordings' files are made (it exists)
     * @param budget the disk they may take; each chunk's bytes are taken from it before they are written
     */
    public RecordingWriter(Path dir, DiskBudget budget) {
        this.dir = dir;
        this.budget = budget;
    }

    DiskBudget budget() {
        return budget;
    }

    /** The recordings being written and each tenant's share of them (tenant fairness of the budget). */
    RunningRecordings running() {
        return running;
    }

    /**
     * A new recording whose file will be {@code dir/<id>.wav}; no I/O here. Any thread. The pool is topped up here,
     * not on the mixer thread, to two spare chunks for each recording opened and not finished (at most
     * {@link #MAX_SPARE}): a recording takes its chunks from the pool when it starts, so one queued behind others
     * holds nothing, and all of them together hold at most the pool.
     */
    public SpooledRecording open() {
        return open(NO_TENANT);
    }

    /**
     * As {@link #open()}, for a recording of {@code tenant}: when the budget is spent, a running recording of a
     * tenant whose running recordings hold more gives way to it ({@link RunningRecordings}).
     */
    public SpooledRecording open(String tenant) {
        synchronized (this) {
            if (thread == null) {
                thread = Thread.ofPlatform().name("switchboard-recording-writer").daemon(true).start(this::run);
            }
        }
        int want = Math.min(MAX_SPARE, 2 * unfinished.incrementAndGet());
        while (spareCount.get() < want) {
            recycle(new short[CHUNK]);
        }
        return new SpooledRecording(this, dir, tenant);
    }

    /** A recording {@link #open() opened} here was finished (once each). */
    void finished() {
        unfinished.decrementAndGet();
    }

    /** Spare chunks in the pool now (tests). */
    int spare() {
        return spareCount.get();
    }

    /** A zeroed-or-reused chunk (its old content is overwritten before it is written). Any thread. */
    short[] chunk() {
        short[] c = spare.poll();
        if (c == null) {
            return new short[CHUNK];
        }
        spareCount.decrementAndGet();
        return c;
    }

    void recycle(short[] chunk) {
        if (chunk != null && spareCount.incrementAndGet() <= MAX_SPARE) {
            spare.add(chunk);
        } else if (chunk != null) {
            spareCount.decrementAndGet();
        }
    }

    /** Runs {@code task} on the writer thread, after everything handed over before it. */
    void submit(Runnable task) {
        work.add(task);
    }

    private void run() {
        while (true) {
            Runnable task;
            try {
                task = work.take();
            } catch (InterruptedException e) {
                return;
            }
            if (task == STOP) {
                return;
            }
            task.run(); // SpooledRecording's tasks catch their own I/O failures
        }
    }

    /** Writes what was handed over, then stops the thread. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            work.add(STOP);
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
