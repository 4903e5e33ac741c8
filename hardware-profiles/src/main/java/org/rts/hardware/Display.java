package org.rts.hardware;

import java.util.List;

/** What the presiding officer reads: a few short lines, replaced as a whole on each call. */
public interface Display {
    void show(List<String> lines);
}
