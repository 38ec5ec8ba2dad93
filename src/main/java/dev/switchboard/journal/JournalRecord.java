package dev.switchboard.journal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the journal, and its payload encoding: a type byte, then strings as a 4-byte big-endian length and
 * UTF-8 bytes, lists as a 4-byte count and strings, numbers as 4 bytes. Types 1–3 are version 1's; version 2 adds
 * type 4 ({@link Finished}). Framing (length, CRC) is {@link JournalFile}'s business.
 */
sealed interface JournalRecord {
    byte OPENED = 1;
    byte PARTICIPANTS = 2;
    byte ENDED = 3;
    /** Version 2 on: the call ended for a reason its bot has not heard yet. */
    byte FINISHED = 4;
    /** No string or list in a record may be longer than this (a payload is bounded by {@link JournalFile#MAX_PAYLOAD}). */
    int MAX_ITEMS = 10_000;

    /** A call became live. */
    record Opened(JournaledCall call) implements JournalRecord {
    }

    /** A live call's participants changed. */
    record Participants(String callId, List<String> participantIds) implements JournalRecord {
    }

    /** A call ended and its bot heard so: the journal forgets it. */
    record Ended(String callId) implements JournalRecord {
    }

    /** A call ended for {@code why}, which its bot has not heard yet: a restart announces that reason. */
    record Finished(String callId, JournaledEnd why) implements JournalRecord {
    }

    default byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            switch (this) {
                case Opened(JournaledCall c) -> {
                    out.writeByte(OPENED);
                    for (String s : List.of(c.callId(), c.callChainId(), c.tenantId(), c.appId(),
                            c.callbackUri().toString(), c.myParticipantId())) {
                        writeString(out, s);
                    }
                    writeList(out, c.participantIds());
                }
                case Participants(String callId, List<String> ids) -> {
                    out.writeByte(PARTICIPANTS);
                    writeString(out, callId);
                    writeList(out, ids);
                }
                case Ended(String callId) -> {
                    out.writeByte(ENDED);
                    writeString(out, callId);
                }
                case Finished(String callId, JournaledEnd why) -> {
                    out.writeByte(FINISHED);
                    writeString(out, callId);
                    out.writeInt(why.code());
                    out.writeInt(why.subcode());
                    writeString(out, why.message());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    /** @throws IOException when {@code payload} is not a well-formed record (unknown type, short, trailing bytes) */
    static JournalRecord decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        JournalRecord r = switch (in.readByte()) {
            case OPENED -> {
                String callId = readString(in);
                String chain = readString(in);
                String tenant = readString(in);
                String app = readString(in);
                URI callback;
                try {
                    callback = new URI(readString(in));
                } catch (URISyntaxException e) {
                    throw new IOException("bad callback URI", e);
                }
                String me = readString(in);
                yield new Opened(new JournaledCall(callId, chain, tenant, app, callback, me, readList(in)));
            }
            case PARTICIPANTS -> new Participants(readString(in), readList(in));
            case ENDED -> new Ended(readString(in));
            case FINISHED -> {
                String callId = readString(in);
                int code = in.readInt();
                int subcode = in.readInt();
                yield new Finished(callId, new JournaledEnd(code, subcode, readString(in)));
            }
            default -> throw new IOException("unknown record type");
        };
        if (in.available() != 0) {
            throw new IOException("trailing bytes in record");
        }
        return r;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeList(DataOutputStream out, List<String> items) throws IOException {
        out.writeInt(items.size());
        for (String s : items) {
            writeString(out, s);
        }
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new EOFException("string length out of range");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static List<String> readList(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_ITEMS) {
            throw new IOException("list length out of range");
        }
        List<String> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(readString(in));
        }
        return items;
    }
}
