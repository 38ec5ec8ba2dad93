/**
 * WebRTC audio legs: the transport a browser needs on top of the RTP media plane, on one shared UDP port.
 *
 * <h2>Stages (packets in, verdicts out, each testable without a socket)</h2>
 * <pre>
 * WebRtcPort (one DatagramChannel, thread "webrtc-port")
 *   └ WebRtcDemux: first byte (RFC 7983)
 *       0–3    STUN  → by USERNAME's local ufrag → WebRtcTransport.onStun → IceLiteResponder (answer or drop)
 *              (a passed check routes its source to the leg: at most 8 a leg, oldest forgotten, as the ICE pairs)
 *       20–63  DTLS  → by checked source address  → DtlsSrtpHandshake (Bouncy Castle, virtual thread)
 *       128–191 SRTP → by checked source address  → SrtpContext.unprotect → MediaSink (the leg's ingress pipeline)
 *       else   dropped (unknown_protocol); DTLS/SRTP from an unchecked address: unknown_source
 * sending: leg → WebRtcTransport.sendRtp → SrtpContext.protect → the nominated address while consent is fresh
 * reports: thread "webrtc-rtcp" → WebRtcTransport.reportIfDue → RtcpReporter (SR/RR + block + SDES) → SRTCP
 *          (incoming SRTCP: RtcpReader checks and counts it; broken → rtcp_malformed)
 * </pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Nothing is sent to an address that has not passed an authenticated ICE check: STUN responses go to the
 *       source of the check they answer; DTLS and SRTP go to {@link dev.switchboard.media.webrtc.IceLiteResponder#sendAddress}.</li>
 *   <li>Consent ({@link dev.switchboard.media.webrtc.ConsentPolicy}, defaults): no valid check for 30 s → stop
 *       sending (drop reason {@code consent_lapsed}); none for 60 s → the leg is finished; no check at all within
 *       30 s of the answer → finished. Chromium sends consent checks every ~5 s.</li>
 *   <li>DTLS 1.2 only (Chromium falls back from 1.3), server role ({@code a=setup:passive}), ECDHE-ECDSA AEAD
 *       suites, no HelloVerifyRequest (ICE already proved the address), a 10 s handshake timeout; the client
 *       certificate must hash to the offer's {@code a=fingerprint}, otherwise {@code bad_certificate} and the leg
 *       is finished. SRTP profile: {@code AEAD_AES_128_GCM} when offered (Chromium does), else
 *       {@code AES_CM_128_HMAC_SHA1_80}.</li>
 *   <li>SRTP on {@code javax.crypto}: AES/CTR + HmacSHA1, AES/GCM, one Cipher/Mac per context, re-initialised per
 *       packet with that packet's IV (the JDK allocates ~200 bytes in {@code Cipher.init}; nothing else on the
 *       RTP path does). Replay window 64, rollover counter per SSRC.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * The port's packet thread runs the demultiplexer, the ICE responder and SRTP unprotect, and owns their scratch
 * buffers. Each leg's sender (the mixer thread) runs SRTP protect with the leg's own outbound context and buffer.
 * Each handshake runs on its own virtual thread, which publishes the SRTP contexts through volatile fields.
 * The {@code webrtc-rtcp} timer writes each leg's RTCP reports with the leg's own report buffer and SRTCP context;
 * it reads the packet and sender threads' statistics through volatile fields and shares no lock with them.
 */
package dev.switchboard.media.webrtc;
