package org.rts.provisioning.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.rts.protocol.audit.AuditRecord;
import org.rts.protocol.audit.AuditSelection;
import org.rts.protocol.audit.HandCount;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.election.Election;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.message.ResultReport;

/**
 * The hand-count audit in an export ({@code audit.json}): the stations are chosen again from its public seed and
 * the signed ballot definition, and each hand count is compared again with the accepted result the export's
 * messages give, with the code the hub uses; a station, a difference or a flag that does not follow is a problem.
 */
final class AuditCheck {
    private AuditCheck() {
    }

    static void check(ExportFiles f, Election election, Recount recount, Consumer<String> checked,
                      Consumer<String> problem) throws IOException {
        if (!Files.exists(f.audit())) {
            checked.accept("no hand-count audit in the export (no selection was made)");
            return;
        }
        AuditRecord audit;
        try {
            audit = JsonFiles.read(f.audit(), AuditRecord.class, "hand-count audit");
        } catch (org.rts.protocol.ProtocolException e) {
            problem.accept("audit.json: " + e.getMessage());
            return;
        }
        if (audit.counts() == null || audit.stations() == null || audit.counts().stream().anyMatch(c -> c == null
                || c.count() == null || c.count().station() == null || c.count().race() == null)) {
            problem.accept("audit.json: a field is missing (stations, counts, or a count's station or race)");
            return;
        }
        List<String> chosen;
        try {
            chosen = AuditSelection.select(election, audit.seed(), audit.count(), audit.perConstituency()).stream()
                    .map(AuditSelection.Pick::station).toList();
        } catch (IllegalArgumentException e) {
            problem.accept("audit.json: its selection cannot be made again: " + e.getMessage());
            return;
        }
        if (!chosen.equals(audit.stations())) {
            problem.accept("audit.json: the seed '" + audit.seed() + "' gives the stations " + chosen + ", the export"
                    + " says " + audit.stations());
        }
        int flagged = 0;
        for (AuditRecord.Counted c : audit.counts()) {
            HandCount hand = c.count();
            String at = "audit.json: station " + hand.station() + " race " + hand.race();
            if (!chosen.contains(hand.station())) {
                problem.accept(at + ": a hand count of a station the seed does not select");
                continue;
            }
            ResultReport result = recount.result(hand.station(), hand.race());
            HandCount.Comparison redone;
            try {
                redone = result == null ? null : hand.compare(result.inBox(), result.invalid(), result.votes(),
                        audit.thresholdPercent());
            } catch (IllegalArgumentException e) {
                problem.accept(at + ": " + e.getMessage());
                continue;
            }
            if (!Objects.equals(redone == null ? null : redone.difference(), c.difference())
                    || !Objects.equals(redone == null ? null : redone.flagged(), c.flagged())) {
                problem.accept(at + ": compared with the accepted result, the difference is " + (redone == null
                        ? "not computable (no accepted result)" : redone.difference() + (redone.flagged()
                        ? " (under audit)" : "")) + "; the export says " + c.difference()
                        + (Boolean.TRUE.equals(c.flagged()) ? " (under audit)" : ""));
            }
            if (redone != null && redone.flagged()) {
                flagged++;
                recount.underAudit(hand.station(), hand.race());
                checked.accept("under audit: station " + hand.station() + " race " + hand.race() + ", the hand count"
                        + " differs by " + redone.difference() + " ballots from the accepted result");
            }
        }
        checked.accept("hand-count audit: " + chosen.size() + " stations chosen again from the public seed '"
                + audit.seed() + "' (" + audit.count() + (audit.perConstituency() ? " per constituency" : "")
                + "); " + audit.counts().size() + " hand counts compared again with the accepted results, " + flagged
                + " differing by " + audit.thresholdPercent() + " % of the ballots in the box or more");
    }
}
