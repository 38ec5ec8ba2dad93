package dev.switchboard.api;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;

/**
 * An after-handler for every request: what the handler left unread of the request body is read and dropped, up to
 * {@code maxBytes}. Many answers need no body (no token, no {@code Content-Type}, an unknown call, a full server) and
 * are decided before it is read. Left unread, the HTTP layer closes the connection on it, and a client still sending
 * its body then gets a reset instead of the answer: a cluster node forwarding a large join under load reported "did
 * not answer" (503) for the owner's 415. Read, the client gets the answer and keeps its connection.
 *
 * <p>Not read: a body declared or found larger than {@code maxBytes} (it is refused with 413 and the connection
 * closes, as there is no point in taking a megabyte that will be thrown away), a body the client has not been told to
 * send ({@code Expect: 100-continue}), and WebSocket upgrades. A body that ends early or breaks is left to the HTTP layer.
 *
 * @param maxBytes the largest request body the server accepts
 */
public record UnreadBody(long maxBytes) {

    public void drain(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared == 0 || declared > maxBytes || ctx.status().getCode() == 413 || ctx.header("Upgrade") != null
                || ctx.header("Expect") != null || (declared < 0 && ctx.header("Transfer-Encoding") == null)) {
            return;
        }
        try {
            InputStream in = ctx.req().getInputStream();
            if (in.read() < 0) {
                return; // most bodies were read whole by the handler: one call, nothing made
            }
            byte[] skip = new byte[8192];
            long left = declared < 0 ? maxBytes : declared - 1;
            for (int n = 0; left > 0 && n >= 0; left -= n) {
                n = in.read(skip, 0, (int) Math.min(skip.length, left));
            }
        } catch (IOException | IllegalStateException e) {
            // the body broke or was taken another way: the HTTP layer closes the connection, as it would have
        }
    }
}
