package org.rts.hub.intake;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.store.AcceptedResult;
import org.rts.hub.store.ChainHead;
import org.rts.hub.store.Decision;
import org.rts.hub.store.HubStore;
import org.rts.hub.validation.Authenticated;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Rejection;
import org.rts.protocol.Topics;
import org.rts.protocol.election.Election;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.reconciliation.Findings;
import org.rts.protocol.reconciliation.ReportChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what to answer to one message and stores the decision before returning the receipt to publish. Not
 * thread-safe: the hub feeds it from one thread, which keeps each device's messages in arrival order.
 *
 * <p>A message that authenticates and carries the next sequence number joins its device's chain whether its
 * content is accepted or not, so that the device's next message still links to it.
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

    /** Returns empty for a topic outside the device scheme (nobody to answer). */
    public Optional<Answer> process(String topic, byte[] bytes) {
        Topics.Address address = Topics.parse(topic).orElse(null);
        if (address == null) {
            LOG.warn("ignored {} bytes on unexpected topic {}", bytes.length, topic);
            return Optional.empty();
        }
        String device = address.deviceId();
        String replyTopic = Topics.receipt(device);
        String hash = Jws.hash(bytes);
        Instant now = clock.instant();

        Optional<byte[]> earlier = store.chainedReceipt(hash);
        if (earlier.isPresent()) {
            store.saveResend(topic, device, hash, bytes, earlier.get(), now);
            LOG.info("[{}] resend of {}: same receipt again", device, hash);
            return Optional.of(new Answer(replyTopic, earlier.get()));
        }
        Authenticated message;
        switch (authenticator.authenticate(address, bytes, hash, now)) {
            case Authenticator.Failed failed -> {
                return Optional.of(reject(topic, device, hash, bytes, now, failed.rejection()));
            }
            case Authenticator.Ok ok -> message = ok.message();
        }
        Report report = message.report();
        Optional<Rejection> chainProblem = chainProblem(message);
        if (chainProblem.isPresent()) {
            return Optional.of(reject(topic, device, hash, bytes, now, chainProblem.get()));
        }
        Findings findings = contentChecks(report);
        List<Finding> reasons = new ArrayList<>(findings.errors());
        List<Finding> warnings = new ArrayList<>(findings.warnings());
        if (reasons.isEmpty() && report instanceof ResultReport result) {
            conflict(result, warnings).ifPresent(reasons::add);
        }
        byte[] receipt = receipts.issue(device, hash, report.seq(), reasons, warnings, now);
        store.save(new Decision(topic, device, hash, bytes, now, report, reasons, warnings, receipt));
        if (reasons.isEmpty()) {
            LOG.info("[{}] station {} {} seq {} accepted{}", device, report.station(), report.kind(), report.seq(),
                    warnings.isEmpty() ? "" : " with warnings " + warnings);
        } else {
            LOG.warn("[{}] station {} {} seq {} rejected: {}", device, report.station(), report.kind(),
                    report.seq(), reasons);
        }
        return Optional.of(new Answer(replyTopic, receipt));
    }

    private Answer reject(String topic, String device, String hash, byte[] bytes, Instant now, Rejection r) {
        byte[] receipt = receipts.issue(device, hash, r.seq(), List.of(r.reason()), List.of(), now);
        store.save(new Decision(topic, device, hash, bytes, now, null, List.of(r.reason()), List.of(), receipt));
        LOG.warn("[{}] message {} rejected: {}", device, hash, r.reason());
        return new Answer(Topics.receipt(device), receipt);
    }

    private Optional<Rejection> chainProblem(Authenticated m) {
        Report r = m.report();
        ChainHead head = store.head(r.device());
        if (r.seq() <= head.seq()) {
            return Optional.of(Rejection.of(Reason.SEQUENCE_REPLAY, "seq " + r.seq() + " was already used; the"
                    + " device's last message is seq " + head.seq(), r.seq()));
        }
        if (r.seq() > head.seq() + 1) {
            return Optional.of(Rejection.of(Reason.SEQUENCE_GAP, "expected seq " + (head.seq() + 1) + ", found "
                    + r.seq(), r.seq()));
        }
        if (!r.prev().equals(head.hash())) {
            return Optional.of(Rejection.of(Reason.CHAIN_BROKEN, "prev " + r.prev() + " is not the hash of seq "
                    + head.seq() + " (" + head.hash() + ")", r.seq()));
        }
        return Optional.empty();
    }

    private Findings contentChecks(Report report) {
        return switch (report) {
            case ResultReport r -> ReportChecks.check(election, r);
            case TurnoutReport t -> ReportChecks.check(election, t, store.maxTurnout(t.election(), t.station()));
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
            warnings.add(new Finding("DUPLICATE_RESULT", "same figures as message " + first.get().messageHash()
                    + ", counted once"));
            return Optional.empty();
        }
        return Optional.of(Finding.of(Reason.CONFLICT, "station " + r.station() + " race " + r.race()
                + " already has result " + first.get().messageHash() + " (" + first.get().figures() + ")"));
    }
}
