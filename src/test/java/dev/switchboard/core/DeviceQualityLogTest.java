package dev.switchboard.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device quality log keeps the latest reports, newest first, drops and counts the oldest, filters by tenant. */
class DeviceQualityLogTest {
    static final Caller T1 = Caller.app("tenant-1", "app-1");
    static final Caller T2 = Caller.app("tenant-2", "app-2");

    static DeviceQualityReport report(Caller from, String deviceName) {
        return new DeviceQualityReport(from, Instant.parse("2025-01-01T00:00:00Z"), "0622673d-9f69-49b3-9d4f-5ec64f42ecce",
                "ea078406-b5d4-4d3c-b85e-90103dcec7f6", "bd9ee398-4b9d-42c7-8b8d-4e8efad9435f", deviceName, "",
                new DeviceQualityReport.CloudService(null, null, null, null), "[]");
    }

    static List<String> names(List<DeviceQualityReport> reports) {
        return reports.stream().map(DeviceQualityReport::deviceName).toList();
    }

    @Test
    void aFullLogDropsItsOldestReportAndCountsIt() {
        DeviceQualityLog log = new DeviceQualityLog(3);
        for (String name : List.of("a", "b", "c")) {
            log.record(report(T1, name));
        }
        assertThat(names(log.recent(null))).containsExactly("c", "b", "a");
        assertThat(log.dropped()).isZero();

        log.record(report(T1, "d"));
        log.record(report(T1, "e"));

        assertThat(names(log.recent(null))).containsExactly("e", "d", "c");
        assertThat(log.received()).isEqualTo(5);
        assertThat(log.dropped()).isEqualTo(2);
        assertThat(log.capacity()).isEqualTo(3);
    }

    @Test
    void aTenantSeesOnlyItsOwnReports() {
        DeviceQualityLog log = new DeviceQualityLog(10);
        log.record(report(T1, "one"));
        log.record(report(T2, "two"));
        log.record(report(T1, "three"));

        assertThat(names(log.recent("tenant-1"))).containsExactly("three", "one");
        assertThat(names(log.recent("tenant-2"))).containsExactly("two");
        assertThat(names(log.recent(null))).containsExactly("three", "two", "one");
    }

    @Test
    void concurrentWritersNeverPassTheBound() throws Exception {
        DeviceQualityLog log = new DeviceQualityLog(100);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            String thread = "t" + t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 1_000; i++) {
                    log.record(report(T1, thread + "-" + i));
                }
                return null;
            }));
        }
        start.countDown();
        for (var f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(log.recent(null)).hasSize(100);
        assertThat(log.received()).isEqualTo(4_000);
        assertThat(log.dropped()).isEqualTo(3_900);
    }

    @Test
    void aLogHoldsAtLeastOneReport() {
        assertThatThrownBy(() -> new DeviceQualityLog(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
