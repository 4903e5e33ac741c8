package org.rts.protocol;

import java.util.regex.Pattern;

/**
 * Identifiers (election, device, station, race, candidate) are 1 to 64 characters of letters, digits, '.', '_' or
 * '-', so that they fit in one MQTT topic level, a certificate name and a file name without escaping.
 */
public final class Ids {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Ids() {
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    /** Returns {@code id} or throws naming the field, e.g. {@code "stationId must be 1-64 of [A-Za-z0-9._-], found: 'a/b'"}. */
    public static String require(String field, String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException(field + " must be 1-64 of [A-Za-z0-9._-], found: "
                    + (id == null ? "null" : "'" + id + "'"));
        }
        return id;
    }
}
