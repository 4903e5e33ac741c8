package org.rts.agent.workflow;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rts.agent.AgentException;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Photo;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.reconciliation.Findings;
import org.rts.protocol.reconciliation.ReportChecks;

/**
 * The officer's workflow: turn a tally into a draft, show what the checks found, and on confirmation sign it and
 * commit it to the outbox. The checks are the hub's own ({@link ReportChecks}); a draft with errors cannot be
 * committed, nor one that is already waiting in the outbox. Also keeps the unit's chain whole: a restart after the
 * hub's head when the two went apart, and the pending messages signed again with a new certificate.
 */
public final class Workflow {
    private final Bundle bundle;
    private final Outbox outbox;
    private final Clock clock;
    private final Es256Signer signer;

    public Workflow(Bundle bundle, Outbox outbox, Clock clock) {
        this.bundle = bundle;
        this.outbox = outbox;
        this.clock = clock;
        this.signer = new Es256Signer(bundle.deviceKey(), bundle.deviceId(),
                Certificates.thumbprint(bundle.deviceCertificate()));
    }

    public Draft result(TallyForm form) {
        Election election = bundle.election();
        Race race = election.ballot(bundle.stationId()).stream().filter(r -> r.id().equals(form.race()))
                .findFirst().orElseThrow(() -> new AgentException("race '" + form.race() + "' is not on this"
                        + " station's ballot (" + Reason.RACE_NOT_ON_BALLOT + "); its races are "
                        + election.ballot(bundle.stationId()).stream().map(Race::id).toList()));
        List<Integer> votes = form.votesInBallotOrder(race);
        Instant closedAt = form.closedAt() != null ? form.closedAt() : clock.instant();
        Draft.Builder builder = (seq, prev) -> new ResultReport(Report.VERSION, election.id(), election.mode(),
                bundle.deviceId(), bundle.stationId(), seq, prev, race.id(), form.registered(), form.received(),
                form.unused(), form.spoiled(), form.inBox(), form.invalid(), votes, closedAt);
        ResultReport preview = (ResultReport) builder.build(1, "");
        Findings findings = ReportChecks.check(election, preview);
        List<String> review = new ArrayList<>();
        review.add("Station " + bundle.stationId() + "  race " + race.id() + " (" + race.name() + ")");
        review.add(String.format("Registered %d  received %d  unused %d  spoiled %d", form.registered(),
                form.received(), form.unused(), form.spoiled()));
        review.add(String.format("In box %d  invalid %d  valid %d", form.inBox(), form.invalid(),
                preview.validVotes()));
        for (int i = 0; i < votes.size(); i++) {
            review.add(String.format("  %-28s %7d", race.candidates().get(i).name(), votes.get(i)));
        }
        return new Draft(review, findings, preview, builder);
    }

    public Draft turnout(int voters, Instant at) {
        Election election = bundle.election();
        Instant when = at != null ? at : clock.instant();
        Draft.Builder builder = (seq, prev) -> new TurnoutReport(Report.VERSION, election.id(), election.mode(),
                bundle.deviceId(), bundle.stationId(), seq, prev, when, voters);
        TurnoutReport preview = (TurnoutReport) builder.build(1, "");
        Findings findings = ReportChecks.check(election, preview, outbox.lastTurnout(bundle.stationId()));
        List<String> review = List.of("Station " + bundle.stationId() + "  turnout at " + when,
                "Voters so far " + voters + " of " + election.station(bundle.stationId()).orElseThrow()
                        .registeredVoters());
        return new Draft(review, findings, preview, builder);
    }

    /** The highest turnout this unit reported for its station, if any. */
    public java.util.OptionalInt lastTurnout() {
        return outbox.lastTurnout(bundle.stationId());
    }

    /**
     * Signs the draft and commits it to the outbox. Refuses a draft whose checks found errors, and a report that
     * is already waiting: a result for the same race, or the same turnout figure, not yet answered by the hub.
     */
    public OutboxEntry commit(Draft draft) {
        return commit(draft, null);
    }

