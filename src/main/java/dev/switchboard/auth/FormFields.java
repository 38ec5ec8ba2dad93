package dev.switchboard.auth;

import io.javalin.http.Context;

import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body or query string, decoded strictly: a field with a broken
 * {@code %} escape, a name given twice or a charset this JVM does not know makes the whole of it unreadable. A lenient
 * parser (Javalin's {@code formParam}) drops such a field instead, which turns e.g. a garbled {@code scope} into no
 * scope at all; every identity endpoint that reads a form reads it here and refuses it instead.
 */
final class FormFields {
    private FormFields() {
    }

    /** Why a form could not be read. */
    enum Problem { BROKEN_ESCAPE, DUPLICATE, CHARSET }

    /** A form that could not be read; {@code detail} is the duplicate name or the unknown charset. */
    static final class Unreadable extends Exception {
        private final Problem problem;
        private final String detail;

        private Unreadable(Problem problem, String detail) {
            super(problem + (detail == null ? "" : ": " + detail), null, false, false);
            this.problem = problem;
            this.detail = detail;
        }

        Problem problem() {
            return problem;
        }

        String detail() {
            return detail;
        }

        /** For a person or a client to read, with the detail made safe to echo. */
        String describe() {
            return switch (problem) {
                case BROKEN_ESCAPE -> "The request is not valid form encoding (application/x-www-form-urlencoded): a parameter has a broken %-escape.";
                case DUPLICATE -> "The parameter '" + TokenEndpoint.safe(detail) + "' is given more than once.";
                case CHARSET -> "The request body's charset '" + TokenEndpoint.safe(detail) + "' is not supported; send UTF-8.";
            };
        }
    }

    /** The request body's fields, in the body's charset (UTF-8 when none is named). */
    static Map<String, String> body(Context ctx) throws Unreadable {
        Charset charset = StandardCharsets.UTF_8;
        String named = ctx.characterEncoding();
        if (named != null) {
            try {
                charset = Charset.forName(named);
            } catch (IllegalArgumentException unknown) {
                throw new Unreadable(Problem.CHARSET, named);
            }
        }
        return decode(ctx.body(), charset);
    }

    /** The query string's fields (UTF-8). */
    static Map<String, String> query(Context ctx) throws Unreadable {
        return decode(ctx.queryString(), StandardCharsets.UTF_8);
    }

    /** The fields in their order; an empty or null input is no field. */
    static Map<String, String> decode(String encoded, Charset charset) throws Unreadable {
        Map<String, String> fields = new LinkedHashMap<>();
        if (encoded == null) {
            return fields;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset);
            } catch (IllegalArgumentException broken) {
                throw new Unreadable(Problem.BROKEN_ESCAPE, null);
            }
            if (fields.putIfAbsent(name, value) != null) {
                throw new Unreadable(Problem.DUPLICATE, name);
            }
        }
        return fields;
    }
}
