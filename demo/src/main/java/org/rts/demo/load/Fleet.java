package org.rts.demo.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.message.TurnoutReport;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;

/**
 * An election with many polling-station units for load tests and the benchmark. The election directory is made by
 * provisioning; the units' identities (a key and a certificate bound to one station each) are made in memory and
 * registered in one signed registry, as enrolling thousands of real units would leave it. Each unit signs its own
 * chain of turnout reports.
 */
public final class Fleet {
    /** Voters registered at every station: room for any number of rising turnout reports. */
    static final int REGISTERED = 1_000_000;

    private final ElectionFiles files;
    private final Election election;
    private final List<Unit> units;

    private Fleet(ElectionFiles files, Election election, List<Unit> units) {
        this.files = files;
        this.election = election;
        this.units = units;
    }

    /** Creates the election in {@code dir} with {@code count} stations and one enrolled unit for each. */
    public static Fleet create(Path dir, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("units must be >= 1, found: " + count);
        }
        Clock clock = Clock.systemUTC();
        String id = "load-" + Long.toString(System.nanoTime() & 0xFFFFFFFFL, 36);
        List<Station> stations = IntStream.rangeClosed(1, count)
                .mapToObj(i -> new Station(station(i), "Station " + i, REGISTERED)).toList();
        Election election = new Election(id, "Load test", Mode.LIVE, List.of(new Race("r", "Race",
                List.of(new Candidate("a", "A"), new Candidate("b", "B")))), stations, Tolerances.DEFAULT);
        ElectionFiles files = new ElectionFiles(dir);
        new ElectionSetup(clock).create(files, election);
        ElectionAuthority authority = ElectionAuthority.load(files, clock);
        Instant from = clock.instant().minus(ElectionSetup.BACKDATE);
        record Made(Unit unit, Registry.Entry entry) {
        }
        List<Made> made = IntStream.rangeClosed(1, count).parallel().mapToObj(i -> {
            String device = "unit-" + String.format("%05d", i);
            ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
            X509CertificateHolder cert = authority.issuer().deviceCertificate(id, device, station(i),
                    Keys.publicOf(key), from, ElectionSetup.VALIDITY);
            return new Made(new Unit(id, device, station(i), new Es256Signer(key, device,
                    Certificates.thumbprint(cert)), Keys.publicOf(key)), new Registry.Entry(device, station(i), Pem.encode(cert),
                    Registry.Status.ACTIVE, clock.instant(), null));
        }).toList();
        authority.save(new Registry(id, authority.registry().version(), null,
                made.stream().map(Made::entry).toList()));
        return new Fleet(files, election, made.stream().map(Made::unit).toList());
    }

    private static String station(int i) {
        return "S-" + String.format("%05d", i);
    }

    public ElectionFiles files() {
        return files;
    }

    public Election election() {
        return election;
    }

    public List<Unit> units() {
        return units;
    }

    /**
     * {@code perUnit} turnout reports from every unit, signed on all cores, in the order a burst would bring them:
     * every unit's first, then every unit's second, and so on.
     */
    public List<Message> sign(int perUnit) {
        List<List<Message>> byUnit = units.parallelStream().map(u -> {
            List<Message> list = new ArrayList<>(perUnit);
            for (int i = 0; i < perUnit; i++) {
                list.add(u.next());
            }
            return list;
        }).toList();
        List<Message> order = new ArrayList<>(perUnit * units.size());
        for (int i = 0; i < perUnit; i++) {
            for (List<Message> list : byUnit) {
                order.add(list.get(i));
            }
        }
        return order;
    }

    /** A signed message of one unit, at its place in the unit's chain. */
    public record Message(Unit unit, long seq, String topic, byte[] bytes, String hash) {
    }

    /** One unit: its identity and the end of its chain. */
    public static final class Unit {
        private final String election;
        private final String id;
        private final String station;
        private final Es256Signer signer;
        private final ECPublicKeyParameters publicKey;
        private long seq;
        private String prev = "";

        Unit(String election, String id, String station, Es256Signer signer, ECPublicKeyParameters publicKey) {
            this.election = election;
            this.id = id;
            this.station = station;
            this.signer = signer;
            this.publicKey = publicKey;
        }

        public String id() {
            return id;
        }

        /** The key the hub checks the unit's signatures with. */
        public ECPublicKeyParameters publicKey() {
            return publicKey;
        }

        /** The sequence number of the last message signed. */
        public synchronized long seq() {
            return seq;
        }

        /** The unit's result for the race, next in its chain: {@code a} and {@code b} votes, 1,000 ballots received. */
        public synchronized Message result(int a, int b) {
            ResultReport report = new ResultReport(1, election, Mode.LIVE, id, station, seq + 1, prev, "r", REGISTERED,
                    1000, 1000 - a - b, 0, a + b, 0, List.of(a, b), Instant.now());
            byte[] bytes = signer.sign(MessageCodec.encode(report)).getBytes(StandardCharsets.US_ASCII);
            seq++;
            prev = Jws.hash(bytes);
            return new Message(this, seq, Topics.report(election, id, Topics.RESULT), bytes, prev);
        }

        /** The next turnout report of the unit's chain, signed (turnout rises by one voter a report). */
        public synchronized Message next() {
            TurnoutReport report = new TurnoutReport(1, election, Mode.LIVE, id, station, seq + 1, prev,
                    Instant.now(), (int) Math.min(REGISTERED, seq + 1));
            byte[] bytes = signer.sign(MessageCodec.encode(report)).getBytes(StandardCharsets.US_ASCII);
            seq++;
            prev = Jws.hash(bytes);
            return new Message(this, seq, Topics.report(election, id, Topics.TURNOUT), bytes, prev);
        }
    }
}