    /** As {@link #commit(Draft)}, a result bound to {@code photo} (kept on the unit already; null: none). */
    public OutboxEntry commit(Draft draft, Photo photo) {
        if (!draft.findings().ok()) {
            throw new AgentException("not transmitted, the form has errors:\n"
                    + ReportChecks.describe(draft.findings().errors()));
        }
        for (OutboxEntry waiting : outbox.pending()) {
            if (sameReport(waiting, draft.preview())) {
                throw new DuplicateReportException("not signed again: message " + waiting.seq() + " (" + waiting
                        .summary() + ", signed " + waiting.createdAt() + ") is already waiting for the hub's receipt."
                        + " It is sent again by itself; run 'device-agent send' to send it now");
            }
        }
        return outbox.append((seq, prev) -> {
            Report report = draft.builder().build(seq, prev);
            return sign(photo != null && report instanceof ResultReport r ? r.withPhoto(photo) : report);
        }, clock.instant());
    }

    private static boolean sameReport(OutboxEntry waiting, Report draft) {
        if (!waiting.kind().equals(draft.kind()) || !waiting.station().equals(draft.station())) {
            return false;
        }
        return switch (draft) {
            case ResultReport r -> waiting.summary().startsWith("result " + r.race() + " ");
            case TurnoutReport t -> waiting.summary().equals("turnout " + t.voters());
            case RestartReport s -> true;
        };
    }

    /**
     * Starts the chain again after the hub's head (as the hub gave it in a signed receipt): a restart message there,
     * then every pending message signed again after it. Returns each old hash with its new entry.
     */
    public Map<String, OutboxEntry> resync(ChainPosition hubHead) {
        RestartReport.Cause cause = outbox.pending().stream().anyMatch(e -> e.kind().equals("restart")
                && e.summary().contains(RestartReport.Cause.OUTBOX_LOST.name()))
                ? RestartReport.Cause.OUTBOX_LOST : RestartReport.Cause.CHAIN_DIVERGED;
        long localSeq = cause == RestartReport.Cause.OUTBOX_LOST ? 0 : outbox.head().seq();
        return outbox.restart(hubHead, (seq, prev) -> sign(restart(seq, prev, cause, localSeq)),
                this::resign, clock.instant());
    }

    /** After the outbox was lost: the first message of the new outbox says so (the hub flags it for review). */
    public OutboxEntry restartAfterLoss() {
        return outbox.append((seq, prev) -> sign(restart(seq, prev, RestartReport.Cause.OUTBOX_LOST, 0)),
                clock.instant());
    }

    /** Signs the pending messages again where they stand, with this bundle's certificate. */
    public int resignPending(String why) {
        return outbox.resignPending(this::resign, why, clock.instant());
    }

    private RestartReport restart(long seq, String prev, RestartReport.Cause cause, long localSeq) {
        Election election = bundle.election();
        return new RestartReport(Report.VERSION, election.id(), election.mode(), bundle.deviceId(),
                bundle.stationId(), seq, prev, clock.instant(), cause, localSeq);
    }

    private Outbox.Signed resign(OutboxEntry entry, long seq, String prev) {
        Report report = MessageCodec.decodeReport(Jws.parse(entry.jws().getBytes(StandardCharsets.US_ASCII))
                .payload());
        return sign(report.withPosition(seq, prev));
    }

    /**
     * Signs a message that stays outside the chain (telemetry, presence) with the unit's key: the compact JWS
     * bytes to publish.
     */
    public byte[] signUnchained(Object message) {
        return signer.sign(MessageCodec.encode(message)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private Outbox.Signed sign(Report report) {
        String jws = signer.sign(MessageCodec.encode(report));
        return switch (report) {
            case ResultReport r -> new Outbox.Signed(r.kind(), r.station(), jws, "result " + r.race() + " "
                    + r.figures(), null);
            case TurnoutReport t -> new Outbox.Signed(t.kind(), t.station(), jws, "turnout " + t.voters(),
                    t.voters());
            case RestartReport s -> new Outbox.Signed(s.kind(), s.station(), jws, "chain restart after seq "
                    + (s.seq() - 1) + " (" + s.cause() + ")", null);
        };
    }
}
