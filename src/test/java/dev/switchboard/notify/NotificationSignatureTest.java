package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationSignatureTest {
    private static final NotificationKey KEY = new NotificationKey("k-1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    private static final NotificationKey OTHER = new NotificationKey("k-2", "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8));

    @Test
    void theReusedSignerWritesExactlyTheHeaderOfAFreshHmacForEveryPost() {
        NotificationSignature.Signer signer = new NotificationSignature.Signer(KEY);
        for (int i = 1; i <= 5; i++) {
            byte[] body = ("{\"value\":[" + i + "]}").getBytes(StandardCharsets.UTF_8);
            String header = signer.header("n-" + i, i, body);
            assertThat(header).isEqualTo(NotificationSignature.header(KEY, "n-" + i, i, body));
            assertThat(NotificationSignature.matches(header, KEY.secret(), "n-" + i, Long.toString(i), body)).isTrue();
            assertThat(NotificationSignature.matches(header, OTHER.secret(), "n-" + i, Long.toString(i), body)).isFalse();
        }
    }

    @Test
    void oneSignerSharedByManyThreadsSignsEachPostAsAFreshHmacWould() throws Exception {
        NotificationSignature.Signer signer = new NotificationSignature.Signer(KEY);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        byte[] body = ("{\"t\":" + thread + ",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                        if (!signer.header("n", i, body).equals(NotificationSignature.header(KEY, "n", i, body))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
