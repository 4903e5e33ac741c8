package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentMain;
import org.rts.agent.bundle.Bundle;
import org.rts.demo.RawDevice;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.export.Exporter;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.tally.LiveTally;
import org.rts.hub.units.Alerts;
import org.rts.protocol.Topics;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.export.ExportManifest;
import org.rts.protocol.export.ExportRecord;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.jws.Es256Signer;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Mode;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;
import org.rts.protocol.message.ResultReport;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.audit.CaPin;
import org.rts.provisioning.audit.ExportVerifier;

/**
 * A ballot of three constituencies, two of whose stations vote in two races, from the commission's CSV lists
 * through provisioning's and the unit's command lines, the hub and its export: each unit holds and offers its own
 * races only, another constituency's race is refused by the unit and, signed by a genuine unit all the same, by the
 * hub; the tally and the alerts are per constituency; the export verifies and recomputes them.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConstituencyIT {
    private static final Duration STEP = Duration.ofSeconds(60);
    /** Each station's ballot: S-1 and S-4 vote in the referendum and their council, the others in their council. */
    private static final Map<String, List<String>> BALLOTS = new LinkedHashMap<>();

    static {
        BALLOTS.put("S-1", List.of("referendum", "council-n1"));
        BALLOTS.put("S-2", List.of("council-n1"));
        BALLOTS.put("S-3", List.of("council-n2"));
        BALLOTS.put("S-4", List.of("referendum", "council-n2"));
        BALLOTS.put("S-5", List.of("council-s1"));
        BALLOTS.put("S-6", List.of("council-s1"));
    }

    @TempDir
    Path dir;

    /** The stations the hub has an open alert for, for want of a result. */
    private static List<String> noResult(Hub hub) {
        return hub.openAlerts().stream().filter(a -> a.rule() == Alerts.Rule.NO_RESULT).map(Alerts.Alert::subject)
                .toList();
    }

    @Test
    void three_constituencies_from_the_lists_to_the_verified_export() throws Exception {
        String id = "three-" + UUID.randomUUID().toString().substring(0, 8);
        ElectionFiles files = new ElectionFiles(dir.resolve("election"));
        initFromLists(id, files);
        List<Path> units = enrolSixUnits(files);
        Instant now = Instant.now();
        for (int i = 1; i <= 6; i++) {
            Election own = Bundle.load(units.get(i - 1), now).election();
            assertEquals(BALLOTS.get("S-" + i), own.allRaces().stream().map(Race::id).toList(),
                    "unit " + i + " holds exactly its station's races");
            assertEquals(1, own.stations().size(), "and its own station only");
        }

        Hub hub = Hub.start(HubConfig.of(files, Mosquitto.SHARED_URL, dir.resolve("hub.db"), "it-hub-" + id)
                .withSessionExpiry(Duration.ofMinutes(2))
                .withAlerts(Alerts.Settings.DEFAULT.with(Map.of("resultWindow", 1L))), Clock.systemUTC());
        Path export = dir.resolve("export");
        try {
            Wait.until("the hub is subscribed", STEP, hub::isConnected);
            // every station reports every race of its ballot but S-6, which never reports
            for (int i = 1; i <= 5; i++) {
                for (String race : BALLOTS.get("S-" + i)) {
                    assertEquals(AgentMain.ACCEPTED, AgentMain.run("result", "--bundle", units.get(i - 1).toString(),
                            "--file", tally(race, i).toString(), "--wait", "60"), race + " at S-" + i);
                }
            }
            Cli.Result refused = Cli.agent("result", "--bundle", units.get(1).toString(), "--file",
                    tally("council-s1", 2).toString(), "--wait", "5");
            assertNotEquals(AgentMain.ACCEPTED, refused.code(), refused.toString());
            assertTrue(refused.output().contains("RACE_NOT_ON_BALLOT"), refused.toString());

            // a genuine unit of the south, its agent tampered with, signs a result for the north's race
            BundleFiles six = new BundleFiles(units.get(5));
            Es256Signer key = new Es256Signer(Pem.readPrivateKey(six.deviceKey()), "dev-6",
                    Certificates.thumbprint(Pem.readCertificate(six.deviceCertificate())));
            byte[] foreign = key.sign(MessageCodec.encode(new ResultReport(Report.VERSION, id, Mode.LIVE,
                    "dev-6", "S-6", 1, "", "council-n1", 500, 600, 198, 2, 400, 10, List.of(300, 90),
                    Instant.now()))).getBytes(StandardCharsets.US_ASCII);
            try (RawDevice raw = new RawDevice(id, Mosquitto.SHARED_URL, "dev-6", files.hubCertificate())) {
                Receipt receipt = raw.send(Topics.RESULT, foreign, STEP);
                assertEquals(Receipt.Status.REJECTED, receipt.status());
                assertEquals(List.of("RACE_NOT_ON_BALLOT"), receipt.reasons().stream().map(Finding::code).toList());
            }

            LiveTally.Picture picture = LiveTally.compute(Election.readSigned(files.ballot(),
                    Pem.readCertificate(files.caCertificate())), hub.store());
            assertEquals(List.of("n1", "n2", "s1"), picture.constituencies().stream().map(LiveTally.Area::region)
                    .toList());
            assertEquals(List.of("referendum 1/1 {no=140, yes=250}", "council-n1 2/2 {a=500, b=280}"),
                    figures(picture.constituencies().get(0)));
            assertEquals(List.of("referendum 1/1 {no=140, yes=250}", "council-n2 2/2 {a=500, c=280}"),
                    figures(picture.constituencies().get(1)));
            assertEquals(List.of("council-s1 1/2 {d=250, e=140}"), figures(picture.constituencies().get(2)),
                    "S-6's result is pending; dev-6's vote for the north counted nowhere");

            // the alerts are evaluated every few seconds: one evaluated before S-5's last result came names S-5 too,
            // until the next evaluation closes it
            Wait.until("S-6 alone is alerted for its missing result", STEP, () -> noResult(hub).equals(
                    List.of("S-6")));
            assertEquals(List.of("S-6"), noResult(hub), "every other station reported every race of its ballot");
        } finally {
            hub.close();
        }

        try (ExportSnapshot snapshot = ExportSnapshot.open(dir.resolve("hub.db").toString())) {
            new Exporter(files, snapshot, Clock.systemUTC()).export(export);
        }
        ExportVerifier.Result verified = ExportVerifier.verify(export, CaPin.of(files.caCertificate()), List.of());
        assertTrue(verified.ok(), verified.problems().toString());
        List<String> rejected = new ArrayList<>();
        for (String line : Files.readAllLines(export.resolve("messages.jsonl"))) {
            ExportRecord r = org.rts.protocol.codec.Json.mapper().readValue(line, ExportRecord.class);
            if (r.status().equals(ExportRecord.REJECTED)) {
                Receipt receipt = MessageCodec.decodeReceipt(LoggedReceipt.decode(r.receipt()
                        .getBytes(StandardCharsets.US_ASCII)).leaf());
                rejected.add(r.device() + " " + receipt.reasons().stream().map(Finding::code).toList());
            }
        }
        assertEquals(List.of("dev-6 [RACE_NOT_ON_BALLOT]"), rejected, "the export shows the refusal and its reason");
        ExportManifest manifest = JsonFiles.read(export.resolve("manifest.json"), ExportManifest.class, "manifest");
        ExportManifest.RaceTally referendum = manifest.tally().races().get("referendum");
        assertEquals(List.of("S-1", "S-4"), referendum.stations());
        assertEquals(Map.of("yes", 500L, "no", 280L), referendum.votes());
        ExportManifest.Subtotal each = new ExportManifest.Subtotal(1, 400, 10, Map.of("yes", 250L, "no", 140L));
        assertEquals(Map.of("n1", each, "n2", each), referendum.constituencies(),
                "the national race's subtotal in each constituency");
        assertEquals(Map.of(), referendum.regions(), "voted in the north only: its total is that region's");
        assertEquals(List.of("S-5"), manifest.tally().races().get("council-s1").stations());
    }

    /** Lines like {@code council-n1 2/2 {a=500, b=280}}: reported of stations voting, and the votes. */
    private static List<String> figures(LiveTally.Area area) {
        return area.races().stream().map(r -> r.race() + " " + r.reported() + "/" + r.stations() + " "
                + new java.util.TreeMap<>(r.votes())).toList();
    }

    private void initFromLists(String id, ElectionFiles files) throws Exception {
        LocalDateTime closed = LocalDateTime.now(ZoneOffset.UTC).minusHours(1).truncatedTo(ChronoUnit.MINUTES);
        Path header = Files.writeString(dir.resolve("election.json"), """
                { "id": "%s", "name": "انتخابات ثلاث دوائر", "mode": "LIVE",
                  "polling": { "timeZone": "UTC", "turnoutAt": [], "closesAt": "%s" },
                  "constituencies": [
                    { "id": "n1", "name": "الشمال ١", "region": "North" },
                    { "id": "n2", "name": "الشمال ٢", "region": "North" },
                    { "id": "s1", "name": "الجنوب ١", "region": "South" } ] }
                """.formatted(id, closed));
        Path candidates = Files.writeString(dir.resolve("candidates.csv"), """
                race,race_name,constituency,candidate,candidate_name
                referendum,الاستفتاء,,yes,نعم
                referendum,الاستفتاء,,no,لا
                council-n1,"مجلس الشمال، الأول",n1,a,قائمة أ
                council-n1,"مجلس الشمال، الأول",n1,b,قائمة ب
                council-n2,"مجلس الشمال، الثاني",n2,a,قائمة أ
                council-n2,"مجلس الشمال، الثاني",n2,c,قائمة ج
                council-s1,مجلس الجنوب,s1,d,قائمة د
                council-s1,مجلس الجنوب,s1,e,قائمة هـ
                """);
        Path stations = Files.writeString(dir.resolve("stations.csv"), """
                station,name,centre,constituency,region,registered_voters,races
                S-1,مدرسة ١,C-1,n1,,500,
                S-2,مدرسة ٢,C-1,n1,,500,council-n1
                S-3,مدرسة ٣,C-2,n2,,500,council-n2
                S-4,مدرسة ٤,C-2,n2,,500,
                S-5,مدرسة ٥,C-3,s1,,500,council-s1
                S-6,مدرسة ٦,C-3,s1,,500,council-s1
                """);
        Cli.Result init = Cli.provisioning("init", "--dir", files.dir().toString(), "--ballot", header.toString(),
                "--stations", stations.toString(), "--candidates", candidates.toString());
        assertEquals(0, init.code(), init.toString());
        assertTrue(init.output().contains("3 constituencies, 4 races (1 national)"), init.toString());
    }

    /** Each unit makes its key and request, the technician enrols all six in one batch, each unit imports its own. */
    private List<Path> enrolSixUnits(ElectionFiles files) throws Exception {
        Path requests = Files.createDirectories(dir.resolve("requests"));
        StringBuilder plan = new StringBuilder("device,station\n");
        List<Path> units = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            Path unit = dir.resolve("unit-" + i);
            Cli.Result enrol = Cli.agent("enroll", "--bundle", unit.toString(), "--device", "dev-" + i);
            assertEquals(0, enrol.code(), enrol.toString());
            Files.copy(new BundleFiles(unit).request(), requests.resolve("dev-" + i + ".csr"));
            plan.append("dev-").append(i).append(",S-").append(i).append('\n');
            units.add(unit);
        }
        Path planFile = Files.writeString(dir.resolve("plan.csv"), plan);
        Cli.Result batch = Cli.provisioning("enroll-batch", "--dir", files.dir().toString(), "--plan",
                planFile.toString(), "--csr-dir", requests.toString(), "--broker", Mosquitto.SHARED_URL);
        assertEquals(0, batch.code(), batch.toString());
        for (int i = 1; i <= 6; i++) {
            Cli.Result imported = Cli.agent("import", "--bundle", units.get(i - 1).toString(), "--from",
                    files.bundle("dev-" + i).dir().toString());
            assertEquals(0, imported.code(), imported.toString());
        }
        return units;
    }

    /**
     * A reconciled tally of 500 registered, 400 in the box, 10 invalid: 250 and 140 for the race's two candidates
     * (the referendum's yes and no).
     */
    private Path tally(String race, int station) throws Exception {
        List<String> candidates = switch (race) {
            case "referendum" -> List.of("yes", "no");
            case "council-n1" -> List.of("a", "b");
            case "council-n2" -> List.of("a", "c");
            default -> List.of("d", "e");
        };
        return Files.writeString(dir.resolve(race + "-S-" + station + ".csv"), String.join("\n", "race," + race,
                "registered,500", "received,600", "unused,198", "spoiled,2", "inBox,400", "invalid,10",
                candidates.get(0) + ",250", candidates.get(1) + ",140"));
    }
}
