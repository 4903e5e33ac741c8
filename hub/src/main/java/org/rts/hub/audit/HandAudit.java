package org.rts.hub.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.rts.hub.HubException;
import org.rts.hub.intake.AcceptedResult;
import org.rts.hub.store.AuditStore;
import org.rts.hub.store.ResultStore;
import org.rts.hub.units.Alerts;
import org.rts.protocol.audit.AuditRecord;
import org.rts.protocol.audit.AuditSelection;
import org.rts.protocol.audit.HandCount;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;

/**
 * The hand-count audit after the close: the administrator enters the seed announced in public (once; the selection
 * is never made again), the documented algorithm ({@link AuditSelection}, VERIFY.md) picks the stations, the audit
 * team enters each one's hand count, and each is compared with the accepted result: a difference of the threshold
 * or more puts the result under audit and opens an {@code AUDIT_DIFFERENCE} alert. Thread-safe.
 */
public final class HandAudit {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HandAudit.class);
    public static final double DEFAULT_THRESHOLD = 5.0;

    private final Election election;
    private final AuditStore store;
    private final ResultStore results;
    private final Clock clock;
    private final org.rts.protocol.jws.Es256Signer signer;
    private final List<String> upstreams;
    private List<AuditSelection.Pick> picks;

    public HandAudit(Election election, AuditStore store, ResultStore results, Clock clock) {
        this(election, store, results, clock, null, org.rts.hub.forward.Forwarding.NONE);
    }

    /**
     * {@code signer} (the hub's key) signs the notices {@link #publish} queues for the tally centres of
     * {@code forwarding} that take results.
     */
    public HandAudit(Election election, AuditStore store, ResultStore results, Clock clock,
                     org.rts.protocol.jws.Es256Signer signer, org.rts.hub.forward.Forwarding forwarding) {
        this.election = election;
        this.store = store;
        this.results = results;
        this.clock = clock;
        this.signer = signer;
        this.upstreams = forwarding.kinds().contains(org.rts.protocol.Topics.RESULT) ? forwarding.names()
                : List.of();
    }

    /**
     * Tells the tally centres where each compared result stands: a notice signed by the hub for each result that a
     * hand count put under audit, and again when a corrected count takes it out; none while nothing changed. On
     * the hub's scheduler: a result accepted after its hand count is seen at the next run.
     */
    public synchronized void publish() {
        if (signer == null || upstreams.isEmpty()) {
            return;
        }
        try {
            notices();
        } catch (RuntimeException e) {
            LOG.warn("the audit's notices to the tally centres not queued now: {}", e.getMessage());
        }
    }

    private void notices() {
        Optional<AuditStore.Selection> selection = store.selection(election.id());
        if (selection.isEmpty()) {
            return;
        }
        java.util.Map<String, Boolean> told = store.notices(election.id());
        for (Row row : picture().rows()) {
            if (row.comparison() == null) {
                continue;
            }
            boolean flagged = row.comparison().flagged();
            Boolean before = told.get(row.station() + "/" + row.race());
            if (before == null ? !flagged : before == flagged) {
                continue;
            }
            var notice = new org.rts.protocol.audit.AuditNotice(org.rts.protocol.audit.AuditNotice.VERSION,
                    election.id(), row.station(), row.race(), row.result().messageHash(), row.hand(),
                    row.comparison().difference(), row.comparison().percent(),
                    selection.get().thresholdPercent(), flagged, clock.instant());
            String jws;
            try {
                jws = signer.sign(org.rts.protocol.codec.Json.mapper().writeValueAsBytes(notice));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            store.notice(election.id(), row.station(), row.race(), flagged, jws, notice.at(), upstreams);
        }
    }

    /** One selected station's race: its hand count and result when entered, and where the audit stands. */
    public record Row(int rank, String station, String constituency, String race, HandCount hand,
                      AcceptedResult result, HandCount.Comparison comparison, String state) {
    }

    /** The audit as the room shows it (null selection: not made yet). */
    public record Picture(AuditStore.Selection selection, List<Row> rows) {
    }

    /** Makes the selection from the public {@code seed}; refused once one is made, or with wrong parameters. */
    public synchronized Picture select(String seed, int count, boolean perConstituency, double thresholdPercent,
                                       String user) {
        if (!(thresholdPercent > 0 && thresholdPercent <= 100)) {
            throw new HubException("the threshold is a percentage of the ballots in the box, above 0 and at most 100");
        }
        try {
            AuditSelection.select(election, seed, count, perConstituency);
        } catch (IllegalArgumentException e) {
            throw new HubException(e.getMessage());
        }
        if (!store.select(election.id(), new AuditStore.Selection(seed, count, perConstituency, thresholdPercent,
                user, clock.instant()))) {
            AuditStore.Selection made = store.selection(election.id()).orElseThrow();
            throw new HubException("the stations were selected at " + made.at() + " by " + made.user() + " from the"
                    + " seed announced then: a selection is made once");
        }
        return picture();
    }

    /** Keeps the audit team's hand count of a selected station's race. */
    public synchronized Picture enter(String station, String race, int inBox, int invalid, List<Integer> votes,
                                      String user) {
        List<AuditSelection.Pick> chosen = picks().orElseThrow(() -> new HubException("select the stations first"));
        if (chosen.stream().noneMatch(p -> p.station().equals(station))) {
            throw new HubException("station " + station + " is not among the stations selected for the audit");
        }
        Race r = election.ballot(station).stream().filter(x -> x.id().equals(race)).findFirst()
                .orElseThrow(() -> new HubException("race " + race + " is not on station " + station + "'s ballot"));
        if (votes.size() != r.candidates().size()) {
            throw new HubException("race " + race + " has " + r.candidates().size() + " candidates, the count gives "
                    + votes.size() + " figures");
        }
        try {
            store.count(election.id(), new HandCount(station, race, inBox, invalid, votes, user, clock.instant()));
        } catch (IllegalArgumentException e) {
            throw new HubException(e.getMessage());
        }
        return picture();
    }

    /** The stations selected, chosen once: the selection never changes once made (a nation's is 55,000 hashes). */
    private Optional<List<AuditSelection.Pick>> picks() {
        if (picks == null) {
            picks = store.selection(election.id()).map(s -> AuditSelection.select(election, s.seed(), s.count(),
                    s.perConstituency())).orElse(null);
        }
        return Optional.ofNullable(picks);
    }

    public synchronized Picture picture() {
        Optional<AuditStore.Selection> selection = store.selection(election.id());
        return selection.isEmpty() ? new Picture(null, List.of()) : new Picture(selection.get(), rows(election,
                selection.get(), picks().orElseThrow(), store.counts(election.id()),
                (station, race) -> results.result(election.id(), station, race)));
    }

    /** Each selected station's races: its hand count, the accepted result {@code result} gives, both compared. */
    static List<Row> rows(Election election, AuditStore.Selection selection, List<AuditSelection.Pick> picks,
                          List<HandCount> counts, BiFunction<String, String, Optional<AcceptedResult>> result) {
        List<Row> rows = new ArrayList<>();
        for (AuditSelection.Pick p : picks) {
            for (Race race : election.ballot(p.station())) {
                HandCount hand = counts.stream().filter(c -> c.station().equals(p.station())
                        && c.race().equals(race.id())).findFirst().orElse(null);
                AcceptedResult accepted = result.apply(p.station(), race.id()).orElse(null);
                HandCount.Comparison comparison = hand == null || accepted == null ? null
                        : hand.compare(accepted.inBox(), accepted.invalid(), accepted.votes(),
                        selection.thresholdPercent());
                String state = hand == null ? "awaiting hand count" : accepted == null ? "awaiting result"
                        : comparison.flagged() ? "UNDER AUDIT" : "matches";
                rows.add(new Row(p.rank(), p.station(), p.constituency(), race.id(), hand, accepted, comparison,
                        state));
            }
        }
        return rows;
    }

    /** The results under audit, as alerts. */
    public List<Alerts.Raised> raised() {
        List<Alerts.Raised> raised = new ArrayList<>();
        for (Row row : picture().rows()) {
            if (row.comparison() != null && row.comparison().flagged()) {
                raised.add(new Alerts.Raised(Alerts.Rule.AUDIT_DIFFERENCE, row.station() + "/" + row.race(),
                        row.station(), String.format("the hand count differs from the accepted result by %d ballots,"
                        + " %.1f %% of the %d in the box: the result is under audit", row.comparison().difference(),
                        row.comparison().percent(), row.result().inBox()), row.hand().at()));
            }
        }
        return raised;
    }

    /**
     * The audit as an export holds it, from the selection and counts {@code snapshot} read and the accepted results
     * in the same view; null when no selection was made.
     */
    public static AuditRecord record(Election election, AuditStore.Selection s, List<HandCount> counts,
                                     List<AcceptedResult> accepted) {
        if (s == null) {
            return null;
        }
        List<AuditSelection.Pick> picks = AuditSelection.select(election, s.seed(), s.count(), s.perConstituency());
        List<Row> rows = rows(election, s, picks, counts, (station, race) -> accepted.stream()
                .filter(r -> r.station().equals(station) && r.race().equals(race)).findFirst());
        List<AuditRecord.Counted> counted = rows.stream().filter(r -> r.hand() != null)
                .map(r -> new AuditRecord.Counted(r.hand(), r.comparison() == null ? null : r.comparison().difference(),
                        r.comparison() == null ? null : r.comparison().percent(),
                        r.comparison() == null ? null : r.comparison().flagged())).toList();
        return new AuditRecord(s.seed(), s.count(), s.perConstituency(), s.thresholdPercent(), s.user(), s.at(),
                picks.stream().map(AuditSelection.Pick::station).toList(), counted);
    }
}
