package org.rts.demo;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.agent.Agent;
import org.rts.agent.AgentMain;
import org.rts.agent.AgentSettings;
import org.rts.agent.service.UnitService;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.HubMain;
import org.rts.hub.web.OpsRoom;
import org.rts.hub.web.Users;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Constituency;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.provisioning.ProvisioningMain;

/**
 * The demonstration: an embedded broker, a provisioned election of three stations, the hub, and one simulated
 * device per station sending turnout and results through the real command lines. One station's first tally breaks
 * a reconciliation rule and is refused on the device; a message signed by a key the election CA never issued is
 * rejected by the hub. Exits 0 only when every step behaved as expected.
 */
public final class Demo {
    static final String ELECTION = "demo-2026";

    /** One expectation and whether it held. */
    public record Check(String expectation, boolean passed, String evidence) {
    }

    private final Path dir;
    private final PrintStream out;
    private final List<Check> checks = new ArrayList<>();

    public Demo(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/demo-output").toAbsolutePath();
        Demo demo = new Demo(dir, System.out);
        List<Check> checks = demo.run();
        boolean passed = checks.stream().allMatch(Check::passed);
        if (passed && !"0".equals(System.getenv("RTS_DEMO_SERVE"))) {
            demo.serve();
        }
        System.exit(passed ? 0 : 1);
    }

    /** The operations room's demonstration user. */
    static final String OPERATOR = "operator";
    static final String OPERATOR_PASSWORD = "demo-password";

