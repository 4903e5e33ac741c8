package org.rts.provisioning.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.files.Registry;

/**
 * Which units an export speaks for: every unit the signed registry enrolled, not only those the hub's tables list.
 * Each unit's chain as walked from the messages must end where the manifest says; a unit with no message is listed,
 * which is no problem by itself (a unit whose chained messages were removed leaves leaves in the receipt log that
 * answer no record, see {@link ExportLogs#accountFor}).
 */
final class Coverage {
    private Coverage() {
    }

    /** A unit's chain as walked so far. */
    record Head(long seq, String hash) {
    }

    /** Checks the walked chains against the manifest and the registry; returns what was checked, for the report. */
    static List<String> units(ExportManifest manifest, Map<String, Head> heads, Registry registry,
                              Consumer<String> problem) {
        Map<String, Head> claimed = new TreeMap<>();
        for (ExportManifest.Unit u : manifest.units()) {
            if (u.lastSeq() > 0) {
                claimed.put(u.device(), new Head(u.lastSeq(), u.lastHash()));
            }
        }
        int matched = 0;
        for (var e : claimed.entrySet()) {
            Head walked = heads.get(e.getKey());
            if (!e.getValue().equals(walked)) {
                problem.accept("unit " + e.getKey() + ": the manifest's last message is seq " + e.getValue().seq()
                        + " (" + e.getValue().hash() + "), the messages end at " + (walked == null ? "nothing"
                        : "seq " + walked.seq() + " (" + walked.hash() + ")") + ": its last messages were dropped");
            } else {
                matched++;
            }
        }
        heads.keySet().stream().filter(d -> !claimed.containsKey(d)).forEach(d -> problem.accept("unit " + d
                + " has chained messages the manifest does not list"));
        Set<String> enrolled = new TreeSet<>();
        registry.devices().forEach(e -> enrolled.add(e.device()));
        List<String> silent = enrolled.stream().filter(d -> !heads.containsKey(d)).toList();
        List<String> lines = new ArrayList<>();
        lines.add(matched + " units' last messages are the ones the manifest names");
        lines.add(enrolled.size() + " units enrolled in the signed registry: " + (enrolled.size() - silent.size())
                + " with chained messages in the export, " + silent.size() + " with none"
                + (silent.isEmpty() ? "" : " (" + String.join(", ", silent) + ")"));
        return lines;
    }
}
