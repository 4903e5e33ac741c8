package org.rts.protocol.message;

import java.time.Instant;
import java.util.List;
import org.rts.protocol.Ids;

/**
 * The hub's signed answer to one message. {@code msg} is the hash of the message exactly as received; {@code code}
 * is a short code the presiding officer writes on the paper form. An identical resend gets the identical receipt.
 */
public record Receipt(int v, String device, String msg, Long seq, Status status, List<Finding> reasons,
                      List<Finding> warnings, Instant hubTime, String code) {
    public enum Status {
        ACCEPTED,
        REJECTED
    }

    public Receipt {
        if (v != Report.VERSION) {
            throw new IllegalArgumentException("v must be " + Report.VERSION + ", found: " + v);
        }
        Ids.require("device", device);
        if (msg == null || msg.isEmpty() || status == null || hubTime == null || code == null) {
            throw new IllegalArgumentException("msg, status, hubTime and code are required");
        }
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        if ((status == Status.REJECTED) == reasons.isEmpty()) {
            throw new IllegalArgumentException("a rejection needs reasons and an acceptance has none, found "
                    + status + " with " + reasons.size() + " reasons");
        }
    }

    public boolean accepted() {
        return status == Status.ACCEPTED;
    }
}
