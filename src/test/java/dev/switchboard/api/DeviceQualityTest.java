package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.communications.calls.logteleconferencedevicequality.LogTeleconferenceDeviceQualityPostRequestBody;
import com.microsoft.graph.models.TeleconferenceDeviceAudioQuality;
import com.microsoft.graph.models.TeleconferenceDeviceMediaQuality;
import com.microsoft.graph.models.TeleconferenceDeviceQuality;
import com.microsoft.graph.models.TeleconferenceDeviceVideoQuality;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.PeriodAndDuration;
import dev.switchboard.auth.DevIdentities;
import dev.switchboard.testsupport.TestServer;
import dev.switchboard.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static dev.switchboard.api.GraphHttp.JSON;
import static dev.switchboard.api.GraphHttp.graphError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /communications/calls/logTeleconferenceDeviceQuality}: the official SDK's post succeeds (200, no body),
 * the report shows in the admin API and in {@code /metrics}; a malformed report is 400 naming the property and
 * nothing is recorded; an app without {@code Calls.AccessMedia.All} is 403.
 */
class DeviceQualityTest {
    static final String PATH = "/v1.0/communications/calls/logTeleconferenceDeviceQuality";
    static final String CALL_CHAIN = "0622673d-9f69-49b3-9d4f-5ec64f42ecce";
    static final String PARTICIPANT = "ea078406-b5d4-4d3c-b85e-90103dcec7f6";
    static final String MEDIA_LEG = "bd9ee398-4b9d-42c7-8b8d-4e8efad9435f";
    static TestServer server;
    static GraphHttp http;
    static String token;
    static String admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new GraphHttp(server.baseUrl());
        token = Tokens.devBotToken(server.baseUrl());
        admin = Tokens.userToken(server.baseUrl(), DevIdentities.TENANT_ID, DevIdentities.ADMIN_USERNAME,
                DevIdentities.ADMIN_PASSWORD);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theSdksPostSucceedsAndTheAdminApiShowsTheReport() throws Exception {
        GraphServiceClient bot = GraphSdk.client(server.baseUrl(), token);
        String device = "Cisco SX80 " + UUID.randomUUID();
        TeleconferenceDeviceQuality quality = new TeleconferenceDeviceQuality();
        quality.setCallChainId(UUID.fromString(CALL_CHAIN));
        quality.setParticipantId(UUID.fromString(PARTICIPANT));
        quality.setMediaLegId(UUID.fromString(MEDIA_LEG));
        quality.setDeviceName(device);
        quality.setDeviceDescription("VTC Bldg 30/21");
        quality.setCloudServiceName("contoso.cloudapp.net");
        TeleconferenceDeviceAudioQuality audio = new TeleconferenceDeviceAudioQuality();
        audio.setChannelIndex(1);
        audio.setMediaDuration(PeriodAndDuration.ofDuration(Duration.ofMinutes(20)));
        audio.setAverageInboundJitter(PeriodAndDuration.ofDuration(Duration.ofMillis(10)));
        audio.setInboundPackets(5_500L);
        audio.setAverageInboundPacketLossRateInPercentage(0.01);
        audio.setLocalIPAddress("127.0.0.1");
        audio.setLocalPort(6300);
        TeleconferenceDeviceVideoQuality video = new TeleconferenceDeviceVideoQuality();
        video.setChannelIndex(2);
        video.setAverageInboundFrameRate(29.97);
        quality.setMediaQualityList(List.<TeleconferenceDeviceMediaQuality>of(audio, video));
        LogTeleconferenceDeviceQualityPostRequestBody body = new LogTeleconferenceDeviceQualityPostRequestBody();
        body.setQuality(quality);
        double before = counter("switchboard_device_quality_reports_total");

        bot.communications().calls().logTeleconferenceDeviceQuality().post(body); // 200, no body: returns normally

        JsonNode report = reportOf(device);
        assertThat(report).as("the report in the admin API").isNotNull();
        assertThat(report.get("appId").asText()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        assertThat(report.get("tenantId").asText()).isEqualTo(DevIdentities.TENANT_ID);
        assertThat(java.time.Instant.parse(report.get("receivedAt").asText()))
                .isBetween(java.time.Instant.now().minusSeconds(60), java.time.Instant.now());
        assertThat(report.get("callChainId").asText()).isEqualTo(CALL_CHAIN);
        assertThat(report.get("participantId").asText()).isEqualTo(PARTICIPANT);
        assertThat(report.get("mediaLegId").asText()).isEqualTo(MEDIA_LEG);
        assertThat(report.get("deviceDescription").asText()).isEqualTo("VTC Bldg 30/21");
        assertThat(report.get("cloudServiceName").asText()).isEqualTo("contoso.cloudapp.net");
        assertThat(report.get("cloudServiceInstanceName").isNull()).isTrue();
        JsonNode list = report.get("mediaQualityList");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("@odata.type").asText()).isEqualTo("#microsoft.graph.teleconferenceDeviceAudioQuality");
        assertThat(list.get(0).get("channelIndex").asInt()).isEqualTo(1);
        assertThat(Duration.parse(list.get(0).get("mediaDuration").asText())).isEqualTo(Duration.ofMinutes(20));
        assertThat(Duration.parse(list.get(0).get("averageInboundJitter").asText())).isEqualTo(Duration.ofMillis(10));
        assertThat(list.get(0).get("inboundPackets").asLong()).isEqualTo(5_500L);
        assertThat(list.get(0).get("averageInboundPacketLossRateInPercentage").asDouble()).isEqualTo(0.01);
        assertThat(list.get(0).get("localIPAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(list.get(0).get("localPort").asInt()).isEqualTo(6300);
        assertThat(list.get(1).get("@odata.type").asText()).isEqualTo("#microsoft.graph.teleconferenceDeviceVideoQuality");
        assertThat(list.get(1).get("averageInboundFrameRate").asDouble()).isEqualTo(29.97);
        assertThat(counter("switchboard_device_quality_reports_total")).isEqualTo(before + 1);
    }

    @Test
    void graphsDocumentedExampleIs200WithNoBodyUnderBothRoots() throws Exception {
        for (String path : List.of(PATH, "/v1.0/app/calls/logTeleconferenceDeviceQuality",
                "/v1.0/communications/calls/microsoft.graph.logTeleconferenceDeviceQuality")) {
            String device = "TestAgent " + UUID.randomUUID();
            HttpResponse<String> r = http.post(path, token, valid(q -> q.put("deviceName", device)).toString());
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            JsonNode report = reportOf(device);
            assertThat(report).as(path).isNotNull();
            assertThat(report.get("mediaQualityList")).hasSize(3);
            assertThat(report.at("/mediaQualityList/2/@odata.type").asText())
                    .isEqualTo("#microsoft.graph.teleconferenceDeviceScreenSharingQuality");
            assertThat(report.at("/mediaQualityList/2/maximumOutboundJitter").asText()).isEqualTo("PT0.024S");
        }
    }

    @Test
    void uppercaseGuidsAreKeptInCanonicalFormAndUnknownPropertiesAreNotKept() throws Exception {
        String device = "Upper " + UUID.randomUUID();
        ObjectNode body = valid(q -> {
            q.put("deviceName", device);
            q.put("callChainId", CALL_CHAIN.toUpperCase());
            q.put("somethingElse", "x");
            ((ObjectNode) q.get("mediaQualityList").get(0)).put("averageInboundFrameRate", 30); // video only: audio drops it
            ((ObjectNode) q.get("mediaQualityList").get(0)).put("vendorExtra", "y");
        });
        assertThat(http.post(PATH, token, body.toString()).statusCode()).isEqualTo(200);
        JsonNode report = reportOf(device);
        assertThat(report.get("callChainId").asText()).isEqualTo(CALL_CHAIN);
        assertThat(report.has("somethingElse")).isFalse();
        assertThat(report.at("/mediaQualityList/0").has("vendorExtra")).isFalse();
        assertThat(report.at("/mediaQualityList/0").has("averageInboundFrameRate")).isFalse();
        assertThat(report.at("/mediaQualityList/0/remotePort").asInt()).isEqualTo(6301);
    }

    @Test
    void eachMalformedReportIs400NamingThePropertyAndNothingIsRecorded() throws Exception {
        Map<String, Consumer<ObjectNode>> cases = new LinkedHashMap<>();
        cases.put("'quality.callChainId' is required", q -> q.remove("callChainId"));
        cases.put("'quality.callChainId' must be a GUID", q -> q.put("callChainId", "not-a-guid"));
        cases.put("'quality.participantId' must be a GUID", q -> q.put("participantId", "ea078406-b5d4-4d3c-b85e-90103dcec7f"));
        cases.put("'quality.mediaLegId' must be a string", q -> q.put("mediaLegId", 42));
        cases.put("'quality.mediaLegId' is required", q -> q.putNull("mediaLegId"));
        cases.put("'quality.participantId' is required", q -> q.remove("participantId"));
        cases.put("'quality.deviceName' is required", q -> q.put("deviceName", "  "));
        cases.put("'quality.deviceName' must be a string", q -> q.put("deviceName", true));
        cases.put("'quality.deviceName' may be at most 256 characters; this one has 257", q -> q.put("deviceName", "x".repeat(257)));
        cases.put("'quality.deviceDescription' is required", q -> q.remove("deviceDescription"));
        cases.put("'quality.cloudServiceName' may be at most 256 characters; this one has 300", q -> q.put("cloudServiceName", "c".repeat(300)));
        cases.put("'quality.cloudServiceDeploymentId' must be a string", q -> q.putArray("cloudServiceDeploymentId"));
        cases.put("'quality.@odata.type' must be #microsoft.graph.teleconferenceDeviceQuality",
                q -> q.put("@odata.type", "#microsoft.graph.call"));
        cases.put("'quality.mediaQualityList' is required", q -> q.remove("mediaQualityList"));
        cases.put("'quality.mediaQualityList' must be an array", q -> q.put("mediaQualityList", "audio"));
        cases.put("'quality.mediaQualityList' has 17 entries; at most 16", q -> {
            ArrayNode list = q.putArray("mediaQualityList");
            for (int i = 0; i < 17; i++) {
                list.addObject().put("channelIndex", i + 1);
            }
        });
        cases.put("'quality.mediaQualityList[1]' must be a teleconferenceDeviceMediaQuality object",
                q -> ((ArrayNode) q.get("mediaQualityList")).set(1, JSON.getNodeFactory().textNode("video")));
        cases.put("'quality.mediaQualityList[0].@odata.type' must be", q -> entry(q, 0).put("@odata.type", "#microsoft.graph.participant"));
        cases.put("'quality.mediaQualityList[0].localPort' must be an integer (Int32)", q -> entry(q, 0).put("localPort", "6300"));
        cases.put("'quality.mediaQualityList[1].channelIndex' must be an integer (Int32)", q -> entry(q, 1).put("channelIndex", 1.5));
        cases.put("'quality.mediaQualityList[2].remotePort' must be an integer (Int32)", q -> entry(q, 2).put("remotePort", 4_294_967_296L));
        cases.put("'quality.mediaQualityList[0].inboundPackets' must be an integer (Int64)",
                q -> entry(q, 0).put("inboundPackets", new java.math.BigInteger("18446744073709551616")));
        cases.put("'quality.mediaQualityList[0].averageInboundJitter' must be a non-negative ISO 8601 duration",
                q -> entry(q, 0).put("averageInboundJitter", "10ms"));
        cases.put("'quality.mediaQualityList[1].mediaDuration' must be a non-negative ISO 8601 duration",
                q -> entry(q, 1).put("mediaDuration", "-PT1S"));
        cases.put("'quality.mediaQualityList[0].averageInboundPacketLossRateInPercentage' must be a number from 0 to 100",
                q -> entry(q, 0).put("averageInboundPacketLossRateInPercentage", 101));
        cases.put("'quality.mediaQualityList[0].maximumOutboundPacketLossRateInPercentage' must be a number from 0 to 100",
                q -> entry(q, 0).put("maximumOutboundPacketLossRateInPercentage", "0.06"));
        cases.put("'quality.mediaQualityList[1].averageOutboundBitRate' must be a number of at least 0",
                q -> entry(q, 1).put("averageOutboundBitRate", -1));
        cases.put("'quality.mediaQualityList[0].remoteIPAddress' may be at most 64 characters",
                q -> entry(q, 0).put("remoteIPAddress", "1".repeat(65)));
        cases.put("'quality.mediaQualityList[0].localIPAddress' must be a string", q -> entry(q, 0).put("localIPAddress", 127));

        long before = adminReports().get("received").asLong();
        for (var c : cases.entrySet()) {
            String device = "Bad " + UUID.randomUUID();
            ObjectNode body = valid(q -> q.put("deviceName", device));
            c.getValue().accept((ObjectNode) body.get("quality"));
            JsonNode error = graphError(http.post(PATH, token, body.toString()), 400, "BadRequest");
            assertThat(error.get("message").asText()).as(c.getKey()).startsWith(c.getKey());
        }
        graphError(http.post(PATH, token, "{}"), 400, "BadRequest");
        assertThat(graphError(http.post(PATH, token, "{\"quality\":\"x\"}"), 400, "BadRequest").get("message").asText())
                .isEqualTo("'quality' must be an object.");
        assertThat(graphError(http.post(PATH, token, "{}"), 400, "BadRequest").get("message").asText())
                .isEqualTo("'quality' is required.");
        assertThat(graphError(http.post(PATH, token, ""), 400, "BadRequest").get("message").asText())
                .contains("body is required");
        assertThat(adminReports().get("received").asLong()).as("nothing recorded").isEqualTo(before);
    }

    @Test
    void anAppWithoutAccessMediaIs403AndAUserTokenIs403() throws Exception {
        long before = adminReports().get("received").asLong();
        String p2p = Tokens.p2pBotToken(server.baseUrl()); // Calls.Initiate.All only
        ODataError e = GraphSdk.expectError(() -> GraphSdk.client(server.baseUrl(), p2p).communications().calls()
                .logTeleconferenceDeviceQuality().post(new LogTeleconferenceDeviceQualityPostRequestBody()), 403, "Forbidden");
        assertThat(e.getError().getMessage()).contains("Calls.AccessMedia.All");
        JsonNode error = graphError(http.post(PATH, p2p, valid(q -> { }).toString()), 403, "Forbidden");
        assertThat(error.get("message").asText()).contains("Calls.AccessMedia.All");
        graphError(http.post(PATH, Tokens.aliceToken(server.baseUrl()), valid(q -> { }).toString()), 403, "Forbidden");
        graphError(http.post(PATH, "not-a-token", valid(q -> { }).toString()), 401, "InvalidAuthenticationToken");
        assertThat(adminReports().get("received").asLong()).isEqualTo(before);
    }

    @Test
    void theAdminListIsForAdministratorsOnlyAndStatesItsBound() throws Exception {
        JsonNode all = adminReports();
        assertThat(all.get("capacity").asInt()).isEqualTo(1_000);
        assertThat(all.get("dropped").asLong()).isZero();
        assertThat(all.get("value").isArray()).isTrue();
        graphError(http.get("/admin/v1/deviceQualityReports", token), 403, "Forbidden");
        graphError(http.get("/admin/v1/deviceQualityReports", Tokens.aliceToken(server.baseUrl())), 403, "Forbidden");
    }

    /** Graph's documented example request body (call-logteleconferencedevicequality), changed by {@code change}. */
    static ObjectNode valid(Consumer<ObjectNode> change) throws Exception {
        ObjectNode body = (ObjectNode) JSON.readTree("""
                {"quality": {
                  "@odata.type": "#microsoft.graph.teleconferenceDeviceQuality",
                  "callChainId": "%s", "participantId": "%s", "mediaLegId": "%s",
                  "deviceName": "TestAgent", "deviceDescription": "TestDescription",
                  "mediaQualityList": [%s, %s, %s]}}""".formatted(CALL_CHAIN, PARTICIPANT, MEDIA_LEG,
                media("Audio"), media("Video"), media("ScreenSharing")));
        change.accept((ObjectNode) body.get("quality"));
        return body;
    }

    private static String media(String kind) {
        return """
                {"@odata.type": "#microsoft.graph.teleconferenceDevice%sQuality", "channelIndex": 1, "mediaDuration": "PT20M",
                 "networkLinkSpeedInBytes": 13000, "localIPAddress": "127.0.0.1", "localPort": 6300,
                 "remoteIPAddress": "102.1.1.101", "remotePort": 6301, "inboundPackets": 5500, "outboundPackets": 5400,
                 "averageInboundPacketLossRateInPercentage": 0.01, "averageOutboundPacketLossRateInPercentage": 0.02,
                 "maximumInboundPacketLossRateInPercentage": 0.05, "maximumOutboundPacketLossRateInPercentage": 0.06,
                 "averageInboundRoundTripDelay": "PT0.03S", "averageOutboundRoundTripDelay": "PT0.04S",
                 "maximumInboundRoundTripDelay": "PT0.13S", "maximumOutboundRoundTripDelay": "PT0.14S",
                 "averageInboundJitter": "PT0.01S", "averageOutboundJitter": "PT0.015S",
                 "maximumInboundJitter": "PT0.023S", "maximumOutboundJitter": "PT0.024S"}""".formatted(kind);
    }

    private static ObjectNode entry(ObjectNode quality, int i) {
        return (ObjectNode) quality.get("mediaQualityList").get(i);
    }

    static JsonNode adminReports() throws Exception {
        HttpResponse<String> r = http.get("/admin/v1/deviceQualityReports", admin);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** The kept report of this (unique) device name, or null. */
    static JsonNode reportOf(String deviceName) throws Exception {
        for (JsonNode r : adminReports().get("value")) {
            if (r.get("deviceName").asText().equals(deviceName)) {
                return r;
            }
        }
        return null;
    }

    static double counter(String name) throws Exception {
        String metrics = http.get("/metrics", token).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError(name + " not in /metrics");
    }
}
