package org.rts.hardware;

import java.io.IOException;

/** The camera that photographs the signed paper form before a result is sent. */
public interface Camera {
    /** One photo, as JPEG bytes; throws naming what the camera said (not connected, no picture). */
    byte[] capture() throws IOException;
}
