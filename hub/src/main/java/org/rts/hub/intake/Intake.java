package org.rts.hub.intake;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.store.AcceptedResult;
import org.rts.hub.store.Decision;
import org.rts.hub.store.HubStore;
import org.rts.hub.validation.Authenticated;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Rejection;
import org.rts.protocol.Topics;
import org.rts.protocol.election.Election;
import org.rts.protocol.message.ChainPosition;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.RestartReport;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.message.Warning;
import org.rts.protocol.reconciliation.Findings;
import org.rts.protocol.reconciliation.ReportChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to answer to one message and stores the decision before returning the receipt to publish. Not
 * thread-safe: the hub feeds it from one thread, which keeps each device's messages in arrival order.
 *
 * <p>Nothing is answered before the message is authenticated, identical resends included: a copy published on
 * another device's topic or under another kind is rejected, never given the original's receipt. A message that
 * authenticates and carries the next sequence number joins its device's chain whether its content is accepted or
 * not, so that the device's next message still links to it; a message that does not is answered with a receipt
 * that says it was not chained, and with the hub's head of the chain when the sequence was the problem.
 */
public final class Intake {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

    private final Election election;
    private final Authenticator authenticator;
    private final HubStore store;
    private final ReceiptIssuer receipts;
    private final Clock clock;

    public Intake(Election election, Authenticator authenticator, HubStore store, ReceiptIssuer receipts,
                  Clock clock) {
        this.election = election;
        this.authenticator = authenticator;
        this.store = store;
        this.receipts = receipts;
        this.clock = clock;
    }

    /** The receipt to publish, and where. */
    public record Answer(String topic, byte[] receipt) {
    }

    /** Shorthand for a message as received (bytes over the size limit are not kept). */
    public Optional<Answer> process(String topic, byte[] bytes) {
        return process(Inbound.bounded(topic, bytes, Authenticator.MAX_BYTES));
    }

    /** Returns empty for a topic outside the device scheme (nobody to answer). */
    public Optional<Answer> process(Inbound in) {
        Topics.Address address = Topics.parse(in.topic()).orElse(null);
        if (address == null) {
            LOG.warn("ignored {} bytes on unexpected topic {}", in.size(), in.topic());
            return Optional.empty();
        }
        Instant now = clock.instant();
        Authenticated message;
        switch (authenticator.authenticate(address, in.bytes(), in.size(), in.hash(), now)) {
            case Authenticator.Failed failed -> {
                return Optional.of(reject(in, address, now, failed.rejection()));
            }
            case Authenticator.Ok ok -> message = ok.message();
        }
        String device = address.deviceId();
        Optional<byte[]> earlier = store.chainedReceipt(in.hash());
        if (earlier.isPresent()) {
            store.saveResend(in.topic(), device, in.hash(), in.bytes(), earlier.get(), now);
            LOG.debug("[{}] resend of {}: same receipt again", device, in.hash());
            return Optional.of(new Answer(Topics.receipt(address.election(), device), earlier.get()));
        }
        if (message.standing().isPresent()) {
            return Optional.of(reject(in, address, now, message.standing().get()));
        }
        Report report = message.report();
        Optional<Rejection> chainProblem = chainProblem(report);
        if (chainProblem.isPresent()) {
            return Optional.of(reject(in, address, now, chainProblem.get()));
        }
        Findings findings = contentChecks(report).and(ReportChecks.clock(election, report.reportedAt(), now));
        List<Finding> reasons = new ArrayList<>(findings.errors());
        List<Finding> warnings = new ArrayList<>(findings.warnings());
        if (reasons.isEmpty() && report instanceof ResultReport result) {
            conflict(result, warnings).ifPresent(reasons::add);
        }
        if (reasons.isEmpty() && report instanceof RestartReport restart) {
            warnings.add(Finding.of(Warning.CHAIN_RESTART, restart.cause() + ": the unit still had seq "
                    + restart.localSeq() + "; its chain continues from seq " + (restart.seq() - 1) + " as the hub"
                    + " holds it"));
        }
        byte[] receipt = receipts.issue(device, in.topic(), in.hash(), report.seq(), true, reasons, warnings, null,
                now);
        store.save(new Decision(in.topic(), device, in.hash(), in.bytes(), now, report, reasons, warnings, receipt));
        if (!reasons.isEmpty()) {
            LOG.warn("[{}] station {} {} seq {} rejected: {}", device, report.station(), report.kind(),
                    report.seq(), reasons);
        } else if (!warnings.isEmpty()) {
            LOG.info("[{}] station {} {} seq {} accepted with warnings {}", device, report.station(), report.kind(),
                    report.seq(), warnings);
        } else {
            LOG.debug("[{}] station {} {} seq {} accepted", device, report.station(), report.kind(), report.seq());
        }
        return Optional.of(new Answer(Topics.receipt(address.election(), device), receipt));
    }

    private Answer reject(Inbound in, Topics.Address address, Instant now, Rejection r) {
        String device = address.deviceId();
        byte[] receipt = receipts.issue(device, in.topic(), in.hash(), r.seq(), false, List.of(r.reason()),
                List.of(), r.head(), now);
        store.save(new Decision(in.topic(), device, in.hash(), in.bytes(), now, null, List.of(r.reason()),
                List.of(), receipt));
        LOG.warn("[{}] message {} not taken: {}", device, in.hash(), r.reason());
        return new Answer(Topics.receipt(address.election(), device), receipt);
    }

    private Optional<Rejection> chainProblem(Report r) {
        ChainPosition head = store.head(r.device());
        if (r.seq() <= head.seq()) {
            return Optional.of(Rejection.sequence(Reason.SEQUENCE_REPLAY, "seq " + r.seq() + " was already used;"
                    + " the device's last message is seq " + head.seq(), r.seq(), head));
        }
        if (r.seq() > head.seq() + 1) {
            return Optional.of(Rejection.sequence(Reason.SEQUENCE_GAP, "expected seq " + (head.seq() + 1)
                    + ", found " + r.seq(), r.seq(), head));
        }
        if (!r.prev().equals(head.msg())) {
            return Optional.of(Rejection.sequence(Reason.CHAIN_BROKEN, "prev " + r.prev() + " is not the hash of"
                    + " seq " + head.seq() + " (" + head.msg() + ")", r.seq(), head));
        }
        return Optional.empty();
    }

    private Findings contentChecks(Report report) {
        return switch (report) {
            case ResultReport r -> ReportChecks.check(election, r);
            case TurnoutReport t -> ReportChecks.check(election, t, store.maxTurnout(t.election(), t.station()));
            case RestartReport s -> ReportChecks.check(election, s);
        };
    }

    /**
     * A station and race keep their first accepted result. The same figures again are accepted with a warning and
     * not counted twice; different figures are a conflict, stored for review and never overwrite the first.
     */
    private Optional<Finding> conflict(ResultReport r, List<Finding> warnings) {
        Optional<AcceptedResult> first = store.result(r.election(), r.station(), r.race());
        if (first.isEmpty()) {
            return Optional.empty();
        }
        if (first.get().figures().equals(r.figures())) {
            warnings.add(Finding.of(Warning.DUPLICATE_RESULT, "same figures as message "
                    + first.get().messageHash() + ", counted once"));
            return Optional.empty();
        }
        return Optional.of(Finding.of(Reason.CONFLICT, "station " + r.station() + " race " + r.race()
                + " already has result " + first.get().messageHash() + " (" + first.get().figures() + ")"));
    }
}
