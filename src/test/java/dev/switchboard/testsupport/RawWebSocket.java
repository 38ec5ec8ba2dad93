package dev.switchboard.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client on a plain socket that does the opening handshake and then reads only when told to: a reader
 * that never reads really leaves the kernel's buffers full (a small receive buffer makes them fill sooner). Also
 * shows what a refused handshake answered (status, headers, body).
 */
public final class RawWebSocket implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final int status;
    private final Map<String, String> headers;
    private final String body;

    private RawWebSocket(Socket socket, InputStream in, int status, Map<String, String> headers, String body) {
        this.socket = socket;
        this.in = in;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /**
     * Opens {@code path} on {@code baseUrl} with a bearer token; {@code receiveBuffer} bytes of SO_RCVBUF (0: the
     * system's default). Returns after the server's answer to the handshake, whatever it was.
     */
    public static RawWebSocket open(String baseUrl, String path, String token, int receiveBuffer) throws IOException {
        URI base = URI.create(baseUrl);
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
        socket.setSoTimeout(10_000);
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + token + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        String body = "";
        if (status != 101) {
            body = new String(body(in, headers), StandardCharsets.UTF_8);
            socket.close();
        }
        return new RawWebSocket(socket, in, status, headers, body);
    }

    public int status() {
        return status;
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    public String body() {
        return body;
    }

    /**
     * Reads frames until the server's close frame and returns its close code; -1 when the connection ended without
     * one (the server cut it), or nothing more came for {@code idleMillis}.
     */
    public int readUntilClose(int idleMillis) throws IOException {
        socket.setSoTimeout(idleMillis);
        try {
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    return -1;
                }
                long length = b1 & 0x7f;
                if (length == 126) {
                    length = (in.read() << 8) | in.read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | in.read();
                    }
                }
                byte[] payload = in.readNBytes((int) length);
                if ((b0 & 0x0f) == 0x8) {
                    return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                }
            }
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            return -1; // reset
        }
    }

    private static byte[] body(InputStream in, Map<String, String> headers) throws IOException {
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                buf.write(in.readNBytes(size));
                line(in);
            }
            return buf.toByteArray();
        }
        String length = headers.get("content-length");
        return length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes(); // else: until the server closes
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed during the handshake");
            }
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
