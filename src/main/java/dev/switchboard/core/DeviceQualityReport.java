package dev.switchboard.core;

import java.time.Instant;

/**
 * One {@code logTeleconferenceDeviceQuality} report, as a bot sent it and the API validated it (docs/api.md): who
 * sent it, when it arrived, and the {@code teleconferenceDeviceQuality}'s properties. GUIDs are in canonical
 * lowercase form; the optional {@code cloudService*} strings may be null.
 *
 * @param from             the bot that sent it (tenant and app)
 * @param receivedAt       when the server received it
 * @param callChainId      the call chain the device's leg belongs to (not checked against this server's calls)
 * @param participantId    the device's participant id
 * @param mediaLegId       the media leg the CVI partner assigned
 * @param mediaQualityList the {@code mediaQualityList} entries as received (their known properties, unknown ones
 *                         dropped), as one compact JSON array; never null
 */
public record DeviceQualityReport(Caller from, Instant receivedAt, String callChainId, String participantId,
                                  String mediaLegId, String deviceName, String deviceDescription, CloudService cloud,
                                  String mediaQualityList) {

    /** The optional {@code cloudService*} properties of a report; each may be null. */
    public record CloudService(String deploymentEnvironment, String deploymentId, String instanceName, String name) {
    }
}
