package org.rts.tallycentre.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Csr;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;
import org.rts.provisioning.enrolment.Enrolment;
import org.rts.tallycentre.verification.ForwardedMessage;

/**
 * An election made by the real provisioning code: stations S-1..S-3 of 500 voters, devices dev-1..dev-3 enrolled
 * for them, and the hub's key to answer their messages with receipts, as a hub would before forwarding them. Each
 * election has an id of its own.
 */
public final class TestElection {
    public static final Instant NOW = Instant.parse("2026-11-22T18:30:00Z");
    public final String id;
    public final ElectionFiles files;
    private final org.rts.protocol.merkle.ReceiptLog receipts;

    /** Certificates are issued from two days ago, for a year. */
    public TestElection(Path dir) {
        this.id = "test-" + Long.toString(java.util.concurrent.ThreadLocalRandom.current()
                .nextLong(1L << 40, 1L << 41), 36);
        this.files = new ElectionFiles(dir);
        Election election = new Election(id, "Test election", Mode.LIVE,
                List.of(new Race("parliament", "Parliament", List.of(new Candidate("a", "Alpha"),
                        new Candidate("b", "Beta")))),
                List.of(new Station("S-1", "Station one", 500), new Station("S-2", "Station two", 500),
                        new Station("S-3", "Station three", 500)), Tolerances.DEFAULT);
        Clock past = Clock.offset(Clock.systemUTC(), Duration.ofDays(-2));
        new ElectionSetup(past).create(files, election);
        Enrolment enrolment = new Enrolment(ElectionAuthority.load(files, past));
        for (int i = 1; i <= 3; i++) {
            var bundle = files.bundle("dev-" + i);
            Csr.writeRequest(bundle.deviceKey(), bundle.request(), "dev-" + i);
            enrolment.enrol(bundle.request(), "dev-" + i, "S-" + i, "tcp://127.0.0.1:1883");
        }
        X509CertificateHolder hubCertificate = Pem.readCertificate(files.hubCertificate());
        this.receipts = new org.rts.protocol.merkle.ReceiptLog(id, "rts-hub-test", new Es256Signer(Pem.readPrivateKey(
                files.hubKey()), "hub", Certificates.thumbprint(hubCertificate)));
    }

    public Device device(int n) {
        var bundle = files.bundle("dev-" + n);
        X509CertificateHolder cert = Pem.readCertificate(bundle.deviceCertificate());
        return new Device(id, "dev-" + n, "S-" + n, new Es256Signer(Pem.readPrivateKey(bundle.deviceKey()),
                "dev-" + n, Certificates.thumbprint(cert)));
    }

    /** An audit notice for {@code station}'s result, as the hub forwards it, signed by the key in {@code key}. */
    public ForwardedMessage auditNotice(String station, boolean underAudit, Instant at, java.nio.file.Path key) {
        var notice = new org.rts.protocol.audit.AuditNotice(1, id, station, "parliament", "result-hash",
                new org.rts.protocol.audit.HandCount(station, "parliament", 400, 10, List.of(200, 190), "amal", at),
                40, 10.0, 5.0, underAudit, at);
        String jws;
        try {
            jws = new Es256Signer(Pem.readPrivateKey(key), "hub", Certificates.thumbprint(Pem.readCertificate(
                    files.hubCertificate()))).sign(
                    org.rts.protocol.codec.Json.mapper().writeValueAsBytes(notice));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new ForwardedMessage(Jws.hash(jws.getBytes(StandardCharsets.US_ASCII)), id, "audit", "hub", station,
                jws, null);
    }

    /** {@code message} with the receipt the hub logs for it: accepted, or rejected for {@code reason}. */
    public ForwardedMessage answered(Device d, byte[] message, Finding reason) {
        String hash = Jws.hash(message);
        String topic = Topics.report(id, d.id, Topics.TURNOUT);
        Receipt.Status status = reason == null ? Receipt.Status.ACCEPTED : Receipt.Status.REJECTED;
        Receipt receipt = new Receipt(Report.VERSION, d.id, topic, hash, d.seq, true, status,
                reason == null ? List.of() : List.of(reason), List.of(), null, NOW, Receipt.code(hash, status));
        return new ForwardedMessage(hash, id, Topics.TURNOUT, d.id, d.station,
                new String(message, StandardCharsets.US_ASCII), new String(receipts.seal(List.of(MessageCodec.encode(
                receipt)), NOW).receipts().get(0), StandardCharsets.US_ASCII));
    }

    /** Signs turnout reports as one device and tracks its chain (sequence and previous hash). */
    public static final class Device {
        public final String election;
        public final String id;
        public final String station;
        private final Es256Signer signer;
        long seq;
        private String prev = "";

        Device(String election, String id, String station, Es256Signer signer) {
            this.election = election;
            this.id = id;
            this.station = station;
            this.signer = signer;
        }

        /** The next turnout report of the chain, signed; the chain moves past it. */
        public byte[] turnout(int voters) {
            byte[] message = signer.sign(MessageCodec.encode(new TurnoutReport(1, election, Mode.LIVE, id, station,
                    seq + 1, prev, NOW, voters))).getBytes(StandardCharsets.US_ASCII);
            seq++;
            prev = Jws.hash(message);
            return message;
        }
    }
}
