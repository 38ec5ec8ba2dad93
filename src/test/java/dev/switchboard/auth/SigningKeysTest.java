package dev.switchboard.auth;

import dev.switchboard.testsupport.MutableClock;
import dev.switchboard.error.SwitchboardException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SigningKeysTest {
    static final Duration KEEP = Duration.ofMinutes(61);
    static final String BASE = "http://switchboard.test";

    @TempDir
    Path dir;
    final MutableClock clock = new MutableClock(java.time.Instant.now());
    final IdentityDirectory directory = DevIdentities.directory();

    TokenIssuer issuer(SigningKeys keys) {
        return new TokenIssuer(keys, new IssuerUrls(() -> BASE), clock, Duration.ofHours(1));
    }

    TokenVerifier verifier(SigningKeys keys) {
        return new TokenVerifier(List.of(new EmbeddedIssuer(directory, new IssuerUrls(() -> BASE), keys)), clock, Duration.ofSeconds(60), 100);
    }

    String devBotToken(SigningKeys keys) {
        return issuer(keys).appToken(directory.app(DevIdentities.TENANT_ID, DevIdentities.DEV_BOT_APP_ID).orElseThrow()).accessToken();
    }

    @Test
    void firstStartCreatesOneKeyInAnOwnerOnlyFile() throws Exception {
        SigningKeys keys = new SigningKeys(dir, clock, KEEP, null);
        Path file = dir.resolve(SigningKeys.FILE_NAME);
        assertThat(file).exists();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(keys.entries()).hasSize(1);
        assertThat(keys.active().key().isPrivate()).isTrue();
        assertThat(keys.active().key().getModulus().decodeToBigInteger().bitLength()).isEqualTo(2048);
        assertThat(keys.jwksJson()).contains(keys.active().kid()).doesNotContain("\"d\"");
    }

    @Test
    void keysSurviveARestartAndOldTokensStillVerify() {
        SigningKeys first = new SigningKeys(dir, clock, KEEP, null);
        String token = devBotToken(first);
        SigningKeys second = new SigningKeys(dir, clock, KEEP, null);
        assertThat(second.active().kid()).isEqualTo(first.active().kid());
        assertThat(second.jwksJson()).isEqualTo(first.jwksJson());
        assertThat(verifier(second).verify(token).appId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
    }

    @Test
    void rotationKeepsTheOldKeyVerifyingUntilItsTokensExpire() {
        SigningKeys keys = new SigningKeys(dir, clock, KEEP, null);
        TokenVerifier verifier = verifier(keys);
        String oldKid = keys.active().kid();
        String oldToken = devBotToken(keys);

        SigningKeys.Entry fresh = keys.rotate();
        assertThat(fresh.kid()).isNotEqualTo(oldKid);
        assertThat(keys.active().kid()).isEqualTo(fresh.kid());
        String newToken = devBotToken(keys);
        assertThat(JwtForge.headerJson(newToken)).contains(fresh.kid());
        assertThat(keys.jwksJson()).contains(oldKid).contains(fresh.kid());
        assertThat(verifier.verify(oldToken).appId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        assertThat(verifier.verify(newToken).appId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);

        // the rotation is durable
        SigningKeys restarted = new SigningKeys(dir, clock, KEEP, null);
        assertThat(restarted.active().kid()).isEqualTo(fresh.kid());
        assertThat(restarted.entries()).extracting(SigningKeys.Entry::kid).containsExactly(fresh.kid(), oldKid);
        assertThat(verifier(restarted).verify(oldToken).appId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);

        // after the old key's window only the new key is published, and a restart drops the old one from the file
        clock.advance(KEEP.plusSeconds(1));
        assertThat(keys.publicKey(oldKid)).isEmpty();
        assertThatThrownBy(() -> verifier(keys).verify(oldToken)).isInstanceOf(SwitchboardException.class);
        SigningKeys later = new SigningKeys(dir, clock, KEEP, null);
        assertThat(later.entries()).extracting(SigningKeys.Entry::kid).containsExactly(fresh.kid());
        assertThat(later.jwksJson()).doesNotContain(oldKid);
        assertThat(verifier(later).verify(devBotToken(later)).appId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
    }

    @Test
    void aRememberedTokenOfADroppedKeyIsNoLongerAccepted() {
        SigningKeys keys = new SigningKeys(dir, clock, Duration.ZERO, null);
        TokenVerifier verifier = new TokenVerifier(List.of(new EmbeddedIssuer(directory, new IssuerUrls(() -> BASE), keys)),
                clock, Duration.ofHours(2), 100);
        String token = devBotToken(keys);
        assertThat(verifier.verify(token).appId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        keys.rotate();
        clock.advance(Duration.ofSeconds(1));
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(SwitchboardException.class).hasMessageContaining("signing key");
    }

    @Test
    void activeKeyOlderThanTheMaximumAgeIsRotatedOnNextUse() {
        SigningKeys keys = new SigningKeys(dir, clock, KEEP, Duration.ofDays(30));
        String first = keys.active().kid();
        clock.advance(Duration.ofDays(29));
        assertThat(keys.active().kid()).isEqualTo(first);
        clock.advance(Duration.ofDays(2));
        assertThat(keys.active().kid()).isNotEqualTo(first);
        assertThat(keys.publicKey(first)).isPresent();
    }

    @Test
    void aCorruptKeyFileStopsTheStartAndIsNotOverwritten() throws Exception {
        Path file = dir.resolve(SigningKeys.FILE_NAME);
        Files.writeString(file, "{\"keys\":[{\"jwk\":{\"kty\":\"RSA\"}}]}");
        assertThatThrownBy(() -> new SigningKeys(dir, clock, KEEP, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("corrupt");
        assertThat(Files.readString(file)).isEqualTo("{\"keys\":[{\"jwk\":{\"kty\":\"RSA\"}}]}");
    }

    @Test
    void aKeyFileWithoutPrivateKeysIsRefused() throws Exception {
        SigningKeys keys = new SigningKeys(dir, clock, KEEP, null);
        Path file = dir.resolve(SigningKeys.FILE_NAME);
        String publicOnly = "{\"version\":1,\"keys\":[{\"jwk\":" + keys.active().key().toPublicJWK().toJSONString()
                + ",\"createdAt\":\"" + clock.instant() + "\"}]}";
        Files.writeString(file, publicOnly);
        assertThatThrownBy(() -> new SigningKeys(dir, clock, KEEP, null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPublishedKeyVerifiesAndIsInTheJwksBeforeItSignsAndAnotherProcessFollowsByReloading() {
        SigningKeys coordinator = new SigningKeys(dir.resolve("coordinator"), clock, KEEP, null);
        SigningKeys node = new SigningKeys(dir.resolve("coordinator"), clock, KEEP, null); // another process, same file
        String oldKid = coordinator.active().kid();
        String oldToken = devBotToken(node);

        SigningKeys.Entry next = coordinator.publishNext();
        assertThat(coordinator.publishNext().kid()).as("publishing twice keeps the published key").isEqualTo(next.kid());
        node.reload();
        assertThat(node.active().kid()).as("published, not signing").isEqualTo(oldKid);
        assertThat(node.pending()).map(SigningKeys.Entry::kid).contains(next.kid());
        assertThat(node.jwksJson()).contains(oldKid, next.kid());
        assertThat(node.publicKey(next.kid())).isPresent();

        coordinator.promoteNext();
        String newToken = devBotToken(coordinator);
        assertThat(JwtForge.headerJson(newToken)).contains(next.kid());
        assertThat(verifier(node).verify(newToken).appId()).as("the node verifies the new key before it reloads")
                .isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        node.reload();
        assertThat(node.active().kid()).isEqualTo(next.kid());
        assertThat(node.pending()).isEmpty();
        assertThat(node.entries()).extracting(SigningKeys.Entry::kid).containsExactly(next.kid(), oldKid);
        assertThat(verifier(node).verify(oldToken).appId()).isEqualTo(DevIdentities.DEV_BOT_APP_ID);
        assertThatThrownBy(node::promoteNext).isInstanceOf(IllegalStateException.class);
    }
}
