package dev.switchboard.media.ivr;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recordings being written now and the disk each tenant's take, so that one tenant's recordings cannot keep the
 * recordings' storage from another tenant's: when a chunk of a tenant does not fit, the running recording holding the
 * most of the tenant whose running recordings hold the most gives way ({@link #makeRoomFor}), provided that tenant
 * holds more than the asking one would after the chunk. A tenant alone never finds a larger one: its recording that
 * reaches the bound ends, as before. Recordings already kept for download are never touched.
 *
 * <p>Threads: everything but {@link #couldMakeRoomFor} on the recording writer's thread ({@link RecordingWriter});
 * {@link #couldMakeRoomFor} from any thread (a request thread's admission check) reads the per-tenant totals only.
 */
final class RunningRecordings {
    /** Writer thread only. */
    private final Set<SpooledRecording> live = new LinkedHashSet<>();
    /** Bytes of each tenant's running recordings; a tenant with none has no entry. Written on the writer thread. */
    private final Map<String, Long> bytesByTenant = new ConcurrentHashMap<>();

    /** {@code r} took {@code n} more bytes of the budget (its first take makes it live). Writer thread. */
    void grew(SpooledRecording r, long n) {
        live.add(r);
        bytesByTenant.merge(r.tenant(), n, Long::sum);
    }

    /** {@code r} stopped recording (finished, failed or made to give way), holding {@code counted} bytes. Writer thread. */
    void ended(SpooledRecording r, long counted) {
        if (live.remove(r)) {
            bytesByTenant.computeIfPresent(r.tenant(), (t, b) -> b - counted <= 0 ? null : b - counted);
        }
    }

    /**
     * The recording that should give way so that {@code asking} can take {@code n} bytes: the live recording holding
     * the most of the tenant whose running recordings hold the most, when that tenant holds more than the asking
     * tenant would with the {@code n} bytes; else null. Writer thread.
     */
    SpooledRecording toGiveWayFor(SpooledRecording asking, long n) {
        String larger = largerTenantThan(asking.tenant(), n);
        if (larger == null) {
            return null;
        }
        SpooledRecording most = null;
        for (SpooledRecording r : live) {
            if (r.tenant().equals(larger) && (most == null || r.counted() > most.counted())) {
                most = r;
            }
        }
        return most;
    }

    /** Whether a recording of {@code tenant} needing {@code n} bytes could be given room by a larger tenant. Any thread. */
    boolean couldMakeRoomFor(String tenant, long n) {
        return largerTenantThan(tenant, n) != null;
    }

    private String largerTenantThan(String tenant, long n) {
        return TenantBytes.holdingMoreThan(bytesByTenant, tenant, bytesByTenant.getOrDefault(tenant, 0L) + n);
    }
}
