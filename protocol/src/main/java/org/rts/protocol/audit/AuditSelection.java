package org.rts.protocol.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Station;

/**
 * The stations a hand-count audit takes, chosen so that anyone can choose them again from the public seed (dice
 * rolled in public, say) and the signed ballot definition: a station's key is the SHA-256, in lowercase hex, of
 * the UTF-8 text {@code <election id> LF <seed> LF <station id>}; stations are taken in the order of their keys,
 * {@code count} in all, or {@code count} in each constituency. VERIFY.md gives the same in a few lines of Node.js.
 */
public final class AuditSelection {
    private AuditSelection() {
    }

    /** One station taken: its place in the order of keys among those taken, its constituency ("" for none). */
    public record Pick(int rank, String station, String constituency, String key) {
        /** The line both this code and the VERIFY.md recipe print: rank, station, constituency (or -), key. */
        public String line() {
            return rank + " " + station + " " + (constituency.isEmpty() ? "-" : constituency) + " " + key;
        }
    }

    public static List<Pick> select(Election election, String seed, int count, boolean perConstituency) {
        if (seed == null || seed.isEmpty() || seed.length() > 1000) {
            throw new IllegalArgumentException("the seed must be 1..1000 characters, as announced in public");
        }
        if (space(seed.charAt(0)) || space(seed.charAt(seed.length() - 1))) {
            throw new IllegalArgumentException("the seed starts or ends with a space: give it exactly as announced,"
                    + " without them (anyone redoing the choice must type the same text)");
        }
        if (count < 1 || count > election.stations().size()) {
            throw new IllegalArgumentException("count must be 1.." + election.stations().size() + " (the"
                    + " election's stations), found: " + count);
        }
        record Keyed(Station station, String key) {
        }
        List<Keyed> keyed = new ArrayList<>();
        for (Station s : election.stations()) {
            keyed.add(new Keyed(s, key(election.id(), seed, s.id())));
        }
        keyed.sort(Comparator.comparing(Keyed::key));
        Map<String, Integer> taken = new HashMap<>();
        List<Pick> picks = new ArrayList<>();
        for (Keyed k : keyed) {
            String constituency = k.station().constituency() == null ? "" : k.station().constituency();
            String group = perConstituency ? constituency : "";
            if (taken.getOrDefault(group, 0) < count) {
                taken.merge(group, 1, Integer::sum);
                picks.add(new Pick(picks.size() + 1, k.station().id(), constituency, k.key()));
            }
        }
        return List.copyOf(picks);
    }

    /** A space as JavaScript's {@code \\s} knows it, so the VERIFY.md script refuses the same seeds. */
    private static boolean space(char c) {
        return "\t\n\u000B\f\r \u00A0\u1680\u2028\u2029\u202F\u205F\u3000\uFEFF".indexOf(c) >= 0
                || c >= '\u2000' && c <= '\u200A';
    }

    static String key(String election, String seed, String station) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    (election + "\n" + seed + "\n" + station).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
