package org.rts.hub.store;

import java.time.Instant;
import java.util.List;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Report;

/**
 * Everything the hub decided about one message, written in one transaction before the receipt leaves. When
 * {@code report} is set, the message joined its device's chain (accepted or rejected on content).
 */
public record Decision(String topic, String deviceId, String hash, byte[] bytes, Instant receivedAt,
                       Report report, List<Finding> reasons, List<Finding> warnings, byte[] receipt) {
    public boolean accepted() {
        return reasons.isEmpty();
    }
}
