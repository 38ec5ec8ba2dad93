package dev.switchboard.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where a server setting comes from, strongest first: a command-line flag, an environment variable
 * ({@code SWITCHBOARD_} + the flag name in upper case with {@code _}, e.g. {@code SWITCHBOARD_MEDIA_PORTS}),
 * the {@code "server"} object of the configuration file (the flag name in camelCase, e.g. {@code "mediaPorts"}),
 * then the built-in default.
 */
final class SettingSources {
    private final Map<String, String> environment;
    private final JsonNode serverSection;

    SettingSources(Map<String, String> environment, JsonNode serverSection) {
        this.environment = environment;
        this.serverSection = serverSection == null ? CliJson.JSON.createObjectNode() : serverSection;
    }

    /** Reads the {@code "server"} object of a JSON configuration file; an absent file or section means none. */
    static SettingSources of(Map<String, String> environment, Path configFile) {
        if (configFile == null) {
            return new SettingSources(environment, null);
        }
        try {
            JsonNode root = CliJson.JSON.readTree(configFile.toFile());
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("config file " + configFile + " must hold a JSON object");
            }
            JsonNode server = root.get("server");
            if (server != null && !server.isObject()) {
                throw new IllegalArgumentException("config file " + configFile + ": \"server\" must be an object");
            }
            return new SettingSources(environment, server);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("config file " + configFile + " is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + configFile + " cannot be read: " + e.getMessage());
        }
    }

    /** The value of a setting not given as a flag: environment, then config file, else empty. */
    Optional<String> lookup(String flagName) {
        String env = environment.get(envName(flagName));
        if (env != null && !env.isBlank()) {
            return Optional.of(env.trim());
        }
        JsonNode node = serverSection.get(jsonName(flagName));
        if (node != null && !node.isNull()) {
            return Optional.of(node.asText());
        }
        return Optional.empty();
    }

    static String envName(String flagName) {
        return "SWITCHBOARD_" + flagName.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    static String jsonName(String flagName) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : flagName.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }
}
