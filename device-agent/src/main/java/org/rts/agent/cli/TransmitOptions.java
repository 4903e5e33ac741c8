package org.rts.agent.cli;

import java.time.Clock;
import java.time.Duration;
import org.rts.agent.Agent;
import org.rts.agent.AgentSettings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the commands that transmit. */
final class TransmitOptions {
    @Mixin
    UnitDirs dirs;

    @Option(names = "--broker", description = "One broker URL, used instead of the bundle's.")
    String broker;

    @Option(names = "--wait", defaultValue = "60",
            description = "Seconds to wait for the hub's receipt (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Option(names = "--window", defaultValue = "4",
            description = "Messages awaiting a receipt at once (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--resend-after", defaultValue = "20",
            description = "Seconds before a message without receipt is sent again (default: ${DEFAULT-VALUE}).")
    int resendAfter;

    @Option(names = "--max-backoff-ms", defaultValue = "30000",
            description = "Longest pause between connection attempts (default: ${DEFAULT-VALUE}).")
    long maxBackoffMillis;

    AgentSettings settings() {
        return new AgentSettings(dirs.bundle, dirs.data, broker, window, Duration.ofSeconds(resendAfter),
                Duration.ofMillis(maxBackoffMillis));
    }

    /** Opens the unit for {@code command}, which then holds its lock. */
    Agent open(String command) {
        return Agent.open(settings(), Clock.systemUTC(), System.out, command);
    }
}
