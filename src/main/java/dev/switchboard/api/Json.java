package dev.switchboard.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.error.SwitchboardException;

/** Typed reads of request JSON with Graph-style 400s naming the property; JSON null counts as absent. */
final class Json {
    private Json() {
    }

    static String optionalString(ObjectNode o, String field) {
        return optionalString(o, field, field);
    }

    /** {@code path}: how the 400 names the property, e.g. {@code targets[0].identity.user.id}. */
    static String optionalString(ObjectNode o, String field, String path) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw SwitchboardException.badRequest("'" + path + "' must be a string.");
        }
        return n.asText();
    }

    /** {@code value} (null stays null), unless it is longer than {@code max} characters: then a 400 naming {@code path}. */
    static String atMost(String value, int max, String path) {
        if (value != null && value.length() > max) {
            throw SwitchboardException.badRequest("'" + path + "' may be at most " + max + " characters; this one has "
                    + value.length() + ".");
        }
        return value;
    }

    static String requiredString(ObjectNode o, String field, String path) {
        String s = optionalString(o, field, path);
        if (s == null || s.isBlank()) {
            throw SwitchboardException.badRequest("'" + path + "' is required.");
        }
        return s;
    }

    static ObjectNode optionalObject(ObjectNode o, String field) {
        return optionalObject(o, field, field);
    }

    /** {@code path}: how the 400 names the property, e.g. {@code targets[0].identity}. */
    static ObjectNode optionalObject(ObjectNode o, String field, String path) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw SwitchboardException.badRequest("'" + path + "' must be an object.");
        }
        return (ObjectNode) n;
    }

    static ObjectNode requiredObject(ObjectNode o, String field) {
        return requiredObject(o, field, field);
    }

    /** {@code path}: how the 400 names the property, e.g. {@code targets[0].identity}. */
    static ObjectNode requiredObject(ObjectNode o, String field, String path) {
        ObjectNode n = optionalObject(o, field, path);
        if (n == null) {
            throw SwitchboardException.badRequest("'" + path + "' is required.");
        }
        return n;
    }

    static ArrayNode optionalArray(ObjectNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw SwitchboardException.badRequest("'" + field + "' must be an array.");
        }
        return (ArrayNode) n;
    }

    static boolean optionalBoolean(ObjectNode o, String field) {
        return optionalBoolean(o, field, field);
    }

    /** {@code path}: how the 400 names the property, e.g. {@code targets[1].removeFromDefaultAudioRoutingGroup}. */
    static boolean optionalBoolean(ObjectNode o, String field, String path) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw SwitchboardException.badRequest("'" + path + "' must be true or false.");
        }
        return n.asBoolean();
    }

    /** The {@code @odata.type} without the leading {@code #microsoft.graph.}, lower-cased; null when absent. */
    static String odataType(ObjectNode o) {
        String t = optionalString(o, "@odata.type");
        if (t == null) {
            return null;
        }
        String s = t.startsWith("#") ? t.substring(1) : t;
        if (s.regionMatches(true, 0, "microsoft.graph.", 0, "microsoft.graph.".length())) {
            s = s.substring("microsoft.graph.".length());
        }
        return s.toLowerCase(java.util.Locale.ROOT);
    }
}
