package dev.switchboard.admin;

import dev.switchboard.testsupport.TestServer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 64 live feeds are shared between the administrators' tenants: when one tenant's administrator holds all of
 * them, another tenant's administrator still gets a feed, in the place of the first tenant's oldest, which ends (its
 * page reconnects); the first tenant, holding the most, gets no more. Before, the other tenant got 503 for as long as
 * the first kept its feeds open (30 minutes a feed, and the page reconnects).
 */
class AdminFeedTenantsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void anotherTenantsAdministratorGetsAFeedWhenOneTenantHoldsAllOfThem() throws Exception {
        Path config = Files.createTempDirectory("feed-tenants").resolve("config.json");
        Files.writeString(config, """
                {"tenants":[
                  {"id":"11111111-1111-4111-8111-111111111111",
                   "users":[{"id":"11111111-1111-4111-8111-0000000000ad","username":"ops-a","password":"pw-a","roles":["Switchboard.TenantAdmin"]}]},
                  {"id":"22222222-2222-4222-8222-222222222222",
                   "users":[{"id":"22222222-2222-4222-8222-0000000000ad","username":"ops-b","password":"pw-b","roles":["Switchboard.TenantAdmin"]}]}]}""");
        List<InputStream> feeds = new ArrayList<>();
        try (TestServer server = TestServer.start(cfg -> cfg.withConfigFile(config))) {
            AdminHttp http = new AdminHttp(server.baseUrl());
            String opsA = http.signIn("ops-a", "pw-a");
            String opsB = http.signIn("ops-b", "pw-b");
            for (int i = 0; i < LiveFeed.MAX_FEEDS; i++) {
                HttpResponse<InputStream> r = feed(server, opsA);
                assertThat(r.statusCode()).isEqualTo(200);
                feeds.add(r.body());
            }
            assertThat(feed(server, opsA).statusCode()).as("the tenant holding every feed gets no more").isEqualTo(503);

            HttpResponse<InputStream> other = feed(server, opsB);
            assertThat(other.statusCode()).as("another tenant's administrator gets a feed").isEqualTo(200);
            feeds.add(other.body());
            InputStream oldest = feeds.get(0);
            CompletableFuture<byte[]> ends = CompletableFuture.supplyAsync(() -> {
                try {
                    return oldest.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(ends.get(15, TimeUnit.SECONDS)).as("the first tenant's oldest feed ended, giving its place").isNotNull();
            assertThat(feed(server, opsA).statusCode()).as("and it still holds the most: no more for it").isEqualTo(503);
        } finally {
            for (InputStream f : feeds) {
                f.close();
            }
        }
    }

    private static HttpResponse<InputStream> feed(TestServer server, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/admin/v1/feed"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
    }
}
