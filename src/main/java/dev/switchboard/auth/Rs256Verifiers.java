package dev.switchboard.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.util.Base64URL;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.RSAPublicKey;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The {@link JWSVerifierFactory} of {@link TokenVerifier}'s Nimbus processor: RS256 only, verified with a
 * {@code SHA256withRSA} {@link Signature} from a pool. Nimbus' own verifier asks the JCA for a new
 * {@code Signature} (a provider lookup) on every token; that lookup was about a third of a full verification's
 * cost beyond the RSA arithmetic itself. Thread-safe: request threads (docs/concurrency.md).
 */
final class Rs256Verifiers implements JWSVerifierFactory {
    private static final Set<JWSAlgorithm> RS256_ONLY = Set.of(JWSAlgorithm.RS256);
    private static final java.util.Base64.Decoder B64URL = java.util.Base64.getUrlDecoder();
    /**
     * Idle {@code SHA256withRSA} instances, borrowed for one verification and given back. A pool, not a
     * {@code ThreadLocal}: requests run on virtual threads (one per request), so a per-thread instance would be a
     * new JCA lookup for every token. Grows to the number of verifications running at once.
     */
    private static final ConcurrentLinkedQueue<Signature> IDLE = new ConcurrentLinkedQueue<>();

    private final JCAContext jca = new DefaultJWSVerifierFactory().getJCAContext();

    @Override
    public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        if (!JWSAlgorithm.RS256.equals(header.getAlgorithm()) || !(key instanceof RSAPublicKey rsa)) {
            throw new JOSEException("only RS256 with an RSA public key is accepted");
        }
        return new Verifier(rsa, jca);
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return RS256_ONLY;
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }

    private record Verifier(RSAPublicKey key, JCAContext jca) implements JWSVerifier {
        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
            if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
                return false;
            }
            Signature s = IDLE.poll();
            try {
                if (s == null) {
                    s = Signature.getInstance("SHA256withRSA");
                }
                s.initVerify(key);
                s.update(signingInput);
                return s.verify(B64URL.decode(signature.toString())); // the JDK's decoder: Nimbus' costs ~5 µs here
            } catch (SignatureException | IllegalArgumentException e) {
                return false; // a signature of the wrong length or shape is simply not valid
            } catch (GeneralSecurityException e) {
                throw new JOSEException("RS256 verification failed: " + e.getMessage(), e);
            } finally {
                if (s != null) {
                    IDLE.offer(s); // initVerify resets it for the next borrower
                }
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return RS256_ONLY;
        }

        @Override
        public JCAContext getJCAContext() {
            return jca;
        }
    }
}
