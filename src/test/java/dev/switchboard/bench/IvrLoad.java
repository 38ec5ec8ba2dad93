package dev.switchboard.bench;

import dev.switchboard.testsupport.RtpPeer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * bench/ivr-load: N concurrent IVR calls, one caller each. Starts {@link IvrLoadServer} in its own JVM (same class
 * path), then plays every caller: one UDP socket sends each call's PCMU stream (a continuous 440 Hz tone, paced every
 * 20 ms on absolute deadlines) and drains what the server sends back. The server plays a PROMPT_S prompt to every
 * call, then records RECORD_S seconds of every caller, and prints its own CPU, heap, late ticks and the frames in the
 * recordings (a talking caller: every recorded frame should be voice).
 * usage: IvrLoad [--calls 200] [--prompt 10] [--record 10] [--port-low 46000] [--port-high 46999] [--baseline]
 * ({@code --baseline}: the same calls and callers for the same time, no prompt and no recording)
 */
public final class IvrLoad {
    private IvrLoad() {
    }

    public static void main(String[] args) throws Exception {
        int calls = 200;
        int prompt = 10;
        int record = 10;
        int low = 46000;
        int high = 46999;
        boolean baseline = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--baseline")) {
                baseline = true;
                i--;
                continue;
            }
            switch (args[i]) {
                case "--calls" -> calls = Integer.parseInt(args[i + 1]);
                case "--prompt" -> prompt = Integer.parseInt(args[i + 1]);
                case "--record" -> record = Integer.parseInt(args[i + 1]);
                case "--port-low" -> low = Integer.parseInt(args[i + 1]);
                case "--port-high" -> high = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        try (DatagramChannel socket = DatagramChannel.open()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            socket.configureBlocking(false);
            int callerPort = ((InetSocketAddress) socket.getLocalAddress()).getPort();
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(List.of(System.getProperty("ivrload.serverOpts", "-Xmx1g").trim().split("\\s+")));
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Divrload.baseline=" + baseline, "-cp",
                    System.getProperty("java.class.path"), IvrLoadServer.class.getName(), Integer.toString(calls),
                    Integer.toString(callerPort), Integer.toString(prompt), Integer.toString(record),
                    Integer.toString(low), Integer.toString(high)));
            Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream()));
                PrintWriter in = new PrintWriter(server.getOutputStream(), true);
                String line = out.readLine();
                if (line == null || !line.startsWith("PORTS ")) {
                    throw new IllegalStateException("server said: " + line);
                }
                List<InetSocketAddress> targets = new ArrayList<>();
                for (String p : line.substring(6).split(",")) {
                    targets.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(p)));
                }
                byte[][] tone = new byte[50][];
                for (int f = 0; f < tone.length; f++) {
                    tone[f] = RtpPeer.pcmuTone(440, f); // 440 Hz repeats every 50 frames (1 s)
                }
                Thread sender = Thread.ofPlatform().name("callers").start(() -> send(socket, targets, tone));
                Thread.sleep(1000); // every caller is heard before the jobs start
                in.println("GO");
                String result;
                while ((result = out.readLine()) != null && !result.startsWith("RESULT")) {
                    System.out.println(result);
                }
                sender.interrupt();
                sender.join();
                System.out.println(result == null ? "server ended without a result" : result.replace(" ", "\n  "));
                if (result != null) {
                    System.out.println(result.contains("verdict=TARGET_MET") ? "TARGET MET (late ticks <= 0.1 %, every "
                            + "recorded frame present and voiced)" : "TARGET MISSED (judge only on a quiet machine: see loadAverage)");
                }
            } finally {
                server.destroy();
                server.waitFor();
            }
        }
    }

    private static void send(DatagramChannel socket, List<InetSocketAddress> targets, byte[][] tone) {
        ByteBuffer drain = ByteBuffer.allocate(2048);
        long next = System.nanoTime();
        int seq = 0;
        long frame = 0;
        while (!Thread.currentThread().isInterrupted()) {
            byte[] payload = tone[(int) (frame % tone.length)];
            try {
                for (int c = 0; c < targets.size(); c++) {
                    byte[] packet = RtpPeer.rtp(0, seq & 0xFFFF, (int) (frame * 160), 1000 + c, payload);
                    socket.send(ByteBuffer.wrap(packet), targets.get(c));
                }
                while (socket.receive(drain.clear()) != null) {
                    // what the callers hear is not judged here (the tests do that)
                }
            } catch (java.io.IOException e) {
                return;
            }
            seq++;
            frame++;
            next += 20_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }
}
