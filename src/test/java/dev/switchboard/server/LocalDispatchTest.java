package dev.switchboard.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.api.SubRequest;
import dev.switchboard.api.SubResponse;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LocalDispatch} when running a batch's request fails in a way nothing expects. Nothing a client sends reaches
 * this (the batch's requests are checked before they run, and the in-memory exchange maps timeouts and cut answers
 * itself), so the failure is made here: an in-memory connector that throws when asked for a connection.
 */
class LocalDispatchTest {
    @Test
    void anUnexpectedFailureIsLoggedOnceAtErrorWithItsStackAndAnsweredAsAGraph500() throws Exception {
        IllegalStateException bug = new IllegalStateException("a bug");
        LocalConnector broken = new LocalConnector(new Server()) {
            private volatile boolean constructed = true; // set after Jetty's constructor, which asks too

            @Override
            public boolean isRunning() {
                return constructed;
            }

            @Override
            public LocalEndPoint connect() {
                throw bug;
            }
        };
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        SubResponse answer;
        try {
            answer = new LocalDispatch(() -> broken).send(new SubRequest("POST",
                    "/v1.0/communications/calls/c1/mute?x=1", List.of(Map.entry("Host", "localhost")), new byte[0]));
        } finally {
            root.detachAppender(logs);
        }

        assertThat(answer.status()).isEqualTo(500);
        JsonNode error = new ObjectMapper().readTree(answer.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("generalException");
        assertThat(error.get("message").asText()).isEqualTo("The request could not be run.");
        assertThat(error.at("/innerError/request-id").asText()).isNotBlank();
        List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel() == Level.ERROR).toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.getFirst().getFormattedMessage()).contains("method=POST", "path=/v1.0/communications/calls/c1/mute")
                .doesNotContain("x=1");
        assertThat(errors.getFirst().getThrowableProxy()).isNotNull();
        assertThat(errors.getFirst().getThrowableProxy().getMessage()).isEqualTo("a bug");
        assertThat(errors.getFirst().getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
    }
}
