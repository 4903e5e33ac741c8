package org.rts.hub.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rts.protocol.codec.Json;

/** Reading a request and writing an answer, for the operations room's handlers. */
final class Requests {
    static final int FORM_BYTES = 8192;

    private Requests() {
    }

    /** A request the server answers with 400 and {@code getMessage()}, without a stack trace. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** The fields of an {@code application/x-www-form-urlencoded} body; a malformed {@code %} escape is refused. */
    static Map<String, String> form(InputStream in) throws IOException {
        return pairs(new String(in.readNBytes(FORM_BYTES), StandardCharsets.UTF_8));
    }

    /** A query parameter of the request, decoded; "" when it has none. */
    static String param(HttpExchange x, String name) {
        String query = x.getRequestURI().getRawQuery();
        return query == null ? "" : pairs(query).getOrDefault(name, "");
    }

    /** A whole-number query parameter, {@code absent} when not given; anything else is a bad request. */
    static int intParam(HttpExchange x, String name, int absent) {
        String value = param(x, name);
        if (value.isEmpty()) {
            return absent;
        }
        if (!value.matches("[0-9]{1,6}")) {
            throw new BadRequest("'" + name + "' must be a whole number, found: " + printable(value));
        }
        return Integer.parseInt(value);
    }

    private static Map<String, String> pairs(String body) {
        Map<String, String> map = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return map;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("malformed %-escape in the form");
        }
    }

    static String cookie(HttpExchange x, String name) {
        for (String header : x.getRequestHeaders().getOrDefault("Cookie", List.of())) {
            for (String part : header.split(";")) {
                String p = part.strip();
                if (p.startsWith(name + "=")) {
                    return p.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    /** Whether two tokens are the same, in time that does not depend on where they differ; null is never equal. */
    static boolean same(String a, String b) {
        return a != null && b != null && !a.isEmpty()
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code s} fit for one log line: control characters (CR, LF, ESC, ...) and bidi controls are written as
     * {@code \\uXXXX}, so that a user name cannot forge a line of its own; at most 100 characters are kept.
     */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > 100 ? b.append("...").toString() : b.toString();
    }

    static void json(HttpExchange x, Object value) throws IOException {
        send(x, 200, "application/json", Json.mapper().writeValueAsBytes(value));
    }

    static void send(HttpExchange x, int status, String type, String body) throws IOException {
        send(x, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }

    /** A redirect to {@code location} after a form (303: the browser follows with a GET). */
    static void seeOther(HttpExchange x, String location, String text) throws IOException {
        x.getResponseHeaders().set("Location", location);
        send(x, 303, "text/plain", text);
    }
}
