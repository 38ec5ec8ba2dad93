package dev.switchboard.media.webrtc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.LongAdder;

/**
 * The one UDP port every WebRTC leg shares ({@code --webrtc-port}): a blocking {@link DatagramChannel} read by one
 * platform thread ({@code webrtc-port}) that hands each datagram to the {@link WebRtcDemux}, and the
 * {@link PacketSink} legs send through. One reusable receive buffer; closing the port ends the thread.
 */
public final class WebRtcPort implements PacketSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebRtcPort.class);

    private final DatagramChannel channel;
    private final WebRtcDemux demux;
    private final Thread thread;
    private final byte[] rx = new byte[1500];
    private final ByteBuffer rxBuffer = ByteBuffer.wrap(rx);
    private final LongAdder sendFailures = new LongAdder();

    private WebRtcPort(DatagramChannel channel, WebRtcDemux demux) {
        this.channel = channel;
        this.demux = demux;
        this.thread = Thread.ofPlatform().name("webrtc-port").daemon().unstarted(this::run);
    }

    /** Binds {@code address} (port 0: any free port) and starts reading. */
    public static WebRtcPort open(InetSocketAddress address, WebRtcDemux demux) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(address);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        WebRtcPort port = new WebRtcPort(channel, demux);
        port.thread.start();
        return port;
    }

    public int localPort() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void send(ByteBuffer datagram, InetSocketAddress to) {
        try {
            channel.send(datagram, to);
        } catch (IOException e) {
            sendFailures.increment();
        }
    }

    /** Datagrams the OS refused to send. */
    public long sendFailures() {
        return sendFailures.sum();
    }

    private void run() {
        while (channel.isOpen()) {
            SocketAddress from;
            try {
                rxBuffer.clear();
                from = channel.receive(rxBuffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.debug("webrtc port receive failed", e);
                continue;
            }
            try {
                demux.onDatagram(rx, rxBuffer.position(), (InetSocketAddress) from, System.nanoTime());
            } catch (RuntimeException e) {
                log.warn("webrtc datagram handling failed reason={}", e.toString());
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
