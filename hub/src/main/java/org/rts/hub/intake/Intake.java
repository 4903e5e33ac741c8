package org.rts.hub.intake;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.protocol.merkle.ReceiptLog;
import org.rts.hub.validation.Authenticated;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Inbound;
import org.rts.hub.validation.Rejection;
import org.rts.hub.validation.Verification;
import org.rts.hub.validation.Verification.Verified;
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
 * Decides what to answer to messages and stores the decisions before their receipts leave: a batch of messages
 * authenticated ahead ({@link Verification}) is decided in arrival order (chain, content, conflicts), its receipts
 * appended to the {@link ReceiptLog} it is given under one signed tree head, and the whole batch written in one
 * transaction of its {@link IntakeStore}.
 *
 * <p>Nothing is answered before the message is authenticated, identical copies included: a copy published on
 * another device's topic or under another kind is rejected, never given the original's receipt. A copy of a
 * chained message (a unit's resend, or the broker delivering again) is answered with the receipt the message got
 * and not stored again; one on the topic of a message chained lately is not verified again. A message that
 * authenticates and carries the next sequence number joins its device's chain whether its content is accepted or
 * not, so that the device's next message still links to it; a message that does not is answered with a receipt
 * that says it was not chained, and with the hub's head of the chain when the sequence was the problem.
 */
public final class Intake {
    private static final Logger LOG = LoggerFactory.getLogger(Intake.class);

    private final Election election;
    private final Verification verification;
    private final IntakeStore store;
    private final ReceiptLog log;
    private final Clock clock;

    public Intake(Election election, Verification verification, IntakeStore store, ReceiptLog log, Clock clock) {
        this.election = election;
        this.verification = verification;
        this.store = store;
        this.log = log;
        this.clock = clock;
    }

    /** The receipt to publish, and where. */
    public record Answer(String topic, byte[] receipt) {
    }

    /**
     * What the hub decided for one message, before its receipt is logged. {@code earlier} is the receipt of a
     * resend; {@code report} is set when the message joins its device's chain.
     */
    public record Draft(Verified verified, Report report, Long seq, boolean chained, List<Finding> reasons,
                        List<Finding> warnings, ChainPosition head, byte[] earlier, Instant now) {
        /** The receipt this decision gets, in canonical JSON: the log's leaf. */
        byte[] leaf() {
            Inbound in = verified.in();
            return ReceiptIssuer.receipt(verified.address().deviceId(), in.topic(), in.hash(), seq, chained, reasons,
                    warnings, head, now);
        }

        /** The decision answered with {@code receipt}, as logged (a resend keeps the receipt it got). */
        Decision decision(byte[] receipt) {
            Inbound in = verified.in();
            String device = verified.address().deviceId();
            if (earlier != null) {
                return Decision.resend(in.topic(), device, in.hash(), in.bytes(), now, earlier);
            }
            return new Decision(in.topic(), device, in.hash(), in.bytes(), now, report, reasons, warnings, receipt,
                    false, in.path());
        }
    }

    /** Authenticates one message (see {@link Verification#verify}). Thread-safe. */
    public Verified verify(Inbound in, Instant now) {
        return verification.verify(in, now);
    }

    /** What a batch touches: its devices' chains, its stations' figures, its messages' hashes, the receipt log. */
    public BatchKeys keys(List<Verified> batch) {
        Set<String> devices = new HashSet<>();
        Set<String> stations = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (Verified v : batch) {
            if (v.address() == null) {
                continue;
            }
            devices.add(v.address().deviceId());
            hashes.add(v.in().hash());
            if (v.outcome() instanceof Authenticator.Ok ok) {
                stations.add(ok.message().report().station());
            }
        }
        return new BatchKeys(devices, stations, hashes, log.name());
    }

    /**
     * Decides a batch in arrival order against the store's state, logs the new receipts under one signed tree head,
     * and stores every decision with the log's new leaves in one transaction. Returns the decisions (the messages
     * on unexpected topics are left out: nobody to answer) once they are on disk.
     */
    public List<Decision> decideAndStore(List<Verified> batch) {
        Instant now = clock.instant();
        List<Decision> decisions = store.commitBatch(election.id(), keys(batch), state -> logged(decide(batch, state,
                now), state, now));
        for (Decision d : decisions) {
            if (d.report() != null) {
                verification.chained(d.hash(), d.topic());
            }
        }
        return decisions;
    }

    /** The drafts answered: new receipts appended to the log (as the store holds it) under one head. */
    private Batch logged(List<Draft> drafts, BatchState state, Instant now) {
        log.align(state.logSize(), state.leaves());
        List<byte[]> leaves = new ArrayList<>(drafts.size());
        for (Draft d : drafts) {
            if (d.earlier() == null) {
                leaves.add(d.leaf());
            }
        }
        ReceiptLog.Sealed sealed = leaves.isEmpty() ? null : log.seal(leaves, now);
        List<Decision> decisions = new ArrayList<>(drafts.size());
        int next = 0;
        for (Draft d : drafts) {
            decisions.add(d.decision(d.earlier() == null ? sealed.receipts().get(next++) : null));
        }
        return new Batch(sameAnswers(decisions), sealed);
    }

    /** A copy of a message chained earlier in the same batch gets that message's receipt. */
    private static List<Decision> sameAnswers(List<Decision> decisions) {
        java.util.Map<String, byte[]> signed = new java.util.HashMap<>();
        List<Decision> out = new ArrayList<>(decisions.size());
        for (Decision d : decisions) {
            if (d.resend() && d.receipt() == IN_THIS_BATCH) {
                d = Decision.resend(d.topic(), d.deviceId(), d.hash(), d.bytes(), d.receivedAt(), signed.get(d.hash()));
            } else if (d.report() != null) {
                signed.put(d.hash(), d.receipt());
            }
            out.add(d);
        }
        return out;
    }

    /** Stands for the receipt of a message decided earlier in the batch, not signed yet. */
    private static final byte[] IN_THIS_BATCH = new byte[0];

    /** Decides each message in turn, bringing {@code state} up to date as it goes. */
    public List<Draft> decide(List<Verified> batch, BatchState state, Instant now) {
        List<Draft> drafts = new ArrayList<>();
        for (Verified v : batch) {
            if (v.address() == null) {
                LOG.warn("ignored {} bytes on unexpected topic {}", v.in().size(), v.in().topic());
                continue;
            }
            Draft d = decide(v, state, now);
            drafts.add(d);
        }
        return drafts;
    }

    private Draft decide(Verified v, BatchState state, Instant now) {
        if (v.copy()) {
            Optional<byte[]> earlier = state.chainedReceipt(v.in().hash());
            if (earlier.isPresent()) {
                return new Draft(v, null, null, true, List.of(), List.of(), null, earlier.get(), now);
            }
            v = verification.authenticate(v.in(), v.address(), now); // not in the store after all: checked in full
        }
        Authenticated message;
        switch (v.outcome()) {
            case Authenticator.Failed failed -> {
                return reject(v, failed.rejection(), now);
            }
            case Authenticator.Ok ok -> message = ok.message();
        }
        Optional<byte[]> earlier = state.chainedReceipt(v.in().hash());
        if (earlier.isPresent()) {
            LOG.debug("[{}] resend of {}: same receipt again", v.address().deviceId(), v.in().hash());
            return new Draft(v, null, null, true, List.of(), List.of(), null, earlier.get(), now);
        }
        if (message.standing().isPresent()) {
            return reject(v, message.standing().get(), now);
        }
        Report report = message.report();
        Optional<Rejection> chainProblem = chainProblem(report, state.head(report.device()));
        if (chainProblem.isPresent()) {
            return reject(v, chainProblem.get(), now);
        }
        Findings findings = contentChecks(report, state).and(ReportChecks.clock(election, report.reportedAt(), now))
                .and(ReportChecks.received(election, report, now));
        List<Finding> reasons = new ArrayList<>(findings.errors());
        List<Finding> warnings = new ArrayList<>(findings.warnings());
        if (reasons.isEmpty() && report instanceof ResultReport result) {
            conflict(result, state, warnings).ifPresent(reasons::add);
        }
        if (reasons.isEmpty() && report instanceof RestartReport restart) {
            warnings.add(Finding.of(Warning.CHAIN_RESTART, restart.cause() + ": the unit still had seq "
                    + restart.localSeq() + "; its chain continues from seq " + (restart.seq() - 1) + " as the hub"
                    + " holds it"));
        }
        // its receipt is signed with the batch: a copy later in the batch is answered with it (sameAnswers)
        state.chained(report.device(), report.seq(), v.in().hash(), IN_THIS_BATCH);
        if (reasons.isEmpty()) {
            if (report instanceof TurnoutReport t) {
                state.turnoutAccepted(t.station(), t.voters());
            } else if (report instanceof ResultReport r) {
                state.resultAccepted(new AcceptedResult(r.station(), r.race(), r.device(), v.in().hash(),
                        r.registered(), r.inBox(), r.invalid(), r.votes(), r.figures(), List.of()));
            }
        }
        if (!reasons.isEmpty()) {
            LOG.warn("[{}] station {} {} seq {} rejected: {}", report.device(), report.station(), report.kind(),
                    report.seq(), reasons);
        } else if (!warnings.isEmpty()) {
            LOG.info("[{}] station {} {} seq {} accepted with warnings {}", report.device(), report.station(),
                    report.kind(), report.seq(), warnings);
        }
        return new Draft(v, report, report.seq(), true, reasons, warnings, null, null, now);
    }

    private static Draft reject(Verified v, Rejection r, Instant now) {
        LOG.warn("[{}] message {} not taken: {}", v.address().deviceId(), v.in().hash(), r.reason());
        return new Draft(v, null, r.seq(), false, List.of(r.reason()), List.of(), r.head(), null, now);
    }

    private static Optional<Rejection> chainProblem(Report r, ChainPosition head) {
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

    private Findings contentChecks(Report report, BatchState state) {
        return switch (report) {
            case ResultReport r -> ReportChecks.check(election, r);
            case TurnoutReport t -> ReportChecks.check(election, t, state.maxTurnout(t.station()));
            case RestartReport s -> ReportChecks.check(election, s);
        };
    }

    /**
     * A station and race keep their first accepted result. The same figures again are accepted with a warning and
     * not counted twice; different figures are a conflict, stored for review and never overwrite the first.
     */
    private static Optional<Finding> conflict(ResultReport r, BatchState state, List<Finding> warnings) {
        Optional<AcceptedResult> first = state.result(r.station(), r.race());
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

    /** One message, start to finish, in the calling thread: empty for a topic outside the device scheme. */
    public Optional<Answer> process(String topic, byte[] bytes) {
        return process(topic, bytes, "mqtt");
    }

    /** The same, for a message that came another way ({@code path}, as {@code Delivery#path} names them). */
    public Optional<Answer> process(String topic, byte[] bytes, String path) {
        return process(Inbound.bounded(topic, bytes, Authenticator.MAX_BYTES, path));
    }

    /** One message, start to finish, in the calling thread: empty for a topic outside the device scheme. */
    public Optional<Answer> process(Inbound in) {
        Verified v = verify(in, clock.instant());
        List<Decision> decided = decideAndStore(List.of(v));
        return decided.isEmpty() ? Optional.empty() : Optional.of(new Answer(Topics.receipt(v.address().election(),
                v.address().deviceId()), decided.get(0).receipt()));
    }
}
