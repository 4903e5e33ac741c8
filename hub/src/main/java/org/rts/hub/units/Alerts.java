package org.rts.hub.units;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Station;

/**
 * The operations room's alerts, from the units' health and the stations' results. A condition must hold for its
 * rule's duration before the alert opens, so a flicker pages no one; the alert stays open while the condition holds
 * and closes when it clears; opened and closed alerts are the history. A unit reconnecting many times is one
 * FLAPPING alert, not one per connection. Thread-safe.
 */
public final class Alerts {
    /** What an alert is about. */
    public enum Rule {
        /** Battery under the threshold and not charging. */
        BATTERY_LOW,
        /** Offline, lost or silent. */
        UNIT_DOWN,
        /** Clock not synchronised, or its reports' time far from the hub's. */
        CLOCK,
        /** Messages still waiting in the unit's outbox after the polls closed. */
        OUTBOX_AFTER_CLOSE,
        /** The unit's case is open. */
        TAMPER,
        /** Connecting again and again. */
        FLAPPING,
        /** No accepted result from a station within the legal window after the close. */
        NO_RESULT,
        /**
         * The CRL in force lapses within {@link #CRL_WARNING} (subject {@value #CRL_SUBJECT}) or has lapsed
         * (subject {@value #CRL_LAPSED}): the broker then refuses every unit and the hub.
         */
        CRL_EXPIRING,
        /**
         * The store's database (several servers in its URL) has no synchronous standby: a receipt given now rests
         * on one machine's disk (subject: the server written to). The operator decides whether to go on.
         */
        STORE_UNREPLICATED,
        /** A tally centre refuses the hub's forwarded messages (subject: the upstream's name). */
        FORWARD_REFUSED,
        /**
         * A unit sent more signed messages rejected on content than the store keeps whole: beyond the bound only
         * their hashes, sizes and decisions are kept. A genuine unit never gets there: its key may be stolen.
         */
        STORAGE_BOUND,
        /** A hand count of a station selected for the audit differs from its accepted result by the threshold. */
        AUDIT_DIFFERENCE
    }

    /**
     * A condition another feature of the hub sees holding now, since {@code since}; its alert opens at once.
     * {@code station} may be null.
     */
    public record Raised(Rule rule, String subject, String station, String detail, Instant since) {
        /** The tally centre {@code upstream} refuses the hub's messages since {@code since}, lately {@code answer}. */
        public static Raised forwardRefused(String upstream, String answer, Instant since, Instant until) {
            return new Raised(Rule.FORWARD_REFUSED, upstream, null, "the tally centre refuses the hub's messages since "
                    + since + ": " + answer + "; they are tried again until " + until + ", then each one it refuses"
                    + " is marked refused ('hub forward-requeue --upstream " + upstream + "' queues them again)",
                    since);
        }

        /** The store's database {@code server} has had no synchronous standby since {@code since}. */
        public static Raised storeUnreplicated(String server, Instant since) {
            return new Raised(Rule.STORE_UNREPLICATED, server, null, "the hubs' database " + server + " has no"
                    + " synchronous standby since " + since + ": a receipt given now rests on this one machine's disk"
                    + " until a standby is back (Patroni's 'patronictl list' shows the members); decide whether to go"
                    + " on", since);
        }

        /**
         * Unit {@code device} of {@code station} passed the bound on its rejected messages' bodies at {@code since}:
         * {@code kept} kept whole ({@code keptBytes}), {@code withheld} kept as hash, size and decision only.
         */
        public static Raised storageBound(String device, String station, long kept, long keptBytes, long withheld,
                                          long withheldBytes, Instant since) {
            return new Raised(Rule.STORAGE_BOUND, device, station, "signed messages rejected on content beyond the"
                    + " store's bound since " + since + ": " + kept + " kept whole (" + keptBytes + " bytes), "
                    + withheld + " kept as hash, size and decision only (" + withheldBytes + " bytes withheld), so"
                    + " far; a genuine unit sends a handful: check the unit and revoke its certificate if it is not"
                    + " in the presiding officer's hands", since);
        }
    }

