package org.rts.agent.workflow;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.rts.agent.AgentException;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.reconciliation.Findings;
import org.rts.protocol.reconciliation.ReportChecks;

/**
 * The officer's workflow: turn a tally into a draft, show what the checks found, and on confirmation sign it and
 * commit it to the outbox. The checks are the hub's own ({@link ReportChecks}); a draft with errors cannot be
 * committed.
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
        Race race = election.race(form.race()).orElseThrow(() -> new AgentException("race '" + form.race()
                + "' is not in the ballot definition; races are "
                + election.races().stream().map(Race::id).toList()));
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
        return new Draft(review, findings, builder);
    }

    public Draft turnout(int voters, Instant at) {
        Election election = bundle.election();
        Instant when = at != null ? at : clock.instant();
        Draft.Builder builder = (seq, prev) -> new TurnoutReport(Report.VERSION, election.id(), election.mode(),
                bundle.deviceId(), bundle.stationId(), seq, prev, when, voters);
        Findings findings = ReportChecks.check(election, (TurnoutReport) builder.build(1, ""), outbox.lastTurnout());
        List<String> review = List.of("Station " + bundle.stationId() + "  turnout at " + when,
                "Voters so far " + voters + " of " + election.station(bundle.stationId()).orElseThrow()
                        .registeredVoters());
        return new Draft(review, findings, builder);
    }

    /** Signs the draft and commits it to the outbox; refuses a draft whose checks found errors. */
    public OutboxEntry commit(Draft draft) {
        if (!draft.findings().ok()) {
            throw new AgentException("not transmitted, the form has errors:\n"
                    + ReportChecks.describe(draft.findings().errors()));
        }
        return outbox.append((seq, prev) -> {
            Report report = draft.builder().build(seq, prev);
            String jws = signer.sign(MessageCodec.encode(report));
            String summary = report instanceof ResultReport r ? "result " + r.race() + " " + r.figures()
                    : "turnout " + ((TurnoutReport) report).voters();
            Integer voters = report instanceof TurnoutReport t ? t.voters() : null;
            return new Outbox.Signed(report.kind(), jws, summary, voters);
        }, clock.instant());
    }
}
