package org.rts.hub.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Constituency;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Csr;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;
import org.rts.provisioning.enrolment.Enrolment;

/**
 * An election made by the real provisioning code: 3 stations (S-1: 500, S-2: 480, S-3: 450 voters), one race of 3
 * candidates, devices dev-1..dev-3 enrolled for S-1..S-3. Each election has an id of its own ({@link #id}), and so
 * its own topics: tests running at once on one broker never hear each other.
 */
public final class TestElection {
    public static final Instant NOW = Instant.parse("2026-11-22T18:30:00Z");
    public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    /** The receipt log's name, the hub's client id in tests. */
    public static final String LOG = "rts-hub-test";
    private static final Race PARLIAMENT = new Race("parliament", "Parliament", List.of(new Candidate("a", "Alpha"),
            new Candidate("b", "Beta"), new Candidate("c", "Gamma")));
    public final String id;
    public final ElectionFiles files;
    public final Election election;

    public TestElection(Path dir, String brokerUrl, Mode mode) {
        this(dir, brokerUrl, mode, CLOCK);
    }

    /** Certificates are issued from two days before {@code clock}'s now, for a year. */
    public TestElection(Path dir, String brokerUrl, Mode mode, Clock clock) {
        this(dir, brokerUrl, mode, clock, randomId());
    }

    /** With a given election id, for inputs kept in files (fuzzing seeds). */
    public TestElection(Path dir, String brokerUrl, Mode mode, Clock clock, String id) {
        this(dir, brokerUrl, clock, singleList(id, mode, null));
    }

    private static Election singleList(String id, Mode mode, org.rts.protocol.election.Polling polling) {
        return new Election(id, "Test election", mode, List.of(PARLIAMENT),
                List.of(new Station("S-1", "Station one", 500), new Station("S-2", "Station two", 480),
                        new Station("S-3", "Station three", 450)), Tolerances.DEFAULT, polling);
    }

    /**
     * The same stations and devices in two constituencies: national race parliament; constituency north (region
     * Nineveh, race north-council of candidates x and y) holds S-1, which votes in both races, and S-2, which votes
     * in north-council only; constituency south (region Basra, race south-council of x and y) holds S-3, which
     * votes in both.
     */
    public static TestElection withConstituencies(Path dir, String brokerUrl) {
        List<Candidate> two = List.of(new Candidate("x", "Xi"), new Candidate("y", "Ypsilon"));
        return new TestElection(dir, brokerUrl, CLOCK, new Election(randomId(), "Test election", Mode.LIVE,
                List.of(PARLIAMENT), List.of(
                        new Constituency("north", "North", "Nineveh", List.of(new Race("north-council", "North", two))),
                        new Constituency("south", "South", "Basra", List.of(new Race("south-council", "South", two)))),
                List.of(new Station("S-1", "Station one", 500, null, "C-1", "north", null),
                        new Station("S-2", "Station two", 480, null, "C-1", "north", List.of("north-council")),
                        new Station("S-3", "Station three", 450, null, "C-2", "south", null)),
                Tolerances.DEFAULT, null));
    }

    /** The single-list election whose results carry the photo of their signed form ({@code photos}). */
    public static TestElection withPhotos(Path dir, String brokerUrl, Clock clock, Election.Photos photos) {
        Election e = singleList(randomId(), Mode.LIVE, null);
        return new TestElection(dir, brokerUrl, clock, new Election(e.id(), e.name(), e.mode(), e.races(),
                e.constituencies(), e.stations(), e.tolerances(), e.polling(), photos));
    }

    /** The single-list election with its polls closing at {@code closes} (time zone UTC). */
    public static TestElection closingAt(Path dir, String brokerUrl, Instant closes) {
        return new TestElection(dir, brokerUrl, CLOCK, singleList(randomId(), Mode.LIVE,
                new org.rts.protocol.election.Polling("UTC", List.of(),
                        java.time.LocalDateTime.ofInstant(closes, ZoneOffset.UTC))));
    }

    /** The single-list election with a race of {@code candidates} candidates ({@code c1}, {@code c2}, ...). */
    public static TestElection withCandidates(Path dir, String brokerUrl, Clock clock, int candidates) {
        List<Candidate> list = new java.util.ArrayList<>();
        for (int i = 1; i <= candidates; i++) {
            list.add(new Candidate("c" + i, "Candidate " + i));
        }
        Election e = singleList(randomId(), Mode.LIVE, null);
        return new TestElection(dir, brokerUrl, clock, new Election(e.id(), e.name(), e.mode(),
                List.of(new Race("parliament", "Parliament", list)), e.stations(), e.tolerances()));
    }

