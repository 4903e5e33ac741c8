package org.rts.agent.telemetry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the operating system says of the unit (Linux {@code /proc} and {@code /sys}); a figure it cannot give is
 * null. {@code root} is {@code /} on a unit, another folder in tests.
 */
public final class HealthProbe {
    private final Path root;

    public HealthProbe(Path root) {
        this.root = root;
    }

    /** One-minute load average. */
    public Double load() {
        String text = read("proc/loadavg");
        return text == null ? null : number(text.split("\\s+")[0]);
    }

    /** Memory available to new work, in kB ({@code MemAvailable}). */
    public Long freeMemoryKb() {
        String text = read("proc/meminfo");
        if (text == null) {
            return null;
        }
        return text.lines().filter(l -> l.startsWith("MemAvailable:")).findFirst()
                .map(l -> l.replaceAll("[^0-9]", "")).map(HealthProbe::whole).orElse(null);
    }

    /** Seconds since boot. */
    public Long uptimeSeconds() {
        String text = read("proc/uptime");
        Double seconds = text == null ? null : number(text.split("\\s+")[0]);
        return seconds == null ? null : seconds.longValue();
    }

    /** The SoC's temperature in °C ({@code thermal_zone0}, millidegrees). */
    public Double celsius() {
        String text = read("sys/class/thermal/thermal_zone0/temp");
        Double milli = text == null ? null : number(text.strip());
        return milli == null ? null : milli / 1000.0;
    }

    /** Whether systemd-timesyncd has synchronised the clock; null where it does not run. */
    public Boolean clockSynced() {
        if (Files.exists(root.resolve("run/systemd/timesync/synchronized"))) {
            return true;
        }
        return Files.isDirectory(root.resolve("run/systemd/timesync")) ? false : null;
    }

    /** Wireless signal level in dBm of the first interface in {@code /proc/net/wireless}; null without one. */
    public Integer signalDbm() {
        String text = read("proc/net/wireless");
        if (text == null) {
            return null;
        }
        return text.lines().skip(2).findFirst().map(l -> l.strip().split("\\s+")).filter(f -> f.length > 3)
                .map(f -> number(f[3].replace(".", ""))).map(Double::intValue).orElse(null);
    }

    /** Space left on the file system holding {@code dir}, in kB. */
    public Long freeDiskKb(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace() / 1024;
        } catch (IOException e) {
            return null;
        }
    }

    private String read(String relative) {
        try {
            return Files.readString(root.resolve(relative));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Long whole(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
