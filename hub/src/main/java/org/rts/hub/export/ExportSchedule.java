package org.rts.hub.export;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.rts.hub.store.ExportSnapshot;
import org.rts.protocol.files.ElectionFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports the running hub writes by itself: one every {@code every} and one when it stops, each in a new folder
 * {@code <dir>/<election>-<UTC time>}.
 */
public record ExportSchedule(Path dir, Duration every) {
    private static final Logger LOG = LoggerFactory.getLogger(ExportSchedule.class);

    public ExportSchedule {
        if (dir == null) {
            throw new IllegalArgumentException("an export schedule needs a folder");
        }
        if (every == null || every.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("exports are written at most once a minute, found: " + every);
        }
    }

    /**
     * Writes an export now into a new folder, through a store connection of its own so that the intake goes on
     * meanwhile; a failed export is logged and leaves nothing behind.
     */
    public void writeNow(ElectionFiles election, String store, Clock clock) {
        String name = election.dir().getFileName() + "-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
                .withZone(ZoneOffset.UTC).format(clock.instant());
        try (ExportSnapshot reader = ExportSnapshot.open(store)) {
            Path out = dir.resolve(name);
            for (int i = 2; Files.exists(out); i++) {
                out = dir.resolve(name + "-" + i);
            }
            Exporter.Summary s = new Exporter(election, reader, clock).export(out);
            LOG.info("export written to {}: {} messages {}", s.dir(),
                    s.records(), s.counts());
        } catch (RuntimeException e) {
            LOG.error("scheduled export failed: {}", e.getMessage());
        }
    }
}