    /** How long before the CRL's next update the CRL_EXPIRING alert opens. */
    public static final Duration CRL_WARNING = Duration.ofDays(7);
    public static final String CRL_SUBJECT = "crl";
    public static final String CRL_LAPSED = "crl-lapsed";

    /**
     * Thresholds and how long each condition must hold before its alert opens.
     *
     * @param batteryPercent   below this, on battery (default 20)
     * @param batteryFor       (default 2 min)
     * @param downFor          offline, lost or silent for (default 5 min)
     * @param clockOffset      largest tolerated gap between a unit's clock and the hub's (default 2 min)
     * @param clockFor         (default 10 min)
     * @param outboxFor        after the close (default 15 min)
     * @param flappingConnects connections within {@code flappingWindow} that make a unit flap (default 5 in 10 min)
     * @param flappingWindow   (default 10 min)
     * @param resultWindow     after the close, the legal window for a station's result (default 6 h, as Iraq's)
     * @param silentAfter      an online unit heard from no longer than this is silent (default 3 min)
     * @param escalateAfter    an open alert no one acknowledged for this long escalates (default 15 min)
     * @param historyStep      a unit's history keeps one point of its telemetry per this long (default 5 min:
     *                         at most 288 points a unit a day)
     */
    public record Settings(double batteryPercent, Duration batteryFor, Duration downFor, Duration clockOffset,
                           Duration clockFor, Duration outboxFor, int flappingConnects, Duration flappingWindow,
                           Duration resultWindow, Duration silentAfter, Duration escalateAfter,
                           Duration historyStep) {
        public static final Settings DEFAULT = new Settings(20, Duration.ofMinutes(2), Duration.ofMinutes(5),
                Duration.ofMinutes(2), Duration.ofMinutes(10), Duration.ofMinutes(15), 5, Duration.ofMinutes(10),
                Duration.ofHours(6), Duration.ofMinutes(3), Duration.ofMinutes(15), Duration.ofMinutes(5));

        public Settings {
            for (Duration d : new Duration[] {batteryFor, downFor, clockOffset, clockFor, outboxFor, flappingWindow,
                resultWindow, silentAfter, escalateAfter, historyStep}) {
                if (d == null || d.isNegative()) {
                    throw new IllegalArgumentException("alert durations must be given and not negative, found: " + d);
                }
            }
        }

        /** The same, every duration given in seconds as {@code name=seconds} pairs (a drill, a test). */
        public Settings with(java.util.Map<String, Long> seconds) {
            java.util.Set<String> known = java.util.Set.of("batteryFor", "downFor", "clockOffset", "clockFor",
                    "outboxFor", "flappingWindow", "resultWindow", "silentAfter", "escalateAfter", "historyStep");
            seconds.keySet().stream().filter(k -> !known.contains(k)).findFirst().ifPresent(k -> {
                throw new IllegalArgumentException("no alert time is called '" + k + "': one of "
                        + new java.util.TreeSet<>(known));
            });
            java.util.function.BiFunction<String, Duration, Duration> d = (k, v) -> seconds.containsKey(k)
                    ? Duration.ofSeconds(seconds.get(k)) : v;
            return new Settings(batteryPercent, d.apply("batteryFor", batteryFor), d.apply("downFor", downFor),
                    d.apply("clockOffset", clockOffset), d.apply("clockFor", clockFor), d.apply("outboxFor", outboxFor),
                    flappingConnects, d.apply("flappingWindow", flappingWindow), d.apply("resultWindow", resultWindow),
                    d.apply("silentAfter", silentAfter), d.apply("escalateAfter", escalateAfter),
                    d.apply("historyStep", historyStep));
        }
    }

    /** How many of {@code alerts} each rule has, every rule named. */
    public static Map<String, Integer> countByRule(List<Alert> alerts) {
        Map<String, Integer> count = new LinkedHashMap<>();
        for (Rule r : Rule.values()) {
            count.put(r.name(), 0);
        }
        alerts.forEach(a -> count.merge(a.rule().name(), 1, Integer::sum));
        return count;
    }

