package dev.switchboard.auth;

import org.junit.jupiter.api.Test;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretHashTest {

    @Test
    void plainSecretMatchesOnlyItself() {
        SecretHash s = SecretHash.plain("dev-bot-secret");
        assertThat(s.matches("dev-bot-secret")).isTrue();
        assertThat(s.matches("dev-bot-secreT")).isFalse();
        assertThat(s.matches("dev-bot-secret ")).isFalse();
        assertThat(s.matches("")).isFalse();
        assertThat(s.matches(null)).isFalse();
        assertThat(s.isHashed()).isFalse();
        assertThat(s.toString()).doesNotContain("dev-bot-secret");
    }

    @Test
    void pbkdf2HashRoundTrips() {
        String encoded = SecretHash.pbkdf2("s3cret-ü", 1_000);
        assertThat(encoded).startsWith("pbkdf2-sha256$1000$");
        SecretHash s = SecretHash.parse(encoded);
        assertThat(s.isHashed()).isTrue();
        assertThat(s.matches("s3cret-ü")).isTrue();
        assertThat(s.matches("s3cret-u")).isFalse();
        assertThat(SecretHash.pbkdf2("same", 1_000)).isNotEqualTo(SecretHash.pbkdf2("same", 1_000));
    }

    @Test
    void hashMadeOutsideTheServerIsAccepted() throws Exception {
        // what the README's one-liner computes: PBKDF2-HMAC-SHA256(UTF-8 secret, salt, iterations, 32 bytes)
        byte[] salt = "0123456789abcdef".getBytes();
        byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec("hunter2".toCharArray(), salt, 2_000, 256)).getEncoded();
        String encoded = "pbkdf2-sha256$2000$" + Base64.getEncoder().encodeToString(salt) + "$" + Base64.getEncoder().encodeToString(hash);
        assertThat(SecretHash.parse(encoded).matches("hunter2")).isTrue();
    }

    @Test
    void knownVectorFromPythonHashlib() {
        // python3 -c "import hashlib,base64;print(base64.b64encode(hashlib.pbkdf2_hmac('sha256',b'alice',b'switchboard-salt',1000)).decode())"
        String encoded = "pbkdf2-sha256$1000$" + Base64.getEncoder().encodeToString("switchboard-salt".getBytes()) + "$"
                + PYTHON_ALICE_1000;
        assertThat(SecretHash.parse(encoded).matches("alice")).isTrue();
    }

    static final String PYTHON_ALICE_1000 = "dpXwbxy8YLQOvNXbkn8L0I75RwDz+mTPnMnM1CYWhsc=";

    @Test
    void malformedHashesAreRefused() {
        assertThatThrownBy(() -> SecretHash.parse("sha256$abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretHash.parse("pbkdf2-sha256$x$AAAAAAAAAAA=$AAAA")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretHash.parse("pbkdf2-sha256$10$AAAAAAAAAAA=$" + "A".repeat(43) + "=")).hasMessageContaining("iteration");
        assertThatThrownBy(() -> SecretHash.parse("pbkdf2-sha256$1000$AAAA$" + "A".repeat(43) + "=")).hasMessageContaining("salt");
        assertThatThrownBy(() -> SecretHash.parse("pbkdf2-sha256$1000$AAAAAAAAAAA=$AAAA")).hasMessageContaining("32-byte");
        assertThatThrownBy(() -> SecretHash.plain("")).isInstanceOf(IllegalArgumentException.class);
    }
}
