package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Cluster mode's settings: off by default, from flag or environment like the others, a node id kept in the data dir. */
class ClusterSettingsTest {

    @Test
    void clusterModeIsOffByDefaultAndTakesItsSettingsFromFlagsOrEnvironment() throws Exception {
        JsonNode byDefault = new ObjectMapper().readTree(ServeCommandTest.serve(Map.of(), "--print-config").out());
        assertThat(byDefault.has("redis")).as("unset: cluster mode off").isFalse();
        assertThat(byDefault.get("nodeTtl").asText()).isEqualTo("3000ms");
        assertThat(byDefault.get("drainTimeout").asText()).isEqualTo("30000ms");
        JsonNode set = new ObjectMapper().readTree(ServeCommandTest.serve(Map.of("SWITCHBOARD_REDIS", "redis://10.0.0.5:6379/2"),
                "--node-id", "sw-1", "--node-ttl", "5s", "--print-config").out());
        assertThat(set.get("redis").asText()).isEqualTo("redis://10.0.0.5:6379/2");
        assertThat(set.get("nodeId").asText()).isEqualTo("sw-1");
        assertThat(set.get("nodeTtl").asText()).isEqualTo("5000ms");
    }

    @Test
    void badClusterSettingsAreUsageErrors() {
        ServeCommandTest.Run shortTtl = ServeCommandTest.serve(Map.of(), "--node-ttl", "1s", "--print-config");
        assertThat(shortTtl.exitCode()).isEqualTo(2);
        assertThat(shortTtl.err()).contains("--node-ttl");
        ServeCommandTest.Run badId = ServeCommandTest.serve(Map.of(), "--node-id", "a b", "--print-config");
        assertThat(badId.exitCode()).isEqualTo(2);
        assertThat(badId.err()).contains("--node-id");
    }

    @Test
    void aBadRedisUriIsAUsageErrorThatNeverEchoesItsPassword() {
        for (String uri : java.util.List.of("redis-sentinel://:Sup3rPw@127.0.0.1:26379", "http://:Sup3rPw@127.0.0.1:1",
                "redis://:Sup3r Pw@127.0.0.1:1", "redis://:Sup3rPw@127.0.0.1:1/x", "redis://user:Sup3rPw@/0")) {
            ServeCommandTest.Run run = ServeCommandTest.serve(Map.of(), "--redis", uri, "--print-config");
            assertThat(run.exitCode()).as(uri).isEqualTo(2);
            assertThat(run.err()).as(uri).contains("--redis").contains("***").doesNotContain("Sup3r");
            assertThat(run.out()).as(uri).doesNotContain("Sup3r");
        }
    }

    @Test
    void aGeneratedNodeIdIsKeptInTheDataDirectory(@TempDir Path dir) throws Exception {
        ClusterSettings settings = ClusterSettings.OFF.withRedis("redis://127.0.0.1:1");
        String first = settings.resolveNodeId(dir);
        assertThat(first).startsWith("node-");
        assertThat(settings.resolveNodeId(dir)).isEqualTo(first);
        assertThat(Files.readString(dir.resolve(ClusterSettings.NODE_ID_FILE)).trim()).isEqualTo(first);
    }

    @Test
    void aRedisThatIsNotThereFailsTheStartWithAClearMessage(@TempDir Path dir) {
        ServerConfig config = ServerConfig.defaults(dir).withPort(0).withCluster(ClusterSettings.OFF.withRedis("redis://127.0.0.1:1"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SwitchboardServer(config))
                .hasMessageContaining("Redis at 127.0.0.1:1");
    }
}