    /** An alert, open ({@code closed} null) or in the history. */
    public record Alert(Rule rule, String subject, String station, String detail, Instant since, Instant opened,
                        Instant closed) {
        public boolean open() {
            return closed == null;
        }

        /** How long it has been open at {@code now}. */
        public Duration age(Instant now) {
            return Duration.between(opened, closed != null ? closed : now);
        }
    }

    /** A condition seen holding now, for the subject (a unit, or a station for NO_RESULT). */
    private record Condition(Rule rule, String subject, String station, String detail) {
        String key() {
            return rule + "/" + subject;
        }
    }

    private final Election election;
    private final Settings settings;
    /** Conditions holding, by key, since when. */
    private final Map<String, Instant> holding = new LinkedHashMap<>();
    private final Map<String, Alert> open = new LinkedHashMap<>();
    private final List<Alert> history = new ArrayList<>();

    public Alerts(Election election, Settings settings) {
        this.election = election;
        this.settings = settings;
    }

    /**
     * Looks at everything now; returns the alerts that opened or closed (to store and to log). {@code reported}
     * gives the stations with an accepted result for every race of their ballot; it is asked only once the legal
     * window after the close has passed, so the store is not read every time for nothing. {@code crlNextUpdate} is
     * the next update of the CRL in force (null: it names none, so it never lapses).
     */
    public synchronized List<Alert> evaluate(Instant now, Collection<UnitRegistry.UnitStatus> units,
                                             UnitRegistry registry, Supplier<Set<String>> reported,
                                             Instant crlNextUpdate) {
        return evaluate(now, units, registry, reported, crlNextUpdate, List.of());
    }

    /** The same, with the conditions the hub's other features {@code raised}. */
    public synchronized List<Alert> evaluate(Instant now, Collection<UnitRegistry.UnitStatus> units,
                                             UnitRegistry registry, Supplier<Set<String>> reported,
                                             Instant crlNextUpdate, Collection<Raised> raised) {
        Map<String, Condition> now_ = new LinkedHashMap<>();
        Map<String, Instant> raisedSince = new LinkedHashMap<>();
        for (Raised r : raised) {
            Condition c = new Condition(r.rule(), r.subject(), r.station(), r.detail());
            now_.put(c.key(), c);
            raisedSince.put(c.key(), r.since());
        }
        if (crlNextUpdate != null && !now.plus(CRL_WARNING).isBefore(crlNextUpdate)) {
            boolean lapsed = !now.isBefore(crlNextUpdate);
            Condition c = new Condition(Rule.CRL_EXPIRING, lapsed ? CRL_LAPSED : CRL_SUBJECT, null, !lapsed
                    ? "the CRL lapses at " + crlNextUpdate + ", in " + Duration.between(now, crlNextUpdate).toHours()
                            + " h: then the broker refuses every unit and the hub; run 'provisioning renew-crl'"
                            + " and copy crl.pem to the broker (restart it) and to the hub"
                    : "the CRL lapsed at " + crlNextUpdate + ": the broker refuses every unit and the hub; run"
                            + " 'provisioning renew-crl' and copy crl.pem to the broker (restart it) and to the hub");
            now_.put(c.key(), c);
        }
        Instant closes = election.polling().closes();
        for (UnitRegistry.UnitStatus u : units) {
            conditions(u, now, closes, registry).forEach(c -> now_.put(c.key(), c));
        }
        if (closes != null && !now.isBefore(closes.plus(settings.resultWindow()))) {
            Set<String> withResult = reported.get();
            for (Station s : election.stations()) {
                if (!withResult.contains(s.id())) {
                    Condition c = new Condition(Rule.NO_RESULT, s.id(), s.id(), "a race of its ballot has no"
                            + " accepted result " + settings.resultWindow().toHours() + " h after the close");
                    now_.put(c.key(), c);
                }
            }
        }
        List<Alert> changed = new ArrayList<>();
        for (var e : now_.entrySet()) {
            Condition c = e.getValue();
            Instant since = holding.computeIfAbsent(e.getKey(), k -> raisedSince.getOrDefault(k, now));
            if (!open.containsKey(e.getKey()) && !now.isBefore(since.plus(duration(c.rule())))) {
                Alert a = new Alert(c.rule(), c.subject(), c.station(), c.detail(), since, now, null);
                open.put(e.getKey(), a);
                changed.add(a);
            }
        }
        for (String key : List.copyOf(holding.keySet())) {
            if (!now_.containsKey(key)) {
                holding.remove(key);
                Alert a = open.remove(key);
                if (a != null) {
                    Alert closed = new Alert(a.rule(), a.subject(), a.station(), a.detail(), a.since(), a.opened(),
                            now);
                    history.add(closed);
                    changed.add(closed);
                }
            }
        }
        return changed;
    }

