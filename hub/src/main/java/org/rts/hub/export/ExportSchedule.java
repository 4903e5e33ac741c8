package org.rts.hub.export;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Exports the running hub writes by itself: one every {@code every} and one when it stops, each in a new folder
 * {@code <dir>/<election>-<UTC time>}.
 */
public record ExportSchedule(Path dir, Duration every) {
    public ExportSchedule {
        if (dir == null) {
            throw new IllegalArgumentException("an export schedule needs a folder");
        }
        if (every == null || every.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("exports are written at most once a minute, found: " + every);
        }
    }
}
