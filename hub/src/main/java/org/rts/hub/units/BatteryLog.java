package org.rts.hub.units;

import java.time.Duration;
import java.time.Instant;

/**
 * What a unit's telemetry told of its battery over its life, kept one small record per unit rather than every
 * point: how much it has drained (a full cycle is 100 % drained), when it last reached full, how long its last
 * charge to full took, and how fast it drains off mains, first seen and lately. A battery that loses capacity
 * drains the same load faster: {@link #capacityFalling()} when the latest discharge runs {@link #FALLING} times
 * faster than the first one measured.
 *
 * @param drained       percent points drained off mains, all told
 * @param lastFull      last time the charge was at least {@link #FULL} %
 * @param chargeSince   start of the charge under way (null: not charging)
 * @param chargeFrom    the percent it started from
 * @param lastCharge    how long the last charge that reached full took (null: none seen)
 * @param lastChargeFrom the percent that charge started from
 * @param drainSince    start of the discharge under way (null: on mains)
 * @param drainFrom     the percent it started from
 * @param firstDrain    percent per hour of the first discharge measured (at least {@link #MEASURED} long)
 * @param lastDrain     percent per hour of the latest such discharge
 * @param at            the latest telemetry taken
 * @param percent       its charge
 */
public record BatteryLog(double drained, Instant lastFull, Instant chargeSince, Double chargeFrom,
                         Duration lastCharge, Double lastChargeFrom, Instant drainSince, Double drainFrom,
                         Double firstDrain, Double lastDrain, Instant at, Double percent) {
    public static final BatteryLog NONE = new BatteryLog(0, null, null, null, null, null, null, null, null, null,
            null, null);
    static final double FULL = 98;
    static final double FALLING = 1.3;
    /** A discharge counts towards the drain rate when it lasted this long and dropped at least 5 points. */
    static final Duration MEASURED = Duration.ofHours(1);

    /** The log after one more telemetry; unchanged when it carries no charge or is older than the last. */
    public BatteryLog next(Instant when, Double charge, Boolean mains, Boolean charging) {
        if (charge == null || charge < 0 || charge > 100 || (at != null && !when.isAfter(at))) {
            return this;
        }
        boolean powered = Boolean.TRUE.equals(mains) || Boolean.TRUE.equals(charging);
        double sum = drained + (percent != null && !powered && charge < percent ? percent - charge : 0);
        Instant full = charge >= FULL ? when : lastFull;
        if (powered) {
            Double[] rates = endDrain();
            if (charge >= FULL) {
                boolean finished = chargeSince != null;
                return new BatteryLog(sum, full, null, null, finished ? Duration.between(chargeSince, when)
                        : lastCharge, finished ? chargeFrom : lastChargeFrom, null, null, rates[0], rates[1], when,
                        charge);
            }
            return new BatteryLog(sum, full, chargeSince != null ? chargeSince : when, chargeSince != null
                    ? chargeFrom : charge, lastCharge, lastChargeFrom, null, null, rates[0], rates[1], when, charge);
        }
        return new BatteryLog(sum, full, null, null, lastCharge, lastChargeFrom, drainSince != null ? drainSince : when,
                drainSince != null ? drainFrom : charge, firstDrain, lastDrain, when, charge);
    }

    /** The drain rates once the discharge under way ends (at the last telemetry): first and latest, %/h. */
    private Double[] endDrain() {
        if (drainSince == null || percent == null) {
            return new Double[] {firstDrain, lastDrain};
        }
        Duration lasted = Duration.between(drainSince, at);
        double dropped = drainFrom - percent;
        if (lasted.compareTo(MEASURED) < 0 || dropped < 5) {
            return new Double[] {firstDrain, lastDrain};
        }
        double rate = dropped * 3_600_000.0 / lasted.toMillis();
        return new Double[] {firstDrain != null ? firstDrain : rate, rate};
    }

    /** As stored. */
    public String json() {
        try {
            return org.rts.protocol.codec.Json.mapper().writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** From {@link #json()}; an unreadable log starts again empty (it is a summary, not evidence). */
    public static BatteryLog parse(String json) {
        try {
            return org.rts.protocol.codec.Json.mapper().readValue(json, BatteryLog.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return NONE;
        }
    }

    /** Equivalent full cycles: percent drained over 100. */
    public double cycles() {
        return drained / 100;
    }

    /** Whether the battery drains markedly faster than when first measured: it is losing capacity. */
    public boolean capacityFalling() {
        return firstDrain != null && lastDrain != null && lastDrain >= FALLING * firstDrain;
    }
}
