package org.rts.hardware;

import java.util.List;

/**
 * What the presiding officer reads: a few short lines, replaced as a whole on each call. Lines in Arabic are shown
 * right to left where the display can draw them ({@link #rightToLeft}).
 */
public interface Display {
    void show(List<String> lines);

    /** Lines this display can show at once. */
    default int rows() {
        return 4;
    }

    /** Whether this display can draw Arabic (shaped, right to left); a character LCD cannot. */
    default boolean rightToLeft() {
        return true;
    }
}
