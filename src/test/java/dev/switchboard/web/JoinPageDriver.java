package dev.switchboard.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.media.webrtc.Chromium;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** Drives the join page in a {@link Chromium} as a person would (buttons, the sign-in form) and reads its state. */
final class JoinPageDriver {
    private final Chromium chromium;

    JoinPageDriver(Chromium chromium) {
        this.chromium = chromium;
    }

    /** Opens the link, signs in on the authority's page, joins with the microphone; returns once connected. */
    void signInAndJoin(String link, String username, String password) throws IOException, InterruptedException {
        signIn(link, username, password);
        click("join");
        awaitJoined();
    }

    /** Opens the link and signs in on the authority's page; returns once the page offers Join. */
    void signIn(String link, String username, String password) throws IOException, InterruptedException {
        chromium.open(link);
        await().atMost(Duration.ofSeconds(15)).until(() -> phase().equals("signed-out"));
        click("signin");
        await().atMost(Duration.ofSeconds(15)).until(() -> chromium.execute(
                "return !!document.getElementById('username') && !!document.getElementById('password');").asBoolean());
        chromium.execute("document.getElementById('username').value = arguments[0];"
                + "document.getElementById('password').value = arguments[1];"
                + "document.getElementById('submit').click();", username, password);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> phase().equals("ready"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not ready after sign-in: " + state(), e);
        }
    }

    /** Waits (generously: a loaded machine) until the page says it is in the call; fails with what the page shows. */
    void awaitJoined() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!phase().equals("joined")) {
            if (phase().equals("failed") || System.nanoTime() > deadline) {
                throw new AssertionError("not joined: " + chromium.execute("const p = window.switchboardJoin;"
                        + "return {phase: p.phase, error: p.error, status: document.getElementById('status').textContent,"
                        + " pc: window.switchboardJoin.connection || null};"));
            }
            Thread.sleep(250);
        }
    }

    /** What the page shows now, for failure messages. */
    JsonNode state() throws IOException, InterruptedException {
        return chromium.execute("const p = window.switchboardJoin || {};"
                + "const t = id => { const e = document.getElementById(id); return e ? e.textContent : null; };"
                + "return {url: location.href, phase: p.phase || null, error: p.error || null, status: t('status')};");
    }

    String phase() throws IOException, InterruptedException {
        return chromium.execute("return window.switchboardJoin ? window.switchboardJoin.phase : 'elsewhere';").asText();
    }

    String participantId() throws IOException, InterruptedException {
        return chromium.execute("return window.switchboardJoin.participantId;").asText();
    }

    void click(String id) throws IOException, InterruptedException {
        chromium.execute("document.getElementById(arguments[0]).click();", id);
    }

    String text(String id) throws IOException, InterruptedException {
        return chromium.execute("return document.getElementById(arguments[0]).textContent;", id).asText();
    }

    boolean visible(String id) throws IOException, InterruptedException {
        return chromium.execute("const e = document.getElementById(arguments[0]); return !!e && !e.hidden && e.offsetParent !== null;", id).asBoolean();
    }

    /** What {@code script} returns, as text ("null" for null). */
    String value(String script, Object... args) throws IOException, InterruptedException {
        return chromium.execute(script, args).asText();
    }

    double number(String script, Object... args) throws IOException, InterruptedException {
        return chromium.execute(script, args).asDouble();
    }

    /** The state the roster shows for a participant ("live", "muted", "muted by the server"), or "absent". */
    String rosterState(String participantId) throws IOException, InterruptedException {
        JsonNode li = chromium.execute("const li = document.querySelector('#roster li[data-participant-id=\"' + arguments[0] + '\"]');"
                + "return li ? li.querySelector('.badge').textContent : 'absent';", participantId);
        return li.asText();
    }

    List<String> rosterNames() throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        chromium.execute("return window.switchboardJoin.roster.map(p => p.name);").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Whether the page hears {@code hz} clearly over the call (its meter's spectrum, 20 dB above a 1500 Hz reference). */
    boolean hears(double hz) throws IOException, InterruptedException {
        JsonNode l = chromium.execute("const p = window.switchboardJoin; const t = p.tone(arguments[0]);"
                + "return t == null ? null : {tone: t, ref: p.tone(1500)};", hz);
        return l != null && !l.isNull() && l.path("tone").asDouble() > -60 && l.path("tone").asDouble() > l.path("ref").asDouble() + 20;
    }
}
