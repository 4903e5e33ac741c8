package org.rts.protocol.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.rts.protocol.message.Mode;

/**
 * What the hub commits to when it signs an export ({@code manifest.json.sig}, a JWS with detached payload made
 * with the hub's receipt key): the SHA-256 of every other file, the records by status, each unit's last chained
 * message (so that dropping it is seen), and the tally.
 */
public record ExportManifest(String format, String election, Mode mode, Instant exportedAt, String hub,
                             List<FileEntry> files, Map<String, Long> counts, List<Unit> units, Tally tally,
                             @com.fasterxml.jackson.annotation.JsonInclude(
                                     com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                             Map<String, Long> paths) {
    public ExportManifest(String format, String election, Mode mode, Instant exportedAt, String hub,
                          List<FileEntry> files, Map<String, Long> counts, List<Unit> units, Tally tally) {
        this(format, election, mode, exportedAt, hub, files, counts, units, tally, null);
    }

    public ExportManifest {
        paths = sorted(paths == null ? Map.of() : paths);
        files = files == null ? List.of() : List.copyOf(files);
        counts = sorted(counts == null ? Map.of() : counts);
        units = units == null ? List.of() : List.copyOf(units);
    }

    /** Maps are kept in key order, so the manifest is written the same way every time. */
    static <V> Map<String, V> sorted(Map<String, V> map) {
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }

    /** A file of the export by its path inside it ({@code /} separated), size and base64url SHA-256. */
    public record FileEntry(String path, long bytes, String sha256) {
    }

    /**
     * A unit's last chained message; {@code dropped} counts its unauthenticated messages the hub counted but did
     * not keep (beyond its per-unit storage bound).
     */
    public record Unit(String device, long lastSeq, String lastHash, long dropped) {
    }

    /**
     * Accepted figures: each station's highest accepted turnout, and per race the stations whose first accepted
     * result is counted, with totals of ballots in the box, invalid ballots and votes by candidate id.
     */
    public record Tally(Map<String, Integer> turnout, Map<String, RaceTally> races) {
        public Tally {
            turnout = sorted(turnout);
            races = sorted(races);
        }
    }

    /**
     * A race's totals; {@code constituencies} and {@code regions} (not written when empty) hold its subtotal in each
     * area where the race is voted in more than one (a national race of a definition with constituencies);
     * {@code underAudit} (not written when empty) the stations whose counted result a hand count contradicts.
     */
    public record RaceTally(List<String> stations, long inBox, long invalid, Map<String, Long> votes,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Subtotal> constituencies,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Subtotal> regions,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> underAudit) {
        public RaceTally(List<String> stations, long inBox, long invalid, Map<String, Long> votes) {
            this(stations, inBox, invalid, votes, null, null, null);
        }

        public RaceTally {
            stations = List.copyOf(stations);
            votes = sorted(votes);
            constituencies = sorted(constituencies == null ? Map.of() : constituencies);
            regions = sorted(regions == null ? Map.of() : regions);
            underAudit = underAudit == null ? List.of() : List.copyOf(underAudit);
        }
    }

    /** A race's figures in one constituency or region. */
    public record Subtotal(int stations, long inBox, long invalid, Map<String, Long> votes) {
        public Subtotal {
            votes = sorted(votes);
        }
    }
}
