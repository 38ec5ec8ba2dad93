package dev.switchboard.server;

import dev.switchboard.core.IvrSettings;
import dev.switchboard.media.MediaAllowList;
import dev.switchboard.media.RtpMediaEngine;
import picocli.CommandLine.Option;

/**
 * The media plane: which UDP ports legs take and which address SDP answers advertise.
 *
 * @param ports   the UDP port range, one port per leg
 * @param address the address SDP answers advertise (legs bind to {@link HttpSettings#host()}), or null for the host
 *                itself; required when the host is a wildcard such as 0.0.0.0
 * @param allow   where an SDP offer's media address may point besides the joining client's own address
 *                ({@code --media-allow}; docs/media.md)
 * @param webrtcPort the one UDP port all WebRTC (browser) legs share ({@code --webrtc-port}; docs/webrtc.md): 0 for
 *                any free port, -1 for no WebRTC; {@code serve} defaults to {@value #DEFAULT_WEBRTC_PORT}, embedded
 *                servers and tests to -1
 * @param mixDepth how many voices a room mixes at most when more talk at once ({@code --mix-depth}): the loudest;
 *                0 mixes everyone (docs/media.md, "Mix depth")
 * @param promptMemory how much prompt audio may be in memory at once, across calls ({@code --prompt-memory};
 *                docs/ivr-media.md, "Prompt memory"): {@link MemorySize#AUTO} for a quarter of the heap's maximum
 * @param recordingStorage how much disk the recordings may take, those kept and those being recorded
 *                ({@code --recording-storage}; docs/ivr-media.md, "Files"): {@link MemorySize#AUTO} for
 *                {@value IvrSettings#DEFAULT_RECORDING_MIB} MiB
 * @param mediaTimeout how long a plain RTP leg's peer may send nothing (no RTP, no RTCP) before its participant is
 *                taken out of the call ({@code --media-timeout}; docs/media.md, "When a peer goes away"), or null for
 *                never; {@code serve} defaults to {@value #DEFAULT_MEDIA_TIMEOUT}, embedded servers and tests to null
 */