    private List<Condition> conditions(UnitRegistry.UnitStatus u, Instant now, Instant closes,
                                       UnitRegistry registry) {
        List<Condition> list = new ArrayList<>();
        String d = u.device();
        if (u.state() != UnitRegistry.State.ONLINE) {
            list.add(new Condition(Rule.UNIT_DOWN, d, u.station(), u.state().name().toLowerCase()
                    + " since " + u.lastSeen()));
        }
        var t = u.telemetry();
        if (t != null) {
            if (t.battery() != null && t.battery() < settings.batteryPercent() && !Boolean.TRUE.equals(t.charging())
                    && !Boolean.TRUE.equals(t.mains())) {
                list.add(new Condition(Rule.BATTERY_LOW, d, u.station(), "battery " + Math.round(t.battery())
                        + " %, not charging"));
            }
            Duration offset = Duration.ofSeconds(u.clockOffsetSeconds() == null ? 0 : Math.abs(u.clockOffsetSeconds()));
            if (Boolean.FALSE.equals(t.clockSynced()) || offset.compareTo(settings.clockOffset()) > 0) {
                list.add(new Condition(Rule.CLOCK, d, u.station(), Boolean.FALSE.equals(t.clockSynced())
                        ? "clock not synchronised" : "clock off by " + offset.toSeconds() + " s"));
            }
            if (t.tamper()) {
                list.add(new Condition(Rule.TAMPER, d, u.station(), "case open"));
            }
            if (closes != null && !now.isBefore(closes) && t.pending() > 0) {
                list.add(new Condition(Rule.OUTBOX_AFTER_CLOSE, d, u.station(), t.pending()
                        + " messages still waiting after the close"));
            }
        }
        int connects = registry.connectsWithin(d, settings.flappingWindow(), now);
        if (connects >= settings.flappingConnects()) {
            list.add(new Condition(Rule.FLAPPING, d, u.station(), connects + " connections in "
                    + settings.flappingWindow().toMinutes() + " min"));
        }
        return list;
    }

    private Duration duration(Rule rule) {
        return switch (rule) {
            case BATTERY_LOW -> settings.batteryFor();
            case UNIT_DOWN -> settings.downFor();
            case CLOCK -> settings.clockFor();
            case OUTBOX_AFTER_CLOSE -> settings.outboxFor();
            case TAMPER, FLAPPING, NO_RESULT, CRL_EXPIRING, FORWARD_REFUSED, STORAGE_BOUND, STORE_UNREPLICATED,
                 AUDIT_DIFFERENCE -> Duration.ZERO;
        };
    }

    /** Takes back the alerts the store holds open, at start: they close when their condition no longer holds. */
    public synchronized void restore(Collection<Alert> stillOpen) {
        for (Alert a : stillOpen) {
            String key = a.rule() + "/" + a.subject();
            holding.put(key, a.since());
            open.put(key, a);
        }
    }

    public synchronized List<Alert> open() {
        return List.copyOf(open.values());
    }

    /** Alerts opened and closed since the hub started (the store keeps them all). */
    public synchronized List<Alert> history() {
        return List.copyOf(history);
    }
}
