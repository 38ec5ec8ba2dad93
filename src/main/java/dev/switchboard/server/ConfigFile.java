package dev.switchboard.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.auth.IdentityConfig;
import dev.switchboard.error.ClosestName;
import dev.switchboard.tools.ToolException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;

/**
 * The {@code --config} JSON file, read once: its {@code "server"} object feeds the {@code serve} settings, its
 * identity sections ({@code tenants}, {@code trustedIssuers}, {@code tokens}) the embedded authority.
 *
 * @param path the file
 * @param root its JSON object
 */
record ConfigFile(Path path, JsonNode root) {
    private static final ObjectMapper JSON = CliJson.JSON;

    /**
     * Reads and checks the file: a JSON object whose {@code "server"} object holds only known setting keys.
     *
     * @param serverKeys the setting names the {@code "server"} object may use
     * @throws ToolException exit 74 when the file is missing or unreadable, exit 2 when its content is wrong
     */
    static ConfigFile read(Path path, Collection<String> serverKeys) {
        JsonNode root;
        try {
            if (Files.isDirectory(path)) {
                throw new ToolException(ToolException.LOCAL, "config file " + path + " is a directory");
            }
            root = JSON.readTree(Files.readString(path));
        } catch (NoSuchFileException e) {
            throw new ToolException(ToolException.LOCAL, "config file not found: " + path);
        } catch (JsonProcessingException e) {
            throw usage("config file " + path + " is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ToolException(ToolException.LOCAL, "config file " + path + " cannot be read: " + e);
        }
        if (root == null || !root.isObject()) {
            throw usage("config file " + path + " must hold a JSON object");
        }
        JsonNode server = root.get("server");
        if (server != null && !server.isNull()) {
            if (!server.isObject()) {
                throw usage("config file " + path + ": \"server\" must be an object");
            }
            for (Iterator<String> it = server.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!serverKeys.contains(key)) {
                    throw usage("config file " + path + ": \"server\" has an unknown key '" + key + "'"
                            + ClosestName.hint(key, serverKeys) + " (allowed: " + String.join(", ", serverKeys) + ")");
                }
                if (!server.get(key).isValueNode()) {
                    throw usage("config file " + path + ": \"server\".\"" + key + "\" must be a string, number or boolean");
                }
            }
        }
        return new ConfigFile(path, root);
    }

    /** A setting of the {@code "server"} object as text, or null when absent. */
    String serverSetting(String key) {
        JsonNode server = root.get("server");
        JsonNode v = server == null ? null : server.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** The identity part of the file; exit 2 naming the entry when it is invalid. */
    IdentityConfig identities() {
        try {
            return IdentityConfig.fromJson(root);
        } catch (IllegalArgumentException e) {
            throw usage(path + ": " + e.getMessage());
        }
    }

    private static ToolException usage(String message) {
        return new ToolException(ToolException.USAGE, message);
    }
}