public record MediaSettings(PortRange ports, String address, MediaAllowList allow, int webrtcPort, int mixDepth,
                            MemorySize promptMemory, MemorySize recordingStorage, java.time.Duration mediaTimeout) {
    public static final int DEFAULT_WEBRTC_PORT = 10000;
    /** {@code serve}'s {@code --media-timeout}. */
    public static final String DEFAULT_MEDIA_TIMEOUT = "60s";
    public static final MediaSettings DEFAULTS = new MediaSettings(new PortRange(31000, 31999), null, MediaAllowList.loopback(), -1,
            RtpMediaEngine.DEFAULT_MIX_DEPTH, MemorySize.AUTO, MemorySize.AUTO, null);

    public MediaSettings {
        java.util.Objects.requireNonNull(ports, "ports");
        java.util.Objects.requireNonNull(allow, "allow");
        java.util.Objects.requireNonNull(promptMemory, "promptMemory");
        java.util.Objects.requireNonNull(recordingStorage, "recordingStorage");
        if (webrtcPort < -1 || webrtcPort > 65535) {
            throw new IllegalArgumentException("the WebRTC port must be 0-65535, or -1 for none; was " + webrtcPort);
        }
        if (mixDepth < 0 || mixDepth > MAX_MIX_DEPTH) {
            throw new IllegalArgumentException("the mix depth must be 0 (everyone) to " + MAX_MIX_DEPTH + ", was " + mixDepth);
        }
        if (mediaTimeout != null && (mediaTimeout.isNegative() || mediaTimeout.isZero())) {
            throw new IllegalArgumentException("the media timeout must be positive or off, was " + mediaTimeout);
        }
    }

    /** The largest mix depth accepted: past this, 0 (everyone) says it better. */
    public static final int MAX_MIX_DEPTH = 1000;

    public MediaSettings withPorts(PortRange value) {
        return new MediaSettings(value, address, allow, webrtcPort, mixDepth, promptMemory, recordingStorage, mediaTimeout);
    }

    public MediaSettings withAllow(MediaAllowList value) {
        return new MediaSettings(ports, address, value, webrtcPort, mixDepth, promptMemory, recordingStorage, mediaTimeout);
    }

    /** With WebRTC on {@code port} (0: any free port; -1: off). */
    public MediaSettings withWebRtcPort(int port) {
        return new MediaSettings(ports, address, allow, port, mixDepth, promptMemory, recordingStorage, mediaTimeout);
    }

    /** With {@code value} of prompt memory. */
    public MediaSettings withPromptMemory(MemorySize value) {
        return new MediaSettings(ports, address, allow, webrtcPort, mixDepth, value, recordingStorage, mediaTimeout);
    }

    /** With plain RTP legs whose peer sent nothing for {@code value} taken out of their call; null: never. */
    public MediaSettings withMediaTimeout(java.time.Duration value) {
        return new MediaSettings(ports, address, allow, webrtcPort, mixDepth, promptMemory, recordingStorage, value);
    }

    /** With {@code value} of disk for recordings. */
    public MediaSettings withRecordingStorage(MemorySize value) {
        return new MediaSettings(ports, address, allow, webrtcPort, mixDepth, promptMemory, value, mediaTimeout);
    }

    /** The recordings' disk in bytes ({@code auto}: {@value IvrSettings#DEFAULT_RECORDING_MIB} MiB). */
    public long recordingStorageBytes() {
        return recordingStorage.orElse(IvrSettings.DEFAULTS.recordingMaxBytes());
    }

    /** An inclusive UDP port range within 1024-65535. */
    public record PortRange(int low, int high) {
        public PortRange {
            if (low < 1024 || high > 65535 || low > high) {
                throw new IllegalArgumentException("media ports must be a range within 1024-65535, was " + low + "-" + high);
            }
        }

        /** Parses {@code LOW-HIGH}. */
        static PortRange parse(String value) {
            String[] parts = value.split("-", 2);
            try {
                if (parts.length == 2) {
                    return new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException("must look like LOW-HIGH, e.g. 31000-31999");
        }

        @Override
        public String toString() {
            return low + "-" + high;
        }
    }

    /** The {@code serve} flags of this part (a picocli mixin). */
    static final class Options {
        @Option(names = "--media-ports", defaultValue = "31000-31999", converter = SettingConverters.PortRangeConverter.class,
                description = "UDP port range for media legs, LOW-HIGH (default: 31000-31999).")
        PortRange ports;

        @Option(names = "--media-address", description =
                "The address written into SDP answers for media (default: --host); required when --host is 0.0.0.0.")
        String address;

        @Option(names = "--media-allow", defaultValue = MediaAllowList.DEFAULT, converter = SettingConverters.MediaAllowConverter.class,
                description = "Comma-separated IPs or CIDR ranges an SDP offer's media address may name besides the"
                        + " joining client's own address (default: " + MediaAllowList.DEFAULT + ").")
        MediaAllowList allow;

        @Option(names = "--webrtc-port", defaultValue = "" + DEFAULT_WEBRTC_PORT,
                description = "The one UDP port browsers' WebRTC legs share (ICE-lite, DTLS-SRTP; default: "
                        + DEFAULT_WEBRTC_PORT + "); 0 for any free port, -1 for no WebRTC.")
        int webrtcPort;

        @Option(names = "--mix-depth", defaultValue = "" + RtpMediaEngine.DEFAULT_MIX_DEPTH, description =
                "How many voices a room mixes at most when more talk at once: the loudest (default: "
                        + RtpMediaEngine.DEFAULT_MIX_DEPTH + "); 0 mixes everyone.")
        int mixDepth;

        @Option(names = "--prompt-memory", defaultValue = "auto", converter = SettingConverters.MemorySizeConverter.class,
                description = "Prompt audio held in memory at once, across calls: downloads and decoded prompts;"
                        + " a prompt past it fails (503). Default: auto, a quarter of the heap's maximum (32MiB-1GiB)."
                        + " E.g. 256MiB.")
        MemorySize promptMemory;

        @Option(names = "--recording-storage", defaultValue = "auto", converter = SettingConverters.MemorySizeConverter.class,
                description = "Disk the recordings may take in all, those kept for download and those being recorded;"
                        + " a recording past it fails (507/8516). Default: auto, " + IvrSettings.DEFAULT_RECORDING_MIB
                                + "MiB. E.g. 4GiB.")
        MemorySize recordingStorage;

        @Option(names = "--media-timeout", defaultValue = DEFAULT_MEDIA_TIMEOUT,
                converter = SettingConverters.DurationOrOffConverter.class,
                description = "How long a participant's plain RTP peer may send nothing, neither RTP nor RTCP, before"
                        + " it is taken out of the call as if it had left (default: " + DEFAULT_MEDIA_TIMEOUT
                        + "); off to keep such legs until they leave.")
        java.time.Duration mediaTimeout;

        MediaSettings settings() {
            return new MediaSettings(ports, address, allow, webrtcPort, mixDepth, promptMemory, recordingStorage, mediaTimeout);
        }
    }
}
