package dev.switchboard.core;

import dev.switchboard.error.SwitchboardException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The bots users can call, by app id (docs/inbound-calls.md). Immutable; thread-safe. */
public final class CallingBots {
    private final Map<String, CallingBot> byAppId;

    public CallingBots(List<CallingBot> bots) {
        Map<String, CallingBot> map = new LinkedHashMap<>();
        for (CallingBot b : bots) {
            map.put(b.appId(), b);
        }
        this.byAppId = Map.copyOf(map);
    }

    /**
     * The bot with this app id, for a caller of {@code tenantId}.
     *
     * @throws SwitchboardException ITEM_NOT_FOUND when no such bot takes calls in that tenant
     */
    public CallingBot require(String appId, String tenantId) {
        CallingBot b = appId == null ? null : byAppId.get(appId);
        if (b == null || !b.tenantId().equals(tenantId)) {
            throw SwitchboardException.notFound("Bot '" + appId + "' (no app of this tenant with a calling webhook)");
        }
        return b;
    }

    public List<CallingBot> all() {
        return List.copyOf(byAppId.values());
    }
}
