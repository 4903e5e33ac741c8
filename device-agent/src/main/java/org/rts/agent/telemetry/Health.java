package org.rts.agent.telemetry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.rts.agent.Agent;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.hardware.BatteryReading;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.Telemetry;

/** Collects the unit's telemetry: the board (battery, case), the system ({@link HealthProbe}), the outbox. */
public final class Health implements TelemetryPublisher.Source {
    /** The agent's version, as the package and the jar name it. */
    public static final String SOFTWARE = "0.1";

    private final Agent agent;
    private final HealthProbe probe;
    private final String config;

    public Health(Agent agent, HealthProbe probe) {
        this.agent = agent;
        this.probe = probe;
        this.config = configVersion(agent.bundleDir().resolve("device.json"));
    }

    @Override
    public Telemetry collect(long session, long n, Instant at) {
        BatteryReading battery = agent.hardware().battery().read();
        List<OutboxEntry> pending = agent.outbox().pending();
        Long oldest = pending.stream().map(OutboxEntry::createdAt).min(Instant::compareTo)
                .map(t -> Math.max(0, Duration.between(t, at).toSeconds())).orElse(null);
        var bundle = agent.bundle();
        return new Telemetry(Report.VERSION, bundle.election().id(), bundle.election().mode(), bundle.deviceId(),
                bundle.stationId(), session, n, at, TelemetryPublisher.percent(battery),
                TelemetryPublisher.volts(battery), battery.externalPower(), battery.charging(), probe.celsius(),
                probe.load(), probe.freeMemoryKb(), probe.freeDiskKb(agent.dataDir()), probe.uptimeSeconds(),
                probe.clockSynced(), probe.signalDbm(), pending.size(), oldest, SOFTWARE, config,
                agent.hardware().tamper().open());
    }

    /** The first 8 characters of the SHA-256 of the signed device configuration: which version the unit runs. */
    static String configVersion(Path deviceJson) {
        try {
            return org.rts.protocol.files.DeviceConfig.version(Files.readAllBytes(deviceJson));
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
