package org.rts.hardware;

import java.util.List;

/**
 * What a printed result slip holds: lines of text in the unit's language (each drawn right to left where its
 * script is), then a QR code of {@code qr} (the signed message exactly as sent).
 */
public record Slip(List<String> lines, String qr) {
    public Slip {
        lines = List.copyOf(lines);
        if (qr == null || qr.isEmpty()) {
            throw new IllegalArgumentException("a slip needs the text of its QR code");
        }
    }
}
