package org.rts.hub.units;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The readiness report the running hub writes by itself, for the commission's reporting to its IT directorate:
 * when it starts and every {@code every}, {@code readiness-<UTC time>.csv} and {@code .pdf} in {@code dir}, each
 * written beside its name and renamed into place once whole.
 */
public record ReportSchedule(Path dir, Duration every) {
    private static final Logger LOG = LoggerFactory.getLogger(ReportSchedule.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    public ReportSchedule {
        if (dir == null) {
            throw new IllegalArgumentException("a report schedule needs a folder");
        }
        if (every == null || every.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("reports are written at most once a minute, found: " + every);
        }
    }

    /** Writes the report of {@code lines} now; a failure is logged (a full disk) and leaves no partial file. */
    public void writeNow(String election, List<Readiness.Line> lines, Instant now) {
        writeNow(election, () -> lines, now);
    }

    /**
     * Writes the report of the lines {@code lines} gives now; any failure (the registry unreadable, a full disk) is
     * logged and leaves no partial file, and the next run is tried as scheduled.
     */
    public void writeNow(String election, java.util.function.Supplier<List<Readiness.Line>> readiness, Instant now) {
        String name = "readiness-" + STAMP.format(now);
        try {
            List<Readiness.Line> lines = readiness.get();
            Files.createDirectories(dir);
            write(dir.resolve(name + ".csv"), out -> out.write(Readiness.csv(lines).getBytes(StandardCharsets.UTF_8)));
            write(dir.resolve(name + ".pdf"), out -> ReadinessPdf.write(election, lines, now, out));
            LOG.info("readiness report written to {}/{}.csv and .pdf: {} of {} units ready", dir, name,
                    lines.stream().filter(Readiness.Line::ready).count(), lines.size());
        } catch (IOException | RuntimeException e) {
            LOG.error("readiness report not written to {}: {}", dir, e.getMessage());
        }
    }

    private interface Writer {
        void to(OutputStream out) throws IOException;
    }

    private static void write(Path file, Writer writer) throws IOException {
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try {
            try (OutputStream out = Files.newOutputStream(part)) {
                writer.to(out);
            }
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
