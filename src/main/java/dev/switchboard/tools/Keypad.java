package dev.switchboard.tools;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The terminal participant's DTMF keypad: sends keys through its {@link Softphone} at a given moment
 * ({@code --dtmf 1234# --dtmf-at 2s}) or as they are typed (each line of standard input), and says when they went out.
 * Runs on daemon threads of its own.
 */
final class Keypad {
    /** Gap between two keys sent from the terminal. */
    static final int GAP_MILLIS = 100;
    private final Softphone phone;
    private final PrintStream out;

    Keypad(Softphone phone, PrintStream out) {
        this.phone = phone;
        this.out = out;
    }

    /** Sends {@code keys} once {@code after} has passed. */
    void sendLater(String keys, Duration after) {
        Thread.ofPlatform().daemon(true).name("keypad-timer").start(() -> {
            try {
                Thread.sleep(after.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            send(keys);
        });
    }

    /** Sends the DTMF keys of every line read from {@code in} (other characters are skipped). */
    void readLines(InputStream in) {
        Thread.ofPlatform().daemon(true).name("keypad-input").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    String keys = line.replaceAll("[^0-9*#A-Da-d]", "").toUpperCase(java.util.Locale.ROOT);
                    if (!keys.isEmpty()) {
                        send(keys);
                    }
                }
            } catch (java.io.IOException e) {
                // standard input closed: no more keys
            }
        });
    }

    private void send(String keys) {
        try {
            phone.sendDtmf(keys, GAP_MILLIS, sent -> out.println(sent ? "DTMF sent: " + keys : "DTMF not sent: " + keys));
        } catch (IllegalArgumentException | IllegalStateException e) {
            out.println("DTMF: " + e.getMessage());
        }
    }
}
