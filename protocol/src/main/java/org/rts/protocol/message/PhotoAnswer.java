package org.rts.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The hub's answer to a piece of a form's photo, on the unit's {@code photo-answer} topic: how many bytes of the
 * photo the hub holds from its start ({@code have}; the unit sends on from there), and whether it keeps the photo.
 * Only {@code KEPT} ends the unit's sending; after {@code REFUSED} it keeps the photo and tries again later, since
 * the cause (a result the hub has not stored yet, a full budget) may pass.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PhotoAnswer(int v, String sha256, long have, Status status, Refusal reason, String detail) {
    public static final int VERSION = 1;

    public enum Status {
        /** The hub holds {@code have} bytes from the start; send the rest from there. */
        PARTIAL,
        /** The whole photo matched the hash and length the unit signed and is stored. */
        KEPT,
        /** Not taken; {@code reason} says why. */
        REFUSED
    }

    /** Why a piece was refused. */
    public enum Refusal {
        /** Not a photo piece of a format the hub reads. */
        MALFORMED,
        /** No result this unit signed and the hub stored names a photo of this hash and length. */
        PHOTO_UNKNOWN,
        /** The whole photo's bytes do not have the SHA-256 the unit signed; what was held is dropped. */
        PHOTO_MISMATCH,
        /** The unit's unfinished photos already fill the room the hub gives one unit. */
        PHOTO_BUDGET
    }

    public PhotoAnswer {
        if (status == null || (status == Status.REFUSED) != (reason != null)) {
            throw new IllegalArgumentException("a refused answer has a reason, another none: " + status + " " + reason);
        }
    }

    public static PhotoAnswer partial(String sha256, long have) {
        return new PhotoAnswer(VERSION, sha256, have, Status.PARTIAL, null, null);
    }

    public static PhotoAnswer kept(String sha256, long bytes) {
        return new PhotoAnswer(VERSION, sha256, bytes, Status.KEPT, null, null);
    }

    public static PhotoAnswer refused(String sha256, Refusal reason, String detail) {
        return new PhotoAnswer(VERSION, sha256, 0, Status.REFUSED, reason, detail);
    }
}
