package dev.switchboard.server;

import dev.switchboard.core.CallSettings;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The {@code serve} flags of the call engine's limits (a picocli mixin for core's {@link CallSettings}). */
final class CallOptions {
    @Option(names = "--ringing-timeout", defaultValue = "60s", converter = SettingConverters.DurationConverter.class,
            description = "How long a peer-to-peer call rings before it ends unanswered (408/10057), e.g. 60s (a bare "
                    + "number is seconds) (default: 60s).")
    Duration ringingTimeout;

    @Option(names = "--max-calls", defaultValue = "auto", converter = SettingConverters.CallLimitConverter.class,
            description = "The most live calls this server takes; a new call or dial past it is 429 (Retry-After 5)."
                    + " Default: auto, the heap's maximum over 128 KiB (about 1,880 at -Xmx256m), 100 to 100,000.")
    CallLimit maxCalls;

    @Option(names = "--max-calls-per-tenant", defaultValue = "off", converter = SettingConverters.TenantCallLimitConverter.class,
            description = "The most live calls one tenant may have on this server, so that one tenant cannot take all of "
                    + "--max-calls; a new call or dial past it is 429 (Retry-After 5)."
                    + " It also bounds a tenant's running operations at twice it (at least 100)."
                    + " Default: off (a tenant may take all of --max-calls); set it on a server several tenants share.")
    Integer maxCallsPerTenant;

    CallSettings settings() {
        int max = maxCalls.resolve();
        return CallSettings.DEFAULTS.withRingingTimeout(ringingTimeout).withMaxCalls(max)
                .withMaxCallsPerTenant(maxCallsPerTenant == null ? max : Math.min(maxCallsPerTenant, max));
    }
}
