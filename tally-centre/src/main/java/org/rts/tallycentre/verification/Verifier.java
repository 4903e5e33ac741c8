package org.rts.tallycentre.verification;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.audit.AuditNotice;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

/**
 * Checks a forwarded message on its own: the device's signature against the CA-signed registry, the hub's receipt
 * against the hub's certificate, one for the other, and the key against the message's hash; a hub's audit notice
 * against the hub's certificate. The registry is read
 * again when a message names a certificate it does not hold. Not thread-safe: callers take one message at a time.
 */
public final class Verifier {
    private final ElectionFiles files;
    private final X509CertificateHolder ca;
    private final LoggedReceipt.Checker receipts;
    private final org.bouncycastle.crypto.params.ECPublicKeyParameters hubKey;
    private final String electionId;
    private Map<String, Registry.Entry> certificates = new HashMap<>();

    /**
     * Reads the election's public files (CA and hub certificates, signed ballot and registry); the hub's certificate
     * must be issued by the CA and valid now.
     */
    public Verifier(ElectionFiles files, Clock clock) {
        this.files = files;
        this.ca = Pem.readCertificate(files.caCertificate());
        X509CertificateHolder hub = Pem.readCertificate(files.hubCertificate());
        Certificates.requireIssuedBy(hub, ca, clock.instant());
        this.electionId = Election.readSigned(files.ballot(), ca).id();
        this.hubKey = Certificates.publicKey(hub);
        this.receipts = new LoggedReceipt.Checker(hubKey, electionId);
        reloadRegistry();
    }

    public String electionId() {
        return electionId;
    }

    /** The device signed it, the hub accepted exactly it, and the key is its hash. Throws naming what fails. */
    public void verify(ForwardedMessage m) {
        if (AuditNotice.KIND.equals(m.kind())) {
            auditNotice(m);
            return;
        }
        if (m.jws() == null || m.receipt() == null || m.idempotencyKey() == null) {
            throw new IllegalArgumentException("jws, receipt and idempotencyKey are required");
        }
        byte[] jwsBytes = m.jws().getBytes(StandardCharsets.US_ASCII);
        String hash = Jws.hash(jwsBytes);
        if (!hash.equals(m.idempotencyKey())) {
            throw new IllegalArgumentException("idempotencyKey is not the hash of the message");
        }
        Receipt receipt;
        try {
            receipt = receipts.check(LoggedReceipt.decode(m.receipt().getBytes(StandardCharsets.US_ASCII))).receipt();
        } catch (MalformedMessageException e) {
            throw new IllegalArgumentException("the receipt is not one of the hub's: " + e.getMessage());
        }
        if (!receipt.accepted() || !receipt.msg().equals(hash)) {
            throw new IllegalArgumentException("the receipt does not accept this message");
        }
        Jws jws = Jws.parse(jwsBytes);
        Registry.Entry entry = certificates.get(jws.header().x5tS256());
        if (entry == null) {
            reloadRegistry();
            entry = certificates.get(jws.header().x5tS256());
        }
        if (entry == null || !entry.device().equals(jws.header().kid())
                || !Es256Verifier.verify(jws, Certificates.publicKey(Pem.parseCertificate(entry.certificate())))) {
            throw new IllegalArgumentException("the message is not signed by a device of the registry");
        }
        Report report = MessageCodec.decodeReport(jws.payload());
        if (!report.election().equals(electionId) || !report.device().equals(m.device())
                || !report.station().equals(entry.station())) {
            throw new IllegalArgumentException("the message's election, device or station differs from its envelope"
                    + " or its certificate");
        }
    }

    /** The hub signed the notice, for this election and the station its envelope names. */
    private AuditNotice auditNotice(ForwardedMessage m) {
        if (m.jws() == null || m.idempotencyKey() == null) {
            throw new IllegalArgumentException("jws and idempotencyKey are required");
        }
        byte[] jwsBytes = m.jws().getBytes(StandardCharsets.US_ASCII);
        if (!Jws.hash(jwsBytes).equals(m.idempotencyKey())) {
            throw new IllegalArgumentException("idempotencyKey is not the hash of the audit notice");
        }
        Jws jws = Jws.parse(jwsBytes);
        if (!Es256Verifier.verify(jws, hubKey)) {
            throw new IllegalArgumentException("the audit notice is not signed by the hub");
        }
        AuditNotice notice;
        try {
            notice = org.rts.protocol.codec.Json.mapper().readValue(jws.payload(), AuditNotice.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the audit notice does not parse: " + e.getMessage());
        }
        if (!notice.election().equals(electionId) || !notice.station().equals(m.station())) {
            throw new IllegalArgumentException("the audit notice's election or station differs from its envelope");
        }
        return notice;
    }

    /** The notice a verified audit message carries. */
    public static AuditNotice notice(String jws) {
        try {
            return org.rts.protocol.codec.Json.mapper().readValue(Jws.parse(jws.getBytes(StandardCharsets.US_ASCII))
                    .payload(), AuditNotice.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the audit notice does not parse: " + e.getMessage());
        }
    }

    private void reloadRegistry() {
        Map<String, Registry.Entry> map = new HashMap<>();
        for (Registry.Entry e : Registry.readSigned(files.registry(), ca).devices()) {
            map.put(Certificates.thumbprint(Pem.parseCertificate(e.certificate())), e);
        }
        certificates = map;
    }
}
