package dev.switchboard.media.ivr;

import java.util.Map;

/** The fair-share rule that {@link PromptMemory} and {@link RunningRecordings} apply to the bytes each tenant holds. */
final class TenantBytes {
    private TenantBytes() {
    }

    /**
     * The tenant of {@code held} holding the most, when that is more than {@code than}; never {@code tenant} itself;
     * else null. A tenant alone never finds one.
     */
    static String holdingMoreThan(Map<String, Long> held, String tenant, long than) {
        String larger = null;
        long most = than;
        for (Map.Entry<String, Long> e : held.entrySet()) {
            if (e.getValue() > most && !e.getKey().equals(tenant)) {
                larger = e.getKey();
                most = e.getValue();
            }
        }
        return larger;
    }
}
