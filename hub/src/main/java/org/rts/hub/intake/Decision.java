package org.rts.hub.intake;

import java.time.Instant;
import java.util.List;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Report;

/**
 * Everything the hub decided about one message, written in one transaction before the receipt leaves. When
 * {@code report} is set, the message joined its device's chain (accepted or rejected on content). A resend is an
 * identical copy of a chained message, answered with the receipt it got before and not stored again. {@code path}
 * is the way it came (a chained message keeps the way its first copy came).
 */
public record Decision(String topic, String deviceId, String hash, byte[] bytes, Instant receivedAt,
                       Report report, List<Finding> reasons, List<Finding> warnings, byte[] receipt, boolean resend,
                       String path) {
    public Decision(String topic, String deviceId, String hash, byte[] bytes, Instant receivedAt, Report report,
                    List<Finding> reasons, List<Finding> warnings, byte[] receipt) {
        this(topic, deviceId, hash, bytes, receivedAt, report, reasons, warnings, receipt, false, "mqtt");
    }

    public Decision(String topic, String deviceId, String hash, byte[] bytes, Instant receivedAt, Report report,
                    List<Finding> reasons, List<Finding> warnings, byte[] receipt, boolean resend) {
        this(topic, deviceId, hash, bytes, receivedAt, report, reasons, warnings, receipt, resend, "mqtt");
    }

    /** An identical copy of a chained message: answered with {@code receipt} again. */
    public static Decision resend(String topic, String deviceId, String hash, byte[] bytes, Instant receivedAt,
                                  byte[] receipt) {
        return new Decision(topic, deviceId, hash, bytes, receivedAt, null, List.of(), List.of(), receipt, true);
    }

    public boolean accepted() {
        return reasons.isEmpty();
    }
}
