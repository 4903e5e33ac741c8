package org.rts.hardware.profile;

/** A profile that cannot be used; the message names the file and line. */
public class ProfileException extends IllegalArgumentException {
    public ProfileException(String message) {
        super(message);
    }
}
