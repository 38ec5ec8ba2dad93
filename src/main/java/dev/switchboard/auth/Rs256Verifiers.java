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

/**
 * The {@link JWSVerifierFactory} of {@link TokenVerifier}'s Nimbus processor: RS256 only, verified with a
 * {@code SHA256withRSA} {@link Signature} kept per thread. Nimbus' own verifier asks the JCA for a new
 * {@code Signature} (a provider lookup) on every token; that lookup was about a third of a full verification's
 * cost beyond the RSA arithmetic itself. Thread-safe: request threads (docs/concurrency.md).
 */
final class Rs256Verifiers implements JWSVerifierFactory {
    private static final Set<JWSAlgorithm> RS256_ONLY = Set.of(JWSAlgorithm.RS256);
    private static final java.util.Base64.Decoder B64URL = java.util.Base64.getUrlDecoder();
    private static final ThreadLocal<Signature> SHA256_WITH_RSA = ThreadLocal.withInitial(() -> {
        try {
            return Signature.getInstance("SHA256withRSA");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no SHA256withRSA", e);
        }
    });

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
            Signature s = SHA256_WITH_RSA.get();
            try {
                s.initVerify(key);
                s.update(signingInput);
                return s.verify(B64URL.decode(signature.toString())); // the JDK's decoder: Nimbus' costs ~5 µs here
            } catch (SignatureException | IllegalArgumentException e) {
                return false; // a signature of the wrong length or shape is simply not valid
            } catch (GeneralSecurityException e) {
                throw new JOSEException("RS256 verification failed: " + e.getMessage(), e);
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
