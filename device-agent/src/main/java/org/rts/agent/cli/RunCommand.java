package org.rts.agent.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.rts.agent.Agent;
import org.rts.agent.service.TerminalKeys;
import org.rts.agent.service.UnitService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code device-agent run}: the unit as a service, until stopped. Where the profile's buttons take keys typed at a
 * terminal (the simulated profile), this process's terminal presses them; a board has its own.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the unit as a service until stopped: the buttons, display and lights of its hardware"
                + " profile walk the officer through turnout and the result; reports are kept and sent, and"
                + " the receipt shown. On the simulated profile the terminal is the unit (keys: digits, t"
                + " transmit, c confirm, x cancel, u/d up and down, n or Enter next).")
public final class RunCommand implements Callable<Integer> {
    @Mixin
    TransmitOptions common;

    @Option(names = "--telemetry-seconds", defaultValue = "60", description = "Seconds between health reports"
            + " (and at once on a significant change; at least 5; default: ${DEFAULT-VALUE}).")
    int telemetrySeconds;

    @Override
    public Integer call() throws InterruptedException {
        Agent agent = common.open("run");
        TerminalKeys keys = agent.hardware().buttons().keys().map(k -> new TerminalKeys(k, System.in))
                .orElse(null);
        UnitService service;
        try {
            service = UnitService.start(agent, Clock.systemUTC(), keys, Duration.ofSeconds(telemetrySeconds));
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "unit-stop"));
        service.await();
        return 0;
    }
}
