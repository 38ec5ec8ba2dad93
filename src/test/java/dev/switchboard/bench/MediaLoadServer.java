package dev.switchboard.bench;

import dev.switchboard.media.LegStats;
import dev.switchboard.media.MediaLeg;
import dev.switchboard.media.MediaRoom;
import dev.switchboard.media.MediaStats;
import dev.switchboard.media.RtpMediaEngine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The server side of the media load harness: an {@link RtpMediaEngine} in its own process, driven over a
 * line protocol on a loopback TCP port (the lead will point the harness at the full server later).
 * usage: MediaLoadServer CONTROL_PORT PORT_LOW PORT_HIGH. Commands (one per line, answer "OK ..." or "ERR ..."):
 * {@code PID}, {@code ROOM id}, {@code LEG room participant codec receivePort direction},
 * {@code MUTE room participant} (answers after setServerMuted(true) returned, with the server's nanoTime),
 * {@code UNMUTE room participant}, {@code WHISPER room listener source} (audio routing: the source leaves the
 * room's default group and only the listener hears it), {@code STATS}, {@code HEAP}, {@code QUIT}; for {@code --webrtc} runs
 * ({@link WebRtcMediaLoad}): {@code WEBRTC} (opens the WebRTC port, answers its number), {@code WLEG room participant
 * base64(offer)} (answers base64(answer)), {@code WSTATS} (the port's counters), {@code CLOSE room}.
 */
public final class MediaLoadServer {
    private MediaLoadServer() {
    }

    public static void main(String[] args) throws Exception {
        int control = Integer.parseInt(args[0]);
        RtpMediaEngine engine = new RtpMediaEngine("127.0.0.1", Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                new SimpleMeterRegistry());
        Map<String, MediaRoom> rooms = new HashMap<>();
        Map<String, MediaLeg> legs = new HashMap<>();
        Map<String, Map<String, java.util.Set<String>>> whispers = new HashMap<>();
        try (ServerSocket server = new ServerSocket(control, 1, InetAddress.getLoopbackAddress());
             Socket s = server.accept();
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            s.setTcpNoDelay(true);
            String line;
            while ((line = in.readLine()) != null) {
                String[] c = line.trim().split(" ");
                try {
                    switch (c[0]) {
                        case "PID" -> out.println("OK " + ProcessHandle.current().pid());
                        case "ROOM" -> {
                            rooms.put(c[1], engine.openRoom(c[1]));
                            out.println("OK");
                        }
                        case "LEG" -> {
                            MediaLeg leg = rooms.get(c[1]).addLeg(c[2], offer(c[3], Integer.parseInt(c[4]), c[5]),
                                    java.net.InetAddress.getLoopbackAddress());
                            legs.put(c[1] + "/" + c[2], leg);
                            out.println("OK " + ((dev.switchboard.media.RtpLeg) leg).localPort());
                        }
                        case "WEBRTC" -> out.println("OK " + engine.enableWebRtc(new java.net.InetSocketAddress("127.0.0.1", 0),
                                dev.switchboard.media.webrtc.ConsentPolicy.DEFAULT, new SimpleMeterRegistry()).localPort());
                        case "WLEG" -> {
                            String sdp = new String(java.util.Base64.getDecoder().decode(c[3]), StandardCharsets.UTF_8);
                            MediaLeg leg = rooms.get(c[1]).addLeg(c[2], sdp, InetAddress.getLoopbackAddress());
                            legs.put(c[1] + "/" + c[2], leg);
                            out.println("OK " + java.util.Base64.getEncoder().encodeToString(leg.sdpAnswer().getBytes(StandardCharsets.UTF_8)));
                        }
                        case "WSTATS" -> {
                            dev.switchboard.media.webrtc.WebRtcCounters w = engine.webRtc().counters();
                            StringBuilder b = new StringBuilder("OK");
                            b.append(" legs=").append(engine.webRtc().legs()).append(" handshakes=").append(w.dtlsHandshakes())
                                    .append(" dtlsFailed=").append(w.dtlsFailed()).append(" stun=").append(w.stunAnswered())
                                    .append(" rtcpSent=").append(w.rtcpReportsSent()).append(" ended=").append(w.legsEnded());
                            w.droppedSnapshot().forEach((r, n) -> b.append(' ').append(r.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(n));
                            out.println(b);
                        }
                        case "CLOSE" -> {
                            MediaRoom room = rooms.remove(c[1]);
                            legs.keySet().removeIf(k -> k.startsWith(c[1] + "/"));
                            room.close();
                            out.println("OK");
                        }
                        case "WHISPER" -> { // WHISPER room listener source: source leaves the default group, heard by listener
                            Map<String, java.util.Set<String>> heard = whispers.computeIfAbsent(c[1], k -> new HashMap<>());
                            heard.computeIfAbsent(c[2], k -> new java.util.HashSet<>()).add(c[3]);
                            java.util.Set<String> outside = new java.util.HashSet<>();
                            heard.values().forEach(outside::addAll);
                            rooms.get(c[1]).route(new dev.switchboard.media.AudioRoutes(outside, heard, java.util.Set.of()));
                            out.println("OK");
                        }
                        case "MUTE" -> {
                            legs.get(c[1] + "/" + c[2]).setServerMuted(true);
                            out.println("OK " + System.nanoTime());
                        }
                        case "UNMUTE" -> {
                            legs.get(c[1] + "/" + c[2]).setServerMuted(false);
                            out.println("OK " + System.nanoTime());
                        }
                        case "STATS" -> {
                            MediaStats st = engine.stats();
                            StringBuilder b = new StringBuilder("OK");
                            b.append(" legs=").append(st.legs()).append(" ticks=").append(st.ticks())
                                    .append(" late=").append(st.lateTicks()).append(" in=").append(st.packetsIn())
                                    .append(" out=").append(st.packetsOut()).append(" leak=").append(st.mixedAfterMute());
                            st.dropped().forEach((r, n) -> b.append(' ').append(r.tag()).append('=').append(n));
                            out.println(b);
                        }
                        case "LEGSTATS" -> {
                            LegStats ls = ((dev.switchboard.media.RtpLeg) legs.get(c[1] + "/" + c[2])).stats();
                            out.println("OK " + ls);
                        }
                        case "HEAP" -> {
                            for (int i = 0; i < 3; i++) {
                                System.gc();
                                Thread.sleep(100);
                            }
                            out.println("OK " + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                        }
                        case "QUIT" -> {
                            out.println("OK");
                            engine.close();
                            return;
                        }
                        default -> out.println("ERR unknown command");
                    }
                } catch (RuntimeException e) {
                    out.println("ERR " + e.getMessage());
                }
            }
        } finally {
            engine.close();
        }
    }

    private static String offer(String codec, int port, String direction) {
        String pt = codec.equals("OPUS") ? "97" : codec.equals("PCMA") ? "8" : "0";
        String map = codec.equals("OPUS") ? "opus/48000/2" : codec.equals("PCMA") ? "PCMA/8000" : "PCMU/8000";
        return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=load\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " + port
                + " RTP/AVP " + pt + "\r\na=rtpmap:" + pt + " " + map + "\r\na=ptime:20\r\na=" + direction + "\r\n";
    }
}
