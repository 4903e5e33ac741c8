package org.rts.hardware;

import java.util.List;

/**
 * What a printed result slip holds: lines of text in the unit's language (each drawn right to left where its
 * script is), then its QR codes: one holding the signed message exactly as sent, or, for a message too large for
 * one code a phone reads, its numbered parts, each code labelled "i / n".
 */
public record Slip(List<String> lines, List<String> codes) {
    public Slip(List<String> lines, String qr) {
        this(lines, qr == null ? List.of() : List.of(qr));
    }

    public Slip {
        lines = List.copyOf(lines);
        codes = List.copyOf(codes);
        if (codes.isEmpty() || codes.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("a slip needs the text of its QR code");
        }
    }

    /** The first code's text: the whole message when it fits one. */
    public String qr() {
        return codes.get(0);
    }
}
