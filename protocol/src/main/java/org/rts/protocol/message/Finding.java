package org.rts.protocol.message;

/** One reason or warning: a stable code (documented in the README) and a sentence with the numbers. */
public record Finding(String code, String detail) {
    public Finding {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("finding code is required");
        }
        detail = detail == null ? "" : detail;
    }

    public static Finding of(Reason reason, String detail) {
        return new Finding(reason.name(), detail);
    }

    public static Finding of(Warning warning, String detail) {
        return new Finding(warning.name(), detail);
    }

    @Override
    public String toString() {
        return detail.isEmpty() ? code : code + " (" + detail + ")";
    }
}
