package dev.switchboard.notify;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationItemTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aLaterItemRendersOnceOnFirstUseAndItsLengthIsTheEstimateUntilThen() {
        AtomicInteger renders = new AtomicInteger();
        NotificationItem item = NotificationItem.later(() -> {
            renders.incrementAndGet();
            return b("{\"x\":1}");
        }, 50);
        assertThat(item.isRendered()).isFalse();
        assertThat(item.length()).isEqualTo(50);
        assertThat(renders).hasValue(0);
        byte[] first = item.bytes();
        assertThat(s(first)).isEqualTo("{\"x\":1}");
        assertThat(item.bytes()).isSameAs(first);
        assertThat(item.length()).isEqualTo(7);
        assertThat(renders).hasValue(1);
        assertThat(s(item.framed(b("["), b("]")))).isEqualTo("[{\"x\":1}]");
        assertThat(renders).hasValue(1);
    }

    @Test
    void aFramingRendererRendersStraightIntoTheFrameAndItsOwnBytesAreTheSameItem() {
        AtomicInteger renders = new AtomicInteger();
        NotificationItem item = NotificationItem.later((before, after) -> {
            renders.incrementAndGet();
            return b(s(before) + "{\"y\":2}" + s(after));
        }, 10);
        assertThat(s(item.framed(b("{\"value\":["), b("]}")))).isEqualTo("{\"value\":[{\"y\":2}]}");
        assertThat(item.isRendered()).as("a framed render keeps nothing").isFalse();
        assertThat(s(item.bytes())).isEqualTo("{\"y\":2}");
        assertThat(renders).hasValue(2);
        assertThat(s(NotificationItem.of(b("{}")).framed(b("<"), b(">")))).isEqualTo("<{}>");
    }

    @Test
    void aFailingRendererThrowsToTheCallerAndIsTriedAgainNextTime() {
        AtomicInteger calls = new AtomicInteger();
        NotificationItem item = NotificationItem.later(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first");
            }
            return b("{}");
        }, 2);
        assertThatThrownBy(item::bytes).isInstanceOf(IllegalStateException.class);
        assertThat(s(item.bytes())).isEqualTo("{}");
    }
}
