package dev.switchboard.media.ivr;

import dev.switchboard.error.ErrorCode;
import dev.switchboard.error.SwitchboardException;
import dev.switchboard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Recordings on disk: token-only reads, deletion after their time, a bounded store with a clear error when full. */
class RecordingStoreTest {

    @Test
    void aRecordingIsReadWithItsTokenOnlyAndDeletedAfterItsTime(@TempDir Path dir) throws Exception {
        MutableClock clock = new MutableClock();
        RecordingStore store = new RecordingStore(dir, 1 << 20, Duration.ofMinutes(60), clock);
        RecordingStore.Stored s = store.save(new short[16000]);
        assertThat(s.seconds()).isEqualTo(1.0);
        Path file = store.open(s.id(), s.token());
        assertThat(Files.size(file)).isEqualTo(44 + 32000);
        assertThat(catchThrowableOfType(SwitchboardException.class, () -> store.open(s.id(), null)).code())
                .isEqualTo(ErrorCode.INVALID_AUTHENTICATION_TOKEN);
        assertThat(catchThrowableOfType(SwitchboardException.class, () -> store.open(s.id(), s.token() + "x")).code())
                .isEqualTo(ErrorCode.INVALID_AUTHENTICATION_TOKEN);
        clock.advance(Duration.ofMinutes(59));
        assertThat(store.sweep()).isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(store.sweep()).isEqualTo(1);
        assertThat(file).doesNotExist();
        assertThat(store.usedBytes()).isZero();
        assertThat(catchThrowableOfType(SwitchboardException.class, () -> store.open(s.id(), s.token())).code())
                .isEqualTo(ErrorCode.ITEM_NOT_FOUND);
    }

    @Test
    void aFullStoreRefusesWithAClearMessageAndFreesSpaceAsRecordingsExpire(@TempDir Path dir) {
        MutableClock clock = new MutableClock();
        RecordingStore store = new RecordingStore(dir, 100_000, Duration.ofMinutes(1), clock);
        store.save(new short[40_000]); // 80,044 bytes
        assertThat(store.fits(1.0)).isFalse();
        SwitchboardException full = catchThrowableOfType(SwitchboardException.class, () -> store.save(new short[16_000]));
        assertThat(full.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
        assertThat(full.getMessage()).contains("Recording storage is full").contains("80044 of 100000 bytes");
        clock.advance(Duration.ofMinutes(2));
        store.sweep();
        assertThat(store.save(new short[16_000]).bytes()).isEqualTo(32_044);
    }

    @Test
    void filesOfAnEarlierProcessAreDeletedAtStart(@TempDir Path dir) throws Exception {
        Path old = Files.write(dir.resolve("left-over.wav"), new byte[10]);
        new RecordingStore(dir, 1000, Duration.ofMinutes(1), new MutableClock());
        assertThat(old).doesNotExist();
    }
}
