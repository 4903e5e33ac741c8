package org.rts.hardware;

import java.io.IOException;

/** A receipt printer: one call prints one slip, cut or torn off after it. */
public interface Printer {
    /** Prints {@code slip}; throws naming what the printer or its device said (no paper, unplugged). */
    void print(Slip slip) throws IOException;
}
