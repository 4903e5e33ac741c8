package org.rts.provisioning.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.export.ExportRecord;
import org.rts.protocol.files.Registry;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Finding;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.PkiException;

/**
 * Checks an observer export completely, with nothing but the bundle and the CA the commission published (a pin,
 * without which nothing is verified): the hub's signature on the manifest, every file against the manifest's
 * hashes, the signed configuration, every receipt and device signature (each device certificate at the hub's time
 * of the message), every unit's chain up to the last message the manifest names, the counts and the tally
 * recomputed from the accepted messages. Any altered, dropped, reordered or replayed record is reported, each
 * problem naming the record.
 */
public final class ExportVerifier {
    private static final int MAX_PROBLEMS = 100;

    private final List<String> checked = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final PhotoCheck photos = new PhotoCheck();
    private int moreProblems;

    /** What was checked and what is wrong; the export holds when {@link #ok()}. */
    public record Result(List<String> checked, List<String> problems, int moreProblems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private ExportVerifier() {
    }

    /**
     * Verifies the export in {@code dir} under the CA {@code pin} names, and that each of {@code treeHeads} (a file
     * holding a tree head the hub signed, or a receipt as a unit got it) describes a tree the export's receipt log
     * still contains. Without a pin nothing is verified: any CA made for the purpose makes an export that holds
     * together.
     */
    public static Result verify(Path dir, CaPin pin, List<Path> treeHeads) {
        ExportVerifier v = new ExportVerifier();
        if (pin == null) {
            v.problem("no CA pinned, so nothing was verified: an export made under any self-made CA holds together;"
                    + " give --ca FILE or --ca-sha256 HEX with the CA certificate or fingerprint the commission"
                    + " published");
            return new Result(List.of(), List.copyOf(v.problems), 0);
        }
        try {
            v.run(new ExportFiles(dir), pin, treeHeads);
        } catch (ProtocolException | IOException e) {
            v.problem("cannot go on: " + e.getMessage());
        }
        return new Result(List.copyOf(v.checked), List.copyOf(v.problems), v.moreProblems);
    }

    private void run(ExportFiles f, CaPin pin, List<Path> treeHeads) throws IOException {
        if (!Files.isDirectory(f.dir())) {
            throw new IOException(f.dir() + " is not a folder");
        }
        X509CertificateHolder ca = Pem.readCertificate(f.caCertificate());
        String fingerprint = CaPin.fingerprint(ca);
        if (!fingerprint.equals(pin.sha256())) {
            throw new PkiException("the export's CA certificate (SHA-256 " + fingerprint + ") is not the one pinned"
                    + " by " + pin.source() + " (" + pin.sha256() + "): the export is not under that CA");
        }
        checked.add("CA certificate SHA-256 " + fingerprint + " is the one pinned by " + pin.source());
        X509CertificateHolder hub = Pem.readCertificate(f.hubCertificate());
        ExportManifest manifest = JsonFiles.parse(f.manifest(), SignedFile.readVerified(f.manifest(), hub),
                ExportManifest.class, "export manifest");
        if (!ExportFiles.FORMAT.equals(manifest.format())) {
            throw new ProtocolException("export format is " + manifest.format() + ", this tool reads "
                    + ExportFiles.FORMAT);
        }
        Certificates.requireIssuedBy(hub, ca, manifest.exportedAt());
        if (!Certificates.thumbprint(hub).equals(manifest.hub())) {
            problem("the manifest names hub certificate " + manifest.hub() + ", the export holds "
                    + Certificates.thumbprint(hub));
        }
        checked.add("hub certificate " + Certificates.thumbprint(hub) + " issued by the CA; manifest of "
                + manifest.exportedAt() + " signed by the hub");
        ExportFileCheck.check(f, manifest, checked::add, this::problem);
        Election election = Election.readSigned(f.ballot(), ca);
        Registry registry = Registry.readSigned(f.registry(), ca);
        if (!election.id().equals(manifest.election()) || !registry.election().equals(manifest.election())
                || election.mode() != manifest.mode()) {
            problem("the manifest is for election " + manifest.election() + " (" + manifest.mode() + "), the ballot"
                    + " definition for " + election.id() + " (" + election.mode() + "), the registry for "
                    + registry.election());
        }
        DeviceCertificates certificates = DeviceCertificates.read(f, registry, ca, this::problem);
        checked.add(certificates.summary());
        LoggedReceipt.Checker receipts = new LoggedReceipt.Checker(Certificates.publicKey(hub), manifest.election());
        ExportLogs logs = ExportLogs.read(f, receipts, this::problem);
        Map<String, Coverage.Head> heads = new TreeMap<>();
        Recount recount = new Recount(election);
        records(f, manifest, certificates, receipts, logs, heads, recount);
        photos.check(f, checked::add, this::problem);
        AuditCheck.check(f, election, recount, checked::add, this::problem);
        ExportManifest.Tally tally = recount.tally();
        if (!tally.equals(manifest.tally())) {
            problem("the tally recomputed from the accepted messages (and the audit) " + tally + " differs from the manifest's "
                    + manifest.tally());
        } else {
            checked.add("tally recomputed from the accepted messages and the audit matches the manifest: "
                    + Recount.describe(tally));
        }
        Map<String, Long> dropped = new TreeMap<>();
        manifest.units().forEach(u -> dropped.merge(u.device(), u.dropped(), Long::sum));
        checked.add(logs.accountFor(dropped));
        checked.addAll(Coverage.units(manifest, heads, registry, this::problem));
        Map<String, List<String>> withoutResult = recount.withoutResult();
        checked.add(election.stations().size() + " stations in the ballot definition, " + withoutResult.size()
                + " of them without an accepted result for every race of their ballot");
        withoutResult.forEach((station, races) -> checked.add("station " + station + ": no result for "
                + String.join(", ", races)));
        for (Path file : treeHeads) {
            logs.checkHeld(file).ifPresent(checked::add);
        }
    }

    private void records(ExportFiles f, ExportManifest manifest, DeviceCertificates certificates,
                         LoggedReceipt.Checker receipts, ExportLogs logs, Map<String, Coverage.Head> heads,
                         Recount recount) throws IOException {
        ChainedMessages chainedReceipts = new ChainedMessages();
        Map<String, Long> counts = new TreeMap<>();
        Map<String, Long> paths = new TreeMap<>();
        long expected = 1;
        long deviceSignatures = 0;
        long withheld = 0;
        Base64.Decoder b64 = Base64.getUrlDecoder();
        try (BufferedReader in = Files.newBufferedReader(f.messages(), StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                ExportRecord r;
                try {
                    r = Json.mapper().readValue(line, ExportRecord.class);
                } catch (IOException e) {
                    problem("messages.jsonl line " + lineNo + ": not a record (" + e.getMessage().lines()
                            .findFirst().orElse("") + ")");
                    continue;
                }
                String at = "record " + r.n() + " (line " + lineNo + ")";
                if (r.n() != expected) {
                    problem(at + ": expected record " + expected + ": a record was dropped, moved or repeated");
                }
                expected = r.n() + 1;
                counts.merge(String.valueOf(r.status()), 1L, Long::sum);
                Receipt receipt = receipt(at, r, receipts, ExportRecord.RESEND.equals(r.status()) ? null : logs);
                if (receipt == null) {
                    continue;
                }
                if (ExportRecord.RESEND.equals(r.status())) {
                    if (receipt.seq() == null
                            || !chainedReceipts.answered(r.device(), receipt.seq(), r.hash(), r.receipt())) {
                        problem(at + ": marked as a resend, but no earlier chained message " + r.hash()
                                + " was answered with this receipt");
                    }
                    continue;
                }
                if (!receipt.status().name().equals(r.status())) {
                    problem(at + ": status " + r.status() + " but the receipt says " + receipt.status());
                } else if (r.path() != null && receipt.status() == Receipt.Status.ACCEPTED) {
                    paths.merge(r.path(), 1L, Long::sum);
                }
                byte[] body = null;
                if (r.body() != null) {
                    try {
                        body = b64.decode(r.body());
                    } catch (IllegalArgumentException e) {
                        problem(at + ": body is not base64url");
                        continue;
                    }
                    if (!Jws.hash(body).equals(r.hash()) || body.length != r.size()) {
                        problem(at + ": body does not match its hash " + r.hash() + " and size " + r.size());
                        continue;
                    }
                }
                if (!receipt.chained()) {
                    continue;
                }
                if (receipt.seq() != null && chainedReceipts.contains(r.device(), receipt.seq(), r.hash())) {
                    problem(at + ": message " + r.hash() + " is chained twice (a replayed record)");
                    continue;
                }
                if (body == null) {
                    withheld += withheld(at, r, receipt, heads, chainedReceipts) ? 1 : 0;
                    continue;
                }
                Report report = chained(at, r, body, receipt, certificates, heads);
                if (report == null) {
                    continue;
                }
                deviceSignatures++;
                photos.add(report);
                chainedReceipts.add(r.device(), report.seq(), r.hash(), r.receipt());
                heads.put(r.device(), new Coverage.Head(report.seq(), r.hash()));
                decision(at, report, receipt, recount);
            }
        }
        long records = expected - 1;
        checked.add(records + " records in order, every receipt signed by the hub for its message, topic and"
                + " status, with its code; " + deviceSignatures + " device signatures; " + heads.size()
                + " unbroken chains; " + counts.getOrDefault(ExportRecord.RESEND, 0L) + " resends answered with"
                + " their first receipt; every chained message's acceptance or reasons to reject it as the hub's"
                + " own checks give them; " + withheld + " rejected messages past their unit's storage bound, kept"
                + " as hash, size and decision only");
        if (!counts.equals(manifest.counts())) {
            problem("records by status " + counts + ", the manifest says " + manifest.counts());
        } else {
            checked.add("records by status " + counts + " as the manifest says");
        }
        if (!paths.equals(manifest.paths())) {
            problem("accepted messages by the way they came " + paths + ", the manifest says " + manifest.paths());
        } else if (!paths.isEmpty()) {
            checked.add("accepted messages by the way they came " + paths + " as the manifest says");
        }
    }

    /** The record's receipt, checked; {@code logs}, when given, is told of the leaf it answers. */
    private Receipt receipt(String at, ExportRecord r, LoggedReceipt.Checker receipts, ExportLogs logs) {
        if (r.receipt() == null || r.hash() == null || r.topic() == null || r.device() == null) {
            problem(at + ": hash, topic, device and receipt are required");
            return null;
        }
        try {
            LoggedReceipt logged = LoggedReceipt.decode(r.receipt().getBytes(StandardCharsets.US_ASCII));
            LoggedReceipt.Checked checked = receipts.check(logged);
            Receipt receipt = checked.receipt();
            if (!receipt.msg().equals(r.hash()) || !receipt.topic().equals(r.topic())
                    || !receipt.device().equals(r.device())) {
                problem(at + ": the receipt answers message " + receipt.msg() + " on " + receipt.topic()
                        + ", not this record's " + r.hash() + " on " + r.topic());
                return null;
            }
            if (!receipt.code().equals(Receipt.code(r.hash(), receipt.status()))) {
                problem(at + ": receipt code " + receipt.code() + " is not derived from the message hash");
            }
            if (logs != null) {
                logs.claim(at, logged, checked);
            }
            return receipt;
        } catch (MalformedMessageException e) {
            problem(at + ": receipt is not in the hub's log under a tree head it signed: " + e.getMessage());
        } catch (RuntimeException e) {
            problem(at + ": receipt unreadable: " + e.getMessage());
        }
        return null;
    }

    /**
     * A chained record without its body: only a rejection may be withheld (past its unit's storage bound). It
     * takes the next place in its unit's chain by the seq of its receipt; the next message's {@code prev} must be
     * its hash. Its signature and its decision cannot be checked, and it counts for nothing.
     */
    private boolean withheld(String at, ExportRecord r, Receipt receipt, Map<String, Coverage.Head> heads,
                             ChainedMessages chainedReceipts) {
        if (receipt.accepted()) {
            problem(at + ": an accepted message in " + r.device() + "'s chain without its body: only a rejected"
                    + " message's body may be withheld");
            return false;
        }
        Coverage.Head head = heads.getOrDefault(r.device(), new Coverage.Head(0, ""));
        if (receipt.seq() == null || receipt.seq() != head.seq() + 1) {
            problem(at + ": " + r.device() + " seq " + receipt.seq() + " (body withheld) does not follow seq "
                    + head.seq() + " (" + head.hash() + "): its chain is broken");
        }
        long seq = receipt.seq() == null ? head.seq() + 1 : receipt.seq();
        chainedReceipts.add(r.device(), seq, r.hash(), r.receipt());
        heads.put(r.device(), new Coverage.Head(seq, r.hash()));
        return true;
    }

    /** Checks a chained message: device signature, binding, and its place in the unit's chain. */
    private Report chained(String at, ExportRecord r, byte[] body, Receipt receipt,
                           DeviceCertificates certificates, Map<String, Coverage.Head> heads) {
        try {
            Jws jws = Jws.parse(body);
            DeviceCertificates.Issued issued = certificates.get(jws.header().x5tS256()).orElse(null);
            if (issued == null || !issued.entry().device().equals(r.device())
                    || !jws.header().kid().equals(r.device())) {
                problem(at + ": signed with a certificate not issued to " + r.device());
                return null;
            }
            Registry.Entry entry = issued.entry();
            if (!Es256Verifier.verify(jws, issued.key())) {
                problem(at + ": the device signature does not verify");
                return null;
            }
            certificates.refusedAt(issued, receipt.hubTime()).ifPresent(why -> problem(at + ": " + why));
            Report report = MessageCodec.decodeReport(jws.payload());
            Topics.Address topic = Topics.parse(r.topic()).orElse(null);
            if (!report.device().equals(r.device()) || !report.station().equals(entry.station()) || topic == null
                    || !topic.deviceId().equals(r.device()) || !topic.kind().equals(report.kind())) {
                problem(at + ": a " + report.kind() + " report of " + report.device() + " for station "
                        + report.station() + " on topic " + r.topic() + " from the certificate of station "
                        + entry.station());
            }
            Coverage.Head head = heads.getOrDefault(r.device(), new Coverage.Head(0, ""));
            if (report.seq() != head.seq() + 1 || !report.prev().equals(head.hash())
                    || !Long.valueOf(report.seq()).equals(receipt.seq())) {
                problem(at + ": " + r.device() + " seq " + report.seq() + " (prev " + report.prev() + ") does not"
                        + " follow seq " + head.seq() + " (" + head.hash() + "): its chain is broken");
            }
            return report;
        } catch (RuntimeException e) {
            problem(at + ": chained message unreadable: " + e.getMessage());
            return null;
        }
    }

    /** The hub's decision on a chained report, redone: its reasons must follow from it and what came before. */
    private void decision(String at, Report report, Receipt receipt, Recount recount) {
        List<Finding> expected = recount.reasons(report, receipt.hubTime());
        Set<String> given = new TreeSet<>(receipt.reasons().stream().map(Finding::code).toList());
        Set<String> redone = new TreeSet<>(expected.stream().map(Finding::code).toList());
        if (receipt.accepted() && !redone.isEmpty()) {
            problem(at + ": accepted, but the hub's own checks reject it: " + expected.stream().map(Finding::toString)
                    .collect(java.util.stream.Collectors.joining("; ")));
        } else if (!given.equals(redone)) {
            problem(at + ": rejected for " + given + ", but the hub's own checks give " + (redone.isEmpty()
                    ? "no reason to reject it" : redone) + ": the rejection does not follow from the message");
        }
        if (receipt.accepted()) {
            recount.add(report);
        }
    }

    private void problem(String text) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(text);
        } else {
            moreProblems++;
        }
    }
}
