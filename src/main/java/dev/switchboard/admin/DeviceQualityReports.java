package dev.switchboard.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.DeviceQualityLog;
import dev.switchboard.core.DeviceQualityReport;
import dev.switchboard.graph.GraphWire;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code GET /admin/v1/deviceQualityReports}: the {@code logTeleconferenceDeviceQuality} reports the server keeps,
 * newest first, in the administrator's scope (a tenant administrator sees only their tenant's), with the log's bound
 * and counts (docs/admin-api.md). Read-only. Request threads.
 */
final class DeviceQualityReports {
    private final AdminHandler handler;
    private final DeviceQualityLog log;

    DeviceQualityReports(AdminHandler handler, DeviceQualityLog log) {
        this.handler = handler;
        this.log = log;
    }

    void list(Context ctx) {
        AdminAccess.Admin admin = handler.admin(ctx);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("capacity", log.capacity());
        out.put("received", log.received());
        out.put("dropped", log.dropped());
        ArrayNode value = out.putArray("value");
        for (DeviceQualityReport r : log.recent(admin.scope().tenantId())) {
            value.add(json(r));
        }
        AdminHandler.json(ctx, 200, out);
    }

    private static ObjectNode json(DeviceQualityReport r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("appId", r.from().appId());
        n.put("tenantId", r.from().tenantId());
        n.put("receivedAt", r.receivedAt().toString());
        n.put("callChainId", r.callChainId());
        n.put("participantId", r.participantId());
        n.put("mediaLegId", r.mediaLegId());
        n.put("deviceName", r.deviceName());
        n.put("deviceDescription", r.deviceDescription());
        DeviceQualityReport.CloudService cloud = r.cloud();
        n.put("cloudServiceDeploymentEnvironment", cloud.deploymentEnvironment());
        n.put("cloudServiceDeploymentId", cloud.deploymentId());
        n.put("cloudServiceInstanceName", cloud.instanceName());
        n.put("cloudServiceName", cloud.name());
        n.set("mediaQualityList", parse(r.mediaQualityList()));
        return n;
    }

    /** The entries as the API kept them (JSON it rendered itself). */
    private static JsonNode parse(String entries) {
        try {
            return GraphWire.JSON.readTree(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("a device quality report's entries are not the JSON the API kept", e);
        }
    }
}
