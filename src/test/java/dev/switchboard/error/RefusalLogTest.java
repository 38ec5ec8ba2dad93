package dev.switchboard.error;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A limit's refusals make a bounded number of log lines whatever comes (docs/operations.md, "Refusals in the log"),
 * and every refusal is in a line's count: the first of a key in a window in full, the rest in one summary when the
 * window is over (or on flush), keys past {@link RefusalLog#MAX_KEYS} in one shared summary.
 */
class RefusalLogTest {
    private static final Pattern MORE = Pattern.compile("refused (\\d+) more times in \\d+ s$");
    private static final Pattern OTHERS = Pattern.compile("^test throttled (\\d+) more times in \\d+ s, for other keys");
    private final Logger logger = (Logger) LoggerFactory.getLogger("switchboard.test.refusals");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private List<String> messages() {
        synchronized (lines) { // the summaries come from the timer's thread (the appender appends under its own lock)
            return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** The refusals the lines account for: one per full line, N per summary. */
    private long accounted() {
        long n = 0;
        for (String m : messages()) {
            Matcher more = MORE.matcher(m);
            Matcher others = OTHERS.matcher(m);
            n += more.find() ? Long.parseLong(more.group(1)) : others.find() ? Long.parseLong(others.group(1)) : 1;
        }
        return n;
    }

    @Test
    void fiveHundredRefusalsOfOneKeyAreOneLineAndOneSummaryWithTheirCount() {
        RefusalLog log = new RefusalLog(logger, Level.WARN, "test throttled");
        for (int i = 0; i < 500; i++) {
            log.refused("actor=alice address=127.0.0.2 path=token", "retryAfterSeconds=" + (i % 7 + 1));
        }
        assertThat(messages()).containsExactly("test throttled actor=alice address=127.0.0.2 path=token retryAfterSeconds=1");
        log.flush();
        assertThat(messages()).hasSize(2);
        assertThat(messages().get(1)).startsWith("test throttled actor=alice address=127.0.0.2 path=token refused 499 more times in ");
        assertThat(log.refused()).isEqualTo(500);
        assertThat(lines.list.get(0).getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
    }

    @Test
    void theSummaryIsWrittenWhenTheWindowIsOverAndTheNextRefusalIsInFullAgain() throws Exception {
        RefusalLog log = new RefusalLog(logger, Level.INFO, "test throttled", Duration.ofMillis(300));
        for (int i = 0; i < 10; i++) {
            log.refused("actor=bob", "");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (messages().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(messages()).hasSize(2);
        assertThat(messages().get(0)).isEqualTo("test throttled actor=bob");
        assertThat(messages().get(1)).matches("test throttled actor=bob refused 9 more times in 1 s");
        log.refused("actor=bob", "");
        assertThat(messages()).hasSize(3).last().isEqualTo("test throttled actor=bob");
        log.flush(); // nothing more to say: no summary without further refusals
        assertThat(messages()).hasSize(3);
    }

    @Test
    void manyKeysMakeAtMostMaxKeysLinesAndOneSharedSummaryAndEveryRefusalIsCounted() {
        RefusalLog log = new RefusalLog(logger, Level.WARN, "test throttled");
        int keys = 1_000;
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < keys; k++) {
                log.refused("actor=user" + k, "");
            }
        }
        assertThat(messages()).hasSize(RefusalLog.MAX_KEYS);
        log.flush();
        assertThat(messages()).hasSize(2 * RefusalLog.MAX_KEYS + 1);
        assertThat(messages()).filteredOn(m -> OTHERS.matcher(m).find())
                .singleElement().asString().matches("test throttled " + (keys - RefusalLog.MAX_KEYS) * 3
                        + " more times in \\d+ s, for other keys than the " + RefusalLog.MAX_KEYS + " logged one by one");
        assertThat(accounted()).isEqualTo(3L * keys).isEqualTo(log.refused());
    }
}