    /**
     * After the checks: the operations room stays up with the three units running as services, their batteries
     * running down fast, one of them losing its connection after a minute, until Ctrl-C.
     */
    void serve() throws Exception {
        System.setProperty("rts.simulated.mains", "false");
        System.setProperty("rts.simulated.percent", "60");
        System.setProperty("rts.simulated.drain", "1800"); // half a percent a second: alerts within minutes
        ElectionFiles files = new ElectionFiles(dir.resolve("election"));
        Path users = dir.resolve("ops-users");
        Files.writeString(users, Users.line(OPERATOR, OPERATOR_PASSWORD.toCharArray()) + "\n");
        PrintStream quiet = new PrintStream(Files.newOutputStream(dir.resolve("units.log")), true,
                StandardCharsets.UTF_8);
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"))) {
            Hub hub = Hub.start(HubConfig.of(files, broker.url(), (String) null, null)
                    .withSessionExpiry(Duration.ofHours(1))
                    .withOps(new OpsRoom("127.0.0.1", 8080, users)), Clock.systemUTC());
            List<UnitService> units = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                Agent agent = Agent.open(new AgentSettings(unit("dev-000" + i), null, broker.url(), 4,
                        Duration.ofSeconds(20), Duration.ofSeconds(5)), Clock.systemUTC(), quiet, "run");
                units.add(UnitService.start(agent, Clock.systemUTC(), null, Duration.ofSeconds(10)));
            }
            heading("Operations room");
            out.printf("page:    http://127.0.0.1:%d/   (user %s, password %s)%n", hub.opsPort(), OPERATOR,
                    OPERATOR_PASSWORD);
            out.printf("metrics: http://127.0.0.1:%d/metrics%n", hub.opsPort());
            out.println("Three units run, their batteries running down; dev-0003 loses its connection in a minute."
                    + " Ctrl-C stops.");
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                units.forEach(UnitService::close);
                hub.close();
                stop.countDown();
            }, "demo-stop"));
            if (!stop.await(60, TimeUnit.SECONDS)) {
                units.get(2).powerCut();
                out.println("dev-0003 lost its connection (its will tells the hub)");
                stop.await();
            }
        }
    }

    public List<Check> run() throws Exception {
        wipe(dir);
        ElectionFiles files = new ElectionFiles(dir.resolve("election"));
        heading("Starting an embedded MQTT v5 broker");
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir.resolve("broker"))) {
            out.println("broker listening at " + broker.url());

            heading("Provisioning: election CA, hub certificate; each unit makes its key and a request");
            Path ballot = dir.resolve("ballot.json");
            JsonFiles.write(ballot, ballot());
            check("election created", ProvisioningMain.run("init", "--dir", files.dir().toString(), "--ballot",
                    ballot.toString()) == 0, files.dir().toString());
            for (int i = 1; i <= 3; i++) {
                String device = "dev-000" + i;
                String unit = unit(device).toString();
                boolean keyMade = AgentMain.run("enroll", "--bundle", unit, "--device", device) == 0;
                boolean enrolled = ProvisioningMain.run("enroll", "--dir", files.dir().toString(), "--csr",
                        unit(device).resolve("device.csr").toString(), "--device", device, "--station",
                        "S-000" + i, "--broker", broker.url()) == 0;
                boolean imported = AgentMain.run("import", "--bundle", unit, "--from",
                        files.bundle(device).dir().toString()) == 0;
                check(device + " enrolled for S-000" + i + " (key made on the unit, bundle imported)",
                        keyMade && enrolled && imported, unit);
            }

            heading("Starting the hub");
            Hub hub = Hub.start(HubConfig.of(files, broker.url(), (String) null, null)
                    .withSessionExpiry(Duration.ofHours(1)), Clock.systemUTC());
            try {
                check("hub connected to the broker", waitFor(hub::isConnected, Duration.ofSeconds(30)),
                        broker.url());
                stations(files);
                forgery(files, broker.url());
                check("hub holds 6 accepted results, two per station", hub.store().results(ELECTION).size() == 6,
                        hub.store().results(ELECTION).size() + " results");
                Map<String, Integer> counts = hub.store().inboundCounts();
                check("hub rejected exactly the forged message", counts.getOrDefault("REJECTED", 0) == 1,
                        counts.toString());
            } finally {
                hub.close();
            }

            heading("Tally (hub tally --election " + files.dir() + ")");
            check("tally printed", HubMain.run("tally", "--election", files.dir().toString()) == 0, "");

            Path export = dir.resolve("export");
            heading("Observer export (hub export --election " + files.dir() + " --out " + export + ")");
            boolean exported = HubMain.run("export", "--election", files.dir().toString(), "--out",
                    export.toString()) == 0;
            String ca = files.caCertificate().toString();
            heading("Verifying the export (provisioning verify-export " + export + " --ca " + ca + ")");
            check("export written and verified", exported && ProvisioningMain.run("verify-export",
                    export.toString(), "--ca", ca) == 0, "verify it again: java -jar"
                    + " provisioning/target/provisioning.jar verify-export " + export + " --ca " + ca + " (VERIFY.md)");
            heading("Result slips and the observer's check page");
            List<Path> slips = Stream.of(1, 2, 3).map(i -> unit("dev-000" + i).resolve("slips/slip-1.png")).toList();
            String[] photos = Objects.requireNonNullElse(export.resolve("photos").toFile().list(), new String[0]);
            check("each station photographed its signed forms (the export holds the 6 photos, as signed), printed its"
                    + " result slip, and the export holds the page that checks a slip offline", photos.length == 6
                    && slips.stream().allMatch(Files::exists) && Files.exists(export.resolve("check.html")),
                    photos.length + " photos; open " + export.resolve("check.html") + " in a browser, give it "
                    + slips.get(0));
        }
        heading("Summary");
        for (Check c : checks) {
            out.printf("%s  %s%s%n", c.passed() ? "PASS" : "FAIL", c.expectation(),
                    c.evidence().isEmpty() ? "" : "  (" + c.evidence() + ")");
        }
        long failed = checks.stream().filter(c -> !c.passed()).count();
        out.printf("%d of %d checks passed. Election files, bundles and the hub's store are in %s%n",
                checks.size() - failed, checks.size(), dir);
        return checks;
    }

    private void stations(ElectionFiles files) throws Exception {
        Path tallies = Files.createDirectories(dir.resolve("tallies"));
        int[][] forms = {
                // received, unused, spoiled, inBox, invalid, votes x4
                {520, 108, 2, 410, 8, 150, 120, 90, 42},
                {500, 118, 4, 378, 6, 100, 130, 80, 62},
                // S-0003 as first entered: 460 in the box at a station of 450 voters (unused ballots counted in)
                {470, 10, 0, 460, 5, 200, 150, 80, 25}};
        int[] registered = {500, 480, 450};
        int[] turnout = {410, 378, 400};
        for (int i = 0; i < 3; i++) {
            String device = "dev-000" + (i + 1);
            String bundle = unit(device).toString();
            heading("Station S-000" + (i + 1) + ": turnout at 17:00, then the result");
            Run t = agent("turnout", "--bundle", bundle, "--voters", String.valueOf(turnout[i]), "--at",
                    Instant.parse("2026-11-22T17:00:00Z").toString(), "--wait", "30");
            check(device + " turnout accepted with a receipt", t.code() == AgentMain.ACCEPTED, t.receiptLine());
            Path csv = tallies.resolve("S-000" + (i + 1) + ".csv");
            Files.writeString(csv, csv(registered[i], forms[i]));
            Run r = agent("result", "--bundle", bundle, "--file", csv.toString(), "--wait", "30");
            int[] accepted = forms[i];
            if (i < 2) {
                check(device + " result accepted with a receipt", r.code() == AgentMain.ACCEPTED, r.receiptLine());
            } else {
                check(device + " refuses the first tally, naming the rule",
                        r.code() == AgentMain.REFUSED && r.output().contains("RECONCILIATION_FAILED:OVER_VOTING"),
                        "exit " + r.code() + ", OVER_VOTING");
                out.println("\n-- the officer recounts: 60 unused ballots had been counted as in the box --");
                accepted = new int[] {470, 70, 0, 400, 5, 170, 130, 70, 25};
                Files.writeString(csv, csv(registered[i], accepted));
                Run fixed = agent("result", "--bundle", bundle, "--file", csv.toString(), "--wait", "30");
                check(device + " corrected result accepted", fixed.code() == AgentMain.ACCEPTED,
                        fixed.receiptLine());
            }
            boolean karkh = i < 2;
            String council = karkh ? "council-karkh" : "council-rusafa";
            Path councilCsv = tallies.resolve("S-000" + (i + 1) + "-council.csv");
            Files.writeString(councilCsv, councilCsv(council, registered[i], accepted, karkh ? "karkh-a" : "rusafa-a",
                    karkh ? "karkh-b" : "rusafa-b"));
            Run c = agent("result", "--bundle", bundle, "--file", councilCsv.toString(), "--wait", "30");
            check(device + " result for its constituency's council accepted", c.code() == AgentMain.ACCEPTED,
                    c.receiptLine());
            if (i == 0) {
                heading("S-0001 is in Karkh: a tally for Rusafa's council is not on its ballot");
                Path other = tallies.resolve("S-0001-rusafa.csv");
                Files.writeString(other, councilCsv("council-rusafa", registered[i], accepted, "rusafa-a",
                        "rusafa-b"));
                Run refused = agent("result", "--bundle", bundle, "--file", other.toString(), "--wait", "30");
                check(device + " refuses another constituency's race", refused.code() != AgentMain.ACCEPTED
                        && refused.output().contains("RACE_NOT_ON_BALLOT"), "exit " + refused.code()
                        + ", RACE_NOT_ON_BALLOT");
            }
        }
    }

    /** Someone who never got a certificate from the election CA makes one of their own and signs a result. */
    private void forgery(ElectionFiles files, String brokerUrl) throws Exception {
        heading("A forged result for S-0002, signed by a key the election CA never issued");
        Instant now = Instant.now();
        ECPrivateKeyParameters caKey = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder rogueCa = CertificateIssuer.selfSignedCa(ELECTION, caKey, now, Duration.ofDays(1));
        ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder cert = new CertificateIssuer(rogueCa, caKey).deviceCertificate(ELECTION, "dev-0002",
                "S-0002", Keys.publicOf(key), now, Duration.ofDays(1));
        ResultReport forged = new ResultReport(1, ELECTION, Mode.LIVE, "dev-0002", "S-0002", 3, "A".repeat(43),
                "parliament", 480, 500, 118, 4, 378, 6, List.of(10, 10, 350, 2), now);
        byte[] bytes = new Es256Signer(key, "dev-0002", Certificates.thumbprint(cert))
                .sign(MessageCodec.encode(forged)).getBytes(StandardCharsets.US_ASCII);
        try (RawDevice raw = new RawDevice(ELECTION, brokerUrl, "dev-0002", files.hubCertificate())) {
            Receipt receipt = raw.send(Topics.RESULT, bytes, Duration.ofSeconds(30));
            out.println("hub answered: " + receipt.status() + " " + receipt.reasons());
            check("forged result rejected with CERTIFICATE_UNTRUSTED",
                    !receipt.accepted() && receipt.reasons().stream().map(Finding::code).toList()
                            .equals(List.of("CERTIFICATE_UNTRUSTED")), receipt.reasons().toString());
        }
    }

    /** The unit's own folder: its key, the imported bundle, its outbox. */
    private Path unit(String device) {
        return dir.resolve("units").resolve(device);
    }

    /**
     * A national race and two constituencies of Baghdad, each with its council: S-0001 and S-0002 vote in Karkh,
     * S-0003 in Rusafa; every station votes in two races.
     */
    private static Election ballot() {
        List<Candidate> karkh = List.of(new Candidate("karkh-a", "Tigris list"), new Candidate("karkh-b",
                "Green Zone list"));
        List<Candidate> rusafa = List.of(new Candidate("rusafa-a", "Palm list"), new Candidate("rusafa-b",
                "Rafidain list"));
        return new Election(ELECTION, "Demonstration general election 2026", Mode.LIVE,
                List.of(new Race("parliament", "Parliament", List.of(new Candidate("list-1", "Hope list"),
                        new Candidate("list-2", "Future list"), new Candidate("list-3", "Unity list"),
                        new Candidate("list-4", "Independents")))),
                List.of(new Constituency("karkh", "Baghdad, Karkh", "Baghdad",
                                List.of(new Race("council-karkh", "Council, Karkh", karkh))),
                        new Constituency("rusafa", "Baghdad, Rusafa", "Baghdad",
                                List.of(new Race("council-rusafa", "Council, Rusafa", rusafa)))),
                List.of(new Station("S-0001", "Al-Mansour secondary school, room 1", 500, null, "C-001", "karkh",
                                null),
                        new Station("S-0002", "Al-Mansour secondary school, room 2", 480, null, "C-001", "karkh",
                                null),
                        new Station("S-0003", "Al-Rusafa primary school, room 1", 450, null, "C-002", "rusafa",
                                null)), Tolerances.DEFAULT, null, Election.Photos.REQUIRED);
    }

    /** A council's tally: the same ballots in the box as the station's parliament result, split between two lists. */
    private static String councilCsv(String race, int registered, int[] f, String a, String b) {
        int valid = f[3] - f[4];
        return String.join("\n", "field,value", "race," + race, "registered," + registered, "received," + f[0],
                "unused," + f[1], "spoiled," + f[2], "inBox," + f[3], "invalid," + f[4], a + "," + (valid * 3 / 5),
                b + "," + (valid - valid * 3 / 5)) + "\n";
    }

    private static String csv(int registered, int[] f) {
        return String.join("\n", "field,value", "race,parliament", "registered," + registered, "received," + f[0],
                "unused," + f[1], "spoiled," + f[2], "inBox," + f[3], "invalid," + f[4], "list-1," + f[5],
                "list-2," + f[6], "list-3," + f[7], "list-4," + f[8]) + "\n";
    }

    /** What one agent command printed and returned. */
    record Run(int code, String output) {
        String receiptLine() {
            return output.lines().filter(l -> l.contains("Receipt code:")).map(l -> l.replace("|", "").strip())
                    .findFirst().orElse("exit " + code);
        }
    }

    /** Runs the device agent's command line, showing its output and keeping a copy to check. */
    private Run agent(String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setOut(tee(originalOut, copy));
        System.setErr(tee(originalErr, copy));
        try {
            return new Run(AgentMain.run(args), copy.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    /** What the agent prints, shown as it comes and kept for the checks. */
    private static PrintStream tee(PrintStream shown, ByteArrayOutputStream kept) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                shown.write(b);
                kept.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                shown.write(b, off, len);
                kept.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
    }

    private void check(String expectation, boolean passed, String evidence) {
        checks.add(new Check(expectation, passed, evidence));
        if (!passed) {
            out.println("!! expected: " + expectation + " (" + evidence + ")");
        }
    }

    private void heading(String title) {
        out.println("\n== " + title);
    }

    private static boolean waitFor(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    private static void wipe(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(dir);
    }
}
