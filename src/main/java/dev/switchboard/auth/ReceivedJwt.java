package dev.switchboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * A compact JWS as {@link TokenVerifier} received it, handed to Nimbus' {@code DefaultJWTProcessor} without parsing
 * anything twice: the header comes already parsed (from {@link TokenHeaders}, which parses each distinct header of
 * a trusted issuer once), the claims set is the one built from the payload JSON the verifier read, and the signing
 * input is the token's own bytes. Nimbus still does the verification: its processor selects the key, asks the
 * verifier factory for an RS256 verifier and calls {@link #verify} on this object, which checks the token's
 * signature over exactly {@link #getSigningInput()}.
 *
 * <p>How it is built (the reason for the overrides): {@code SignedJWT} offers no constructor taking a parsed header
 * with the received payload and signature, so this object is created from the header with an empty claims set,
 * answers with the received payload, signing input and claims, and is put into Nimbus' signed state by
 * {@link #sign} with a {@link JWSSigner} that hands back the signature the token arrived with (no key, no
 * cryptography). Immutable after construction; one per verification (request threads).
 */
final class ReceivedJwt extends SignedJWT {
    private static final JWTClaimsSet NO_CLAIMS = new JWTClaimsSet.Builder().build();
    private static final Payload NO_PAYLOAD = new Payload(new Base64URL("e30")); // {}, already encoded

    private final String token;
    private final int dot1;
    private final int dot2;
    private final byte[] signingInput;
    private final JWTClaimsSet claims;

    /**
     * @param header the parsed header of {@code token} (its first segment)
     * @param dot1   index of the first dot of {@code token}
     * @param dot2   index of the second dot
     * @param claims the claims set of the payload (its second segment)
     */
    ReceivedJwt(JWSHeader header, String token, int dot1, int dot2, JWTClaimsSet claims) throws JOSEException {
        super(header, NO_CLAIMS);
        this.token = token;
        this.dot1 = dot1;
        this.dot2 = dot2;
        this.signingInput = token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
        this.claims = claims;
        sign(new Received(header.getAlgorithm(), new Base64URL(token.substring(dot2 + 1))));
    }

    @Override
    public byte[] getSigningInput() {
        return signingInput.clone();
    }

    @Override
    public JWTClaimsSet getJWTClaimsSet() {
        return claims;
    }

    @Override
    public Payload getPayload() {
        if (token == null) {
            return NO_PAYLOAD; // asked by Nimbus' constructor for its own signing input, unused (see getSigningInput)
        }
        return new Payload(new Base64URL(token.substring(dot1 + 1, dot2)));
    }

    @Override
    public Base64URL[] getParsedParts() {
        return new Base64URL[]{new Base64URL(token.substring(0, dot1)), new Base64URL(token.substring(dot1 + 1, dot2)),
                new Base64URL(token.substring(dot2 + 1))};
    }

    @Override
    public String getParsedString() {
        return token;
    }

    @Override
    public String serialize() {
        return token;
    }

    /** Hands back the signature the token arrived with: what puts a received JWS into Nimbus' signed state. */
    private record Received(JWSAlgorithm alg, Base64URL signature) implements JWSSigner {
        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) {
            return signature;
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(alg);
        }

        @Override
        public JCAContext getJCAContext() {
            return new JCAContext();
        }
    }
}
