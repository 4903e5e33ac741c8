package org.rts.hub.export;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bouncycastle.cert.X509CertificateHolder;
import org.rts.hub.HubException;
import org.rts.hub.audit.HandAudit;
import org.rts.hub.check.ObserverPage;
import org.rts.hub.intake.AcceptedResult;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.store.PhotoStore;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.export.ExportRecord;
import org.rts.protocol.export.TallyCount;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;

/**
 * Writes an observer export ({@link ExportFiles}): the log of every message as received with its receipt, the
 * certificates and signed configuration needed to check them, and a manifest the hub signs. The bundle is written
 * beside its destination and renamed into place only when complete, so a folder with the export's name is always a
 * whole export. No private key is copied.
 */
public final class Exporter {
    private final ElectionFiles election;
    private final ExportSnapshot store;
    private final Clock clock;

    public Exporter(ElectionFiles election, ExportSnapshot store, Clock clock) {
        this.election = election;
        this.store = store;
        this.clock = clock;
    }

    /** What was written. */
    public record Summary(Path dir, long records, Map<String, Long> counts, int units) {
    }

    /** Writes the export to {@code out}, which must not exist; throws naming what failed, leaving nothing behind. */
    public Summary export(Path out) {
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            throw new HubException("export folder " + target + " already exists: an export is never written over"
                    + " another; choose a new folder");
        }
        X509CertificateHolder ca = Pem.readCertificate(election.caCertificate());
        Election ballot = Election.readSigned(election.ballot(), ca);
        Registry registry = Registry.readSigned(election.registry(), ca);
        ReceiptIssuer signer = new ReceiptIssuer(Pem.readPrivateKey(election.hubKey()),
                Pem.readCertificate(election.hubCertificate()));
        Path partial = null;
        try {
            Files.createDirectories(target.getParent());
            partial = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".partial-");
            ExportFiles files = new ExportFiles(partial);
            copy(election.caCertificate(), files.caCertificate());
            copy(election.hubCertificate(), files.hubCertificate());
            if (Files.exists(election.crl())) {
                copy(election.crl(), files.crl());
            }
            SignedFile.copyVerified(election.ballot(), files.ballot(), ca);
            SignedFile.copyVerified(election.registry(), files.registry(), ca);
            for (Registry.Entry e : registry.devices()) {
                String thumbprint = Certificates.thumbprint(Pem.parseCertificate(e.certificate()));
                write(files.deviceCertificate(thumbprint), e.certificate().getBytes(StandardCharsets.US_ASCII));
            }
            Map<String, Long> counts = new TreeMap<>();
            Map<String, ObserverPage.Answer> answers = new HashMap<>();
            Set<String> photos = new TreeSet<>();
            Map<String, Long> paths = new TreeMap<>();
            ExportSnapshot.Snapshot snapshot = writeMessages(files, ballot.id(), counts, paths, answers, photos);
            store.photos(photos, (sha, jpeg) -> write(files.photo(sha), jpeg));
            StringBuilder actions = new StringBuilder();
            for (var a : store.alertActions()) {
                actions.append(Json.mapper().writeValueAsString(a)).append('\n');
            }
            write(files.alertActions(), actions.toString().getBytes(StandardCharsets.UTF_8));
            var audit = store.audit();
            var record = HandAudit.record(ballot, audit.selection(ballot.id()).orElse(null),
                    audit.counts(ballot.id()), snapshot.results());
            if (record != null) {
                write(files.audit(), Json.pretty().writeValueAsBytes(record));
            }
            writeCheckPages(files, ballot, ca, registry, answers);
            ExportManifest manifest = new ExportManifest(ExportFiles.FORMAT, ballot.id(), ballot.mode(),
                    clock.instant(), Certificates.thumbprint(Pem.readCertificate(election.hubCertificate())),
                    fileEntries(partial), counts, units(snapshot), tally(ballot, snapshot, record), paths);
            write(files.manifest(), Json.pretty().writeValueAsBytes(manifest));
            signer.signFile(files.manifest());
            sync(partial);
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            partial = null;
            syncFolder(target.getParent());
            long records = counts.values().stream().mapToLong(Long::longValue).sum();
            return new Summary(target, records, counts, manifest.units().size());
        } catch (FileAlreadyExistsException e) {
            throw new HubException("export folder " + target + " appeared while the export was written; nothing was"
                    + " written over it");
        } catch (IOException e) {
            throw new HubException("cannot write the export to " + target + ": " + e + "; nothing was exported (a"
                    + " full disk? free space or choose another folder)", e);
        } finally {
            if (partial != null) {
                delete(partial);
            }
        }
    }

    /** The messages, and the receipt logs from the same view of the store. */
    private ExportSnapshot.Snapshot writeMessages(ExportFiles files, String electionId, Map<String, Long> counts,
                                                  Map<String, Long> paths, Map<String, ObserverPage.Answer> answers,
                                                  Set<String> photos)
            throws IOException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        try (BufferedWriter w = Files.newBufferedWriter(files.messages(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE); LogWriter logs = new LogWriter(files)) {
            long[] n = {0};
            ExportSnapshot.Snapshot snapshot = store.read(electionId, row -> {
                n[0]++;
                String path = row.status().equals(ExportRecord.RESEND) ? null : row.path();
                ExportRecord r = new ExportRecord(n[0], Instant.parse(row.receivedAt()), row.topic(), row.device(),
                        row.hash(), row.size(), row.status(), row.body() == null ? null : b64.encodeToString(row.body()),
                        new String(row.receipt(), StandardCharsets.US_ASCII), path);
                if (path != null && row.status().equals(ExportRecord.ACCEPTED)) {
                    paths.merge(path, 1L, Long::sum);
                }
                w.write(Json.mapper().writeValueAsString(r));
                w.write('\n');
                counts.merge(row.status(), 1L, Long::sum);
                if (row.topic().endsWith("/" + Topics.RESULT) && (row.status().equals(ExportRecord.ACCEPTED)
                        || row.status().equals(ExportRecord.REJECTED))) {
                    answers.put(row.hash(), new ObserverPage.Answer(stationOf(row.body()), row.status(),
                            Receipt.code(row.hash(), Receipt.Status.valueOf(row.status()))));
                    if (row.body() != null) {
                        PhotoStore.photoOf(new String(row.body(), StandardCharsets.US_ASCII))
                                .ifPresent(result -> photos.add(result.photo().sha256()));
                    }
                }
            }, logs);
            w.flush();
            return snapshot;
        }
    }

    /** The station a signed report names (null when its body is not kept or not a report). */
    private static String stationOf(byte[] body) {
        try {
            return body == null ? null : MessageCodec.decodeReport(Jws.parse(body).payload()).station();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The observer's check page: one for the election, or, where it has constituencies, an index and a page per
     * constituency with its own units only (a phone holds hundreds of certificates, not a nation's).
     */
    private static void writeCheckPages(ExportFiles files, Election ballot, X509CertificateHolder ca,
                                        Registry registry, Map<String, ObserverPage.Answer> answers)
            throws IOException {
        if (ballot.constituencies().isEmpty()) {
            write(files.checkPage(), ObserverPage.html(ballot, ca, registry, answers).getBytes(StandardCharsets.UTF_8));
            return;
        }
        write(files.checkPage(), ObserverPage.index(ballot).getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(files.checkPage(ballot.constituencies().get(0).id()).getParent());
        List<String> pages = new ArrayList<>(ballot.constituencies().stream().map(c -> c.id()).toList());
        if (ObserverPage.hasStationsWithoutConstituency(ballot)) {
            pages.add(ObserverPage.NO_CONSTITUENCY);
        }
        for (String page : pages) {
            write(files.checkPage(page), ObserverPage.html(ballot, page, ca, registry, answers)
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Writes each receipt log to its file: the head, then a leaf a line (its hash, and its receipt when kept). */
    private static final class LogWriter implements ExportSnapshot.LogSink, java.io.Closeable {
        private final ExportFiles files;
        private BufferedWriter out;

        LogWriter(ExportFiles files) {
            this.files = files;
        }

        @Override
        public void log(String log, String head) throws IOException {
            close();
            Files.createDirectories(files.receiptLogs());
            out = Files.newBufferedWriter(files.receiptLog(log), StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            out.write(head);
            out.write('\n');
        }

        @Override
        public void leaf(byte[] hash, byte[] receipt) throws IOException {
            out.write(Jws.encode(hash));
            if (receipt != null) {
                out.write(' ');
                out.write(Jws.encode(receipt));
            }
            out.write('\n');
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
                out = null;
            }
        }
    }

    private static List<ExportManifest.Unit> units(ExportSnapshot.Snapshot snapshot) {
        List<ExportManifest.Unit> units = new ArrayList<>();
        snapshot.heads().forEach((device, head) -> units.add(new ExportManifest.Unit(device, head.seq(), head.msg(),
                snapshot.dropped().getOrDefault(device, 0L))));
        snapshot.dropped().forEach((device, dropped) -> {
            if (!snapshot.heads().containsKey(device)) {
                units.add(new ExportManifest.Unit(device, 0, "", dropped));
            }
        });
        units.sort(Comparator.comparing(ExportManifest.Unit::device));
        return units;
    }

    /**
     * The tally as the hub's store holds it; an observer recomputes it from the messages. A result counts only for
     * a race on its station's ballot; one a hand count contradicts still counts, listed under audit.
     */
    static ExportManifest.Tally tally(Election ballot, ExportSnapshot.Snapshot snapshot,
                                      org.rts.protocol.audit.AuditRecord audit) {
        TallyCount count = new TallyCount(ballot);
        if (audit != null) {
            audit.counts().stream().filter(c -> Boolean.TRUE.equals(c.flagged()))
                    .forEach(c -> count.underAudit(c.count().station(), c.count().race()));
        }
        for (AcceptedResult r : snapshot.results()) {
            count.add(r.station(), r.race(), r.inBox(), r.invalid(), r.votes());
        }
        return count.tally(snapshot.turnout());
    }

    private static List<ExportManifest.FileEntry> fileEntries(Path dir) throws IOException {
        List<ExportManifest.FileEntry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = dir.relativize(p).toString().replace('\\', '/');
                entries.add(new ExportManifest.FileEntry(name, Files.size(p), sha256(p)));
            }
        }
        return entries;
    }

    /** base64url SHA-256 of a file's bytes, read as a stream. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (var in = Files.newInputStream(file); OutputStream sink = new DigestOutputStream(
                OutputStream.nullOutputStream(), digest)) {
            in.transferTo(sink);
        }
        return Jws.encode(digest.digest());
    }

    private static void copy(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            throw new HubException("cannot export: " + from + " is missing from the election folder");
        }
        write(to, Files.readAllBytes(from));
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Flushes every file and folder of the bundle to disk before it is renamed into place. */
    private static void sync(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                if (Files.isRegularFile(p)) {
                    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                        ch.force(true);
                    }
                } else {
                    syncFolder(p);
                }
            }
        }
    }

    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some file systems cannot sync a folder; the files in it are synced
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a partial folder left behind is named as such (.partial-) and never taken for an export
        }
    }
}