    /** Iraq's eighteen governorates, as a national ballot's regions. */
    public static final List<String> GOVERNORATES = List.of("بغداد", "البصرة", "نينوى", "أربيل", "النجف", "كربلاء",
            "بابل", "الأنبار", "ديالى", "كركوك", "صلاح الدين", "واسط", "ميسان", "ذي قار", "المثنى", "القادسية", "دهوك",
            "السليمانية");

    /**
     * A single-list election of {@code stations} stations spread over {@link #GOVERNORATES}, polls closing at
     * {@code closes} (UTC); the units dev-1..3 enrolled at S-1..3 like the others.
     */
    public static TestElection national(Path dir, String brokerUrl, int stations, Instant closes) {
        List<Station> all = new java.util.ArrayList<>();
        for (int i = 1; i <= stations; i++) {
            all.add(new Station("S-" + i, "Station " + i, 400 + i % 200, GOVERNORATES.get(i % GOVERNORATES.size())));
        }
        return new TestElection(dir, brokerUrl, CLOCK, new Election(randomId(), "National test election", Mode.LIVE,
                List.of(PARLIAMENT), all, Tolerances.DEFAULT, new org.rts.protocol.election.Polling("UTC", List.of(),
                java.time.LocalDateTime.ofInstant(closes, ZoneOffset.UTC))));
    }

    /**
     * A single-list election of {@code stations} stations of 500 voters spread over {@link #GOVERNORATES}, a race
     * of {@code candidates} candidates ({@code c1}, {@code c2}, ...), a unit enrolled at every station (dev-n at S-n).
     */
    public static TestElection everyStation(Path dir, String brokerUrl, int stations, int candidates) {
        List<Candidate> list = new java.util.ArrayList<>();
        for (int i = 1; i <= candidates; i++) {
            list.add(new Candidate("c" + i, "Candidate " + i));
        }
        List<Station> all = new java.util.ArrayList<>();
        for (int i = 1; i <= stations; i++) {
            all.add(new Station("S-" + i, "Station " + i, 500, GOVERNORATES.get(i % GOVERNORATES.size())));
        }
        return new TestElection(dir, brokerUrl, CLOCK, new Election(randomId(), "Test election", Mode.LIVE,
                List.of(new Race("parliament", "Parliament", list)), all, Tolerances.DEFAULT), stations);
    }

