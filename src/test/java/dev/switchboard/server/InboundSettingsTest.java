package dev.switchboard.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.auth.IdentityConfig;
import dev.switchboard.core.CallingBots;
import dev.switchboard.notify.CallbackUriPolicy;
import dev.switchboard.notify.NotifierSettings;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Calling webhooks from the config file's apps and {@code --calling-webhook} (docs/inbound-calls.md). */
class InboundSettingsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theFlagWinsOverTheConfigFileAndTheWebhooksBecomeCallableBots() throws Exception {
        var root = JSON.readTree("""
                {"tenants":[{"id":"t1","apps":[{"appId":"bot-a","callingWebhook":"http://127.0.0.1:9000/a"},
                                               {"appId":"bot-b","callingWebhook":"http://127.0.0.1:9000/b"}]}]}""");
        InboundSettings s = InboundSettings.of(root, List.of("bot-b=http://localhost:9001/b2"), Duration.ofSeconds(15));
        assertThat(s.callingWebhooks()).containsEntry("bot-a", URI.create("http://127.0.0.1:9000/a"))
                .containsEntry("bot-b", URI.create("http://localhost:9001/b2"));

        InboundSettings dev = InboundSettings.DEFAULTS.withWebhook(DevIdentities.DEV_BOT_APP_ID, "http://127.0.0.1:9/calling");
        CallbackUriPolicy policy = new CallbackUriPolicy(NotifierSettings.defaults()
                .withAllowedHosts(Set.of("localhost", "127.0.0.0/8")));
        CallingBots bots = dev.bots(IdentityConfig.development().directory(), policy);
        assertThat(bots.require(DevIdentities.DEV_BOT_APP_ID, DevIdentities.TENANT_ID).callingWebhook())
                .isEqualTo(URI.create("http://127.0.0.1:9/calling"));
        assertThatThrownBy(() -> bots.require(DevIdentities.DEV_BOT_APP_ID, DevIdentities.OTHER_TENANT_ID))
                .hasMessageContaining("calling webhook");
    }

    @Test
    void badWebhooksAreRefusedWithTheirPlace() {
        assertThatThrownBy(() -> InboundSettings.of(null, List.of("no-equals-sign"), Duration.ofSeconds(15)))
                .hasMessageContaining("appId=url");
        assertThatThrownBy(() -> InboundSettings.of(null, List.of("a=ftp://x/y"), Duration.ofSeconds(15)))
                .hasMessageContaining("--calling-webhook a");
        CallbackUriPolicy strict = new CallbackUriPolicy(NotifierSettings.defaults().withAllowedHosts(Set.of()));
        assertThatThrownBy(() -> InboundSettings.DEFAULTS.withWebhook(DevIdentities.DEV_BOT_APP_ID, "http://127.0.0.1:9/c")
                .bots(IdentityConfig.development().directory(), strict)).hasMessageContaining("calling webhook of app");
        assertThatThrownBy(() -> InboundSettings.DEFAULTS.withWebhook("unknown-app", "http://127.0.0.1:9/c")
                .bots(IdentityConfig.development().directory(), strict)).hasMessageContaining("no tenant registers");
    }
}
