package dev.switchboard.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The latest {@code logTeleconferenceDeviceQuality} reports the server received, at most {@code capacity} of them,
 * the oldest dropped first (and counted): what an operator reads through the admin API (docs/admin-api.md). Every
 * report ever recorded and every one dropped are counted for {@code /metrics}.
 *
 * <p>Thread-safe: request threads record, admin requests and the metrics scrape read; every method holds the log's
 * lock for a copy at most {@code capacity} long and does no I/O under it (docs/concurrency.md).
 */
public final class DeviceQualityLog {
    /** How many reports a server keeps unless told otherwise. */
    public static final int DEFAULT_CAPACITY = 1_000;

    private final int capacity;
    private final ArrayDeque<DeviceQualityReport> reports;
    private long received;
    private long dropped;

    /** @param capacity how many reports are kept, at least 1 */
    public DeviceQualityLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.reports = new ArrayDeque<>(Math.min(capacity, 64));
    }

    public int capacity() {
        return capacity;
    }

    /** Keeps {@code report}; the oldest one kept goes (and is counted as dropped) when the log is full. */
    public synchronized void record(DeviceQualityReport report) {
        if (reports.size() == capacity) {
            reports.removeFirst();
            dropped++;
        }
        reports.addLast(report);
        received++;
    }

    /**
     * The reports kept, newest first.
     *
     * @param tenantId only this tenant's reports, or null for every tenant's
     */
    public synchronized List<DeviceQualityReport> recent(String tenantId) {
        List<DeviceQualityReport> out = new ArrayList<>(reports.size());
        for (Iterator<DeviceQualityReport> it = reports.descendingIterator(); it.hasNext(); ) {
            DeviceQualityReport r = it.next();
            if (tenantId == null || tenantId.equals(r.from().tenantId())) {
                out.add(r);
            }
        }
        return out;
    }

    /** Reports recorded since the server started. */
    public synchronized long received() {
        return received;
    }

    /** Reports dropped to make room for newer ones since the server started. */
    public synchronized long dropped() {
        return dropped;
    }
}
