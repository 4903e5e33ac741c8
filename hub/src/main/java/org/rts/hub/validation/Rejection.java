package org.rts.hub.validation;

import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;

/** A message turned away before it could join its device's chain; {@code seq} is known if the payload parsed. */
public record Rejection(Finding reason, Long seq) {
    public static Rejection of(Reason reason, String detail, Long seq) {
        return new Rejection(Finding.of(reason, detail), seq);
    }
}