    private static String randomId() {
        return "test-" + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 40, 1L << 41),
                36);
    }

    private TestElection(Path dir, String brokerUrl, Clock clock, Election election) {
        this(dir, brokerUrl, clock, election, 3);
    }

    private TestElection(Path dir, String brokerUrl, Clock clock, Election election, int units) {
        this.id = election.id();
        this.files = new ElectionFiles(dir);
        this.election = election;
        Clock past = Clock.offset(clock, Duration.ofDays(-2));
        new ElectionSetup(past).create(files, election);
        Enrolment enrolment = new Enrolment(ElectionAuthority.load(files, past));
        for (int i = 1; i <= units; i++) {
            enrolment.enrol(request(files.bundle("dev-" + i), "dev-" + i), "dev-" + i, "S-" + i, brokerUrl);
        }
    }

    /** The hub's intake for this election over {@code store}, with the registry and hub key provisioning wrote. */
    public org.rts.hub.intake.Intake intake(org.rts.hub.store.MessageStore store) {
        org.rts.hub.registry.RegistryWatch registry = new org.rts.hub.registry.RegistryWatch(files.registry(),
                files.crl(), Pem.readCertificate(files.caCertificate()), id);
        return new org.rts.hub.intake.Intake(election, new org.rts.hub.validation.Verification(
                new org.rts.hub.validation.Authenticator(election,
                registry::current)), store, receiptLog(store), CLOCK);
    }

    /** The hub's receipt log for this election, as the store holds it. */
    public org.rts.protocol.merkle.ReceiptLog receiptLog(org.rts.hub.store.MessageStore store) {
        org.rts.protocol.merkle.ReceiptLog log = receiptLog();
        store.load(log);
        return log;
    }

    /** An empty receipt log of this election's hub (for a store that starts empty, or a test's own store). */
    public org.rts.protocol.merkle.ReceiptLog receiptLog() {
        return new org.rts.protocol.merkle.ReceiptLog(id, LOG, new org.rts.hub.receipt.ReceiptIssuer(
                Pem.readPrivateKey(files.hubKey()), Pem.readCertificate(files.hubCertificate())).signer());
    }

    /** The receipt in what the hub published, checked against this election's hub certificate and log. */
    public org.rts.protocol.message.Receipt receipt(byte[] published) {
        return org.rts.protocol.merkle.LoggedReceipt.decode(published).check(org.rts.protocol.pki.Certificates
                .publicKey(Pem.readCertificate(files.hubCertificate())), id).receipt();
    }

    /** What 'device-agent enroll' does on a unit: a key that stays in the bundle, and a certificate request. */
    public static Path request(BundleFiles bundle, String deviceId) {
        Csr.writeRequest(bundle.deviceKey(), bundle.request(), deviceId);
        return bundle.request();
    }

    public Device device(int n) {
        return device(n, "S-" + n);
    }

    /** Device {@code n} with the certificate its bundle holds now, for {@code station} (after a re-assignment). */
    public Device device(int n, String station) {
        var bundle = files.bundle("dev-" + n);
        X509CertificateHolder cert = Pem.readCertificate(bundle.deviceCertificate());
        return new Device(id, "dev-" + n, station, election.mode(), Pem.readPrivateKey(bundle.deviceKey()),
                Certificates.thumbprint(cert));
    }

    /** Device {@code n}'s key and certificate, signing as device {@code claimedId} (a lie the hub must catch). */
    public Device impostor(int n, String claimedId) {
        var bundle = files.bundle("dev-" + n);
        X509CertificateHolder cert = Pem.readCertificate(bundle.deviceCertificate());
        return new Device(id, claimedId, "S-" + n, election.mode(), Pem.readPrivateKey(bundle.deviceKey()),
                Certificates.thumbprint(cert));
    }

    /** A device whose key and certificate come from a CA the election never trusted, claiming a real device id. */
    public Device rogue(int n) {
        Instant from = Instant.now().minus(Duration.ofDays(400));
        ECPrivateKeyParameters caKey = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder ca = CertificateIssuer.selfSignedCa(id, caKey, from, Duration.ofDays(800));
        ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder cert = new CertificateIssuer(ca, caKey).deviceCertificate(id, "dev-" + n, "S-" + n,
                Keys.publicOf(key), from, Duration.ofDays(800));
        return new Device(id, "dev-" + n, "S-" + n, election.mode(), key, Certificates.thumbprint(cert));
    }

    /** Signs reports as one device and tracks its chain (sequence and previous hash). */
    public static final class Device {
        public final String election;
        public final String id;
        public final String station;
        private final Mode mode;
        private final Es256Signer signer;
        public long seq;
        public String prev = "";

        Device(String election, String id, String station, Mode mode, ECPrivateKeyParameters key, String thumbprint) {
            this.election = election;
            this.id = id;
            this.station = station;
            this.mode = mode;
            this.signer = new Es256Signer(key, id, thumbprint);
        }

        public byte[] sign(Report report) {
            return signer.sign(MessageCodec.encode(report)).getBytes(StandardCharsets.US_ASCII);
        }

        public byte[] signRaw(byte[] payload) {
            return signer.sign(payload).getBytes(StandardCharsets.US_ASCII);
        }

        /** Advances the chain past {@code message}, as the device's outbox would. */
        public byte[] chain(byte[] message) {
            seq++;
            prev = Jws.hash(message);
            return message;
        }

        public TurnoutReport turnout(int voters) {
            return new TurnoutReport(1, election, mode, id, station, seq + 1, prev, NOW, voters);
        }

        /** A result that reconciles at a station of 500: 400 in box, 390 valid + 10 invalid. */
        public ResultReport result(int a, int b, int c) {
            return result(500, 600, 198, 2, 400, 10, List.of(a, b, c));
        }

        /** A result for {@code race} that reconciles at a station of {@code registered} (at least 395). */
        public ResultReport result(String race, int registered, List<Integer> votes) {
            return new ResultReport(1, election, mode, id, station, seq + 1, prev, race, registered, 600, 198, 2,
                    400, 10, votes, NOW);
        }

        public ResultReport result(int registered, int received, int unused, int spoiled, int inBox, int invalid,
                                   List<Integer> votes) {
            return new ResultReport(1, election, mode, id, station, seq + 1, prev, "parliament", registered, received,
                    unused, spoiled, inBox, invalid, votes, NOW);
        }
    }
}
