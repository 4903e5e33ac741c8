package org.rts.hub.units;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.Registry;

/**
 * The fleet's maintenance schedule: per active unit, its battery's history (equivalent full cycles, last full
 * charge, how long the last charge to full took, how fast it drains off mains now against when first measured)
 * and the checks that are due, the units with checks due first.
 */
public final class Maintenance {
    private Maintenance() {
    }

    /** One unit's battery history and checks due; times in minutes, drains in percent per hour. */
    public record Unit(String device, String station, String region, Double percent, double cycles,
                       Instant lastFull, Long lastChargeMinutes, Double lastChargeFrom, Double firstDrain,
                       Double lastDrain, boolean capacityFalling, List<String> due) {
    }

    /** {@code transmitted}: in a drill, the units with an accepted report (null: not a drill). */
    public static List<Unit> schedule(Election election, Registry registry, Map<String, BatteryLog> batteries,
                                      Set<String> transmitted, Instant now) {
        List<Unit> out = new ArrayList<>();
        for (Registry.Entry e : registry.devices()) {
            if (e.active()) {
                out.add(line(election, e, batteries, transmitted, now));
            }
        }
        out.sort(Comparator.comparing((Unit u) -> u.due().isEmpty()).thenComparing(Unit::region)
                .thenComparing(Unit::station).thenComparing(Unit::device));
        return out;
    }

    /** One unit's line of the schedule. */
    public static Unit line(Election election, Registry.Entry e, Map<String, BatteryLog> batteries,
                            Set<String> transmitted, Instant now) {
        BatteryLog log = batteries.getOrDefault(e.device(), BatteryLog.NONE);
        Boolean sent = transmitted == null ? null : transmitted.contains(e.device());
        return new Unit(e.device(), e.station(), election.station(e.station()).map(Station::region).orElse(""),
                log.percent(), round(log.cycles()), log.lastFull(), log.lastCharge() == null ? null
                : log.lastCharge().toMinutes(), log.lastChargeFrom(), round(log.firstDrain()), round(log.lastDrain()),
                log.capacityFalling(), due(log, sent, now));
    }

    /** The checks due for a unit with battery log {@code log} ({@code testSent} null: not a drill). */
    static List<String> due(BatteryLog log, Boolean testSent, Instant now) {
        List<String> due = new ArrayList<>();
        if (log.at() != null && (log.lastFull() == null
                || Duration.between(log.lastFull(), now).compareTo(Readiness.FULL_WITHIN) > 0)) {
            due.add("charge to full: " + (log.lastFull() == null ? "never seen full"
                    : "last full " + Duration.between(log.lastFull(), now).toDays() + " days ago"));
        }
        if (log.capacityFalling()) {
            due.add("replace the battery: it drains " + round(log.lastDrain()) + " %/h, " + round(log.firstDrain())
                    + " %/h when first measured");
        }
        if (Boolean.FALSE.equals(testSent)) {
            due.add("send the drill's test transmission");
        }
        return due;
    }

    private static Double round(Double value) {
        return value == null ? null : Math.round(value * 10) / 10.0;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
