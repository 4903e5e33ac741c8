package org.rts.agent;

import java.nio.file.Path;
import java.time.Duration;
import org.rts.protocol.files.DeviceConfig;

/**
 * How the agent runs, from its command line.
 *
 * @param bundle      the bundle directory written by provisioning (default {@code /etc/rts/bundle})
 * @param data        where the outbox lives (default: the bundle directory)
 * @param broker      one broker to use instead of the bundle's (default: none)
 * @param window      messages awaiting a receipt at once (default 4, 1..100)
 * @param resendAfter publish again when no receipt came within this time (default 20 s, at least 1 s)
 * @param maxBackoff  longest wait between connection attempts (default 30 s, at least 100 ms)
 */
public record AgentSettings(Path bundle, Path data, String broker, int window, Duration resendAfter,
                            Duration maxBackoff) {
    public AgentSettings {
        if (bundle == null) {
            throw new IllegalArgumentException("bundle directory is required");
        }
        data = data != null ? data : bundle;
        if (broker != null) {
            DeviceConfig.requireBrokerUrl("broker", broker);
        }
        if (window < 1 || window > 100) {
            throw new IllegalArgumentException("window must be 1..100, found: " + window);
        }
        if (resendAfter.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("resendAfter must be at least 1 s, found: " + resendAfter);
        }
        if (maxBackoff.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least 100 ms, found: " + maxBackoff);
        }
    }

    public Path outboxFile() {
        return data.resolve("outbox.db");
    }
}
