package org.rts.hub.validation;

import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;

/**
 * A message turned away before it could join its device's chain; {@code seq} is known if the payload parsed,
 * {@code head} (the device's last chained message) is given with sequence rejections.
 */
public record Rejection(Finding reason, Long seq, ChainPosition head) {
    public static Rejection of(Reason reason, String detail, Long seq) {
        return new Rejection(Finding.of(reason, detail), seq, null);
    }

    public static Rejection sequence(Reason reason, String detail, long seq, ChainPosition head) {
        return new Rejection(Finding.of(reason, detail), seq, head);
    }
}
