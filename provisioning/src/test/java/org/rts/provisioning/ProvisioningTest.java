package org.rts.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Polling;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.DeviceConfig;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Crl;
import org.rts.protocol.pki.Csr;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;
import org.rts.provisioning.enrolment.Enrolment;
import org.rts.provisioning.revocation.Revocation;

class ProvisioningTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T09:00:00Z"), ZoneOffset.UTC);
    private static final String BROKER = "ssl://127.0.0.1:8883";

    @TempDir
    Path dir;

    private ElectionFiles files;
    private Enrolment enrolment;

    private ElectionFiles create(Path where, Mode mode) {
        return create(where, mode, CLOCK, null);
    }

    /** An election made at {@code clock}'s time whose polls close at {@code closesAt} in Baghdad (null: not said). */
    private static ElectionFiles create(Path where, Mode mode, Clock clock, String closesAt) {
        ElectionFiles f = new ElectionFiles(where);
        new ElectionSetup(clock).create(f, new Election("el-" + mode.name().toLowerCase(), "Election", mode,
                List.of(new Race("r", "Race", List.of(new Candidate("a", "A")))),
                List.of(new Station("S-1", "One", 100), new Station("S-2", "Two", 100)), null,
                closesAt == null ? null : new Polling("Asia/Baghdad", List.of(), LocalDateTime.parse(closesAt))));
        return f;
    }

    @BeforeEach
    void setUp() {
        files = create(dir.resolve("live"), Mode.LIVE);
        enrolment = new Enrolment(ElectionAuthority.load(files, CLOCK));
    }

    /** A unit's request, made as 'device-agent enroll' does. */
    private Path request(String deviceId) {
        BundleFiles unit = new BundleFiles(dir.resolve("units").resolve(deviceId + "-" + System.nanoTime()));
        Csr.writeRequest(unit.deviceKey(), unit.request(), deviceId);
        return unit.request();
    }

    private Registry registry() {
        return ElectionAuthority.load(files, CLOCK).registry();
    }

    @Test
    void enrols_from_a_request_without_ever_holding_the_key_and_is_idempotent() throws Exception {
        Path csr = request("dev-1");
        Enrolment.Outcome first = enrolment.enrol(csr, "dev-1", "S-1", BROKER);
        assertTrue(first.created());
        assertFalse(Files.exists(first.bundle().deviceKey()), "provisioning writes no device key");
        assertTrue(Files.exists(first.bundle().dir().resolve("label.png")));
        Enrolment.Outcome again = enrolment.enrol(csr, "dev-1", "S-1", BROKER);
        assertFalse(again.created());
        assertEquals(first.thumbprint(), again.thumbprint());
        assertEquals(1, registry().devices().size());
        var binding = Certificates.binding(Pem.readCertificate(first.bundle().deviceCertificate())).orElseThrow();
        assertEquals(new Certificates.Binding("dev-1", "el-live", "S-1"), binding);
    }

    @Test
    void refuses_a_request_for_another_device_id() {
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> enrolment.enrol(request("dev-9"), "dev-1", "S-1", BROKER));
        assertTrue(e.getMessage().contains("asks for device 'dev-9'"), e.getMessage());
        assertEquals(0, registry().devices().size());
    }

    @Test
    void refuses_a_request_whose_signature_does_not_match_its_key() throws Exception {
        Path csr = request("dev-1");
        String pem = Files.readString(csr);
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = java.util.Base64.getDecoder().decode(body);
        der[der.length - 5] ^= 0x01; // flip a bit inside the signature
        Files.writeString(csr, "-----BEGIN CERTIFICATE REQUEST-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(der) + "\n-----END CERTIFICATE REQUEST-----\n");
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> enrolment.enrol(csr, "dev-1", "S-1", BROKER));
        assertTrue(e.getMessage().contains("proof of possession"), e.getMessage());
    }

    @Test
    void one_device_per_station_in_a_live_election_but_several_in_a_drill() {
        enrolment.enrol(request("dev-1"), "dev-1", "S-1", BROKER);
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> enrolment.enrol(request("dev-2"), "dev-2", "S-1", BROKER));
        assertTrue(e.getMessage().contains("already has device dev-1"), e.getMessage());

        ElectionFiles drill = create(dir.resolve("drill"), Mode.DRILL);
        Enrolment drillEnrolment = new Enrolment(ElectionAuthority.load(drill, CLOCK));
        drillEnrolment.enrol(request("dev-1"), "dev-1", "S-1", BROKER);
        assertTrue(drillEnrolment.enrol(request("dev-2"), "dev-2", "S-1", BROKER).created());
    }

    @Test
    void a_batch_with_a_duplicate_device_enrols_nothing_and_a_good_batch_can_run_twice() throws Exception {
        Path csrDir = Files.createDirectories(dir.resolve("requests"));
        for (String id : List.of("dev-1", "dev-2")) {
            Files.copy(request(id), csrDir.resolve(id + ".csr"));
        }
        Path plan = dir.resolve("plan.csv");
        Files.writeString(plan, "device,station\ndev-1,S-1\ndev-2,S-2\ndev-1,S-2\n");
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> enrolment.enrolBatch(Enrolment.readPlan(plan, csrDir), BROKER));
        assertTrue(e.getMessage().contains("dev-1 appears twice"), e.getMessage());
        assertEquals(0, registry().devices().size());
        assertFalse(Files.exists(files.bundle("dev-1").dir()));

        Files.writeString(plan, "device,station\ndev-1,S-1\ndev-2,S-2\n");
        assertEquals(2, enrolment.enrolBatch(Enrolment.readPlan(plan, csrDir), BROKER).stream()
                .filter(Enrolment.Outcome::created).count());
        assertEquals(0, enrolment.enrolBatch(Enrolment.readPlan(plan, csrDir), BROKER).stream()
                .filter(Enrolment.Outcome::created).count());
    }

    @Test
    void enroll_takes_the_broker_once_per_edge_and_signs_every_edge_into_the_units_configuration() throws Exception {
        ElectionFiles now = create(dir.resolve("edges"), Mode.LIVE, Clock.systemUTC(), null);
        String[] enroll = {"enroll", "--dir", now.dir().toString(), "--csr", request("dev-1").toString(),
            "--device", "dev-1", "--station", "S-1", "--broker", "ssl://edge-1.example:8883", "--broker",
            "ssl://edge-2.example:8883"};
        stdoutOf(() -> assertEquals(0, ProvisioningMain.run(enroll)));
        assertEquals(List.of("ssl://edge-1.example:8883", "ssl://edge-2.example:8883"), config(now, "dev-1")
                .brokerUrls());

        stdoutOf(() -> assertEquals(0, ProvisioningMain.run("enroll", "--dir", now.dir().toString(), "--csr",
                request("dev-2").toString(), "--device", "dev-2", "--station", "S-2", "--broker", BROKER)));
        assertEquals(List.of(BROKER), config(now, "dev-2").brokerUrls());
        assertTrue(Files.readString(now.bundle("dev-2").config()).contains("\"brokerUrl\" : \"" + BROKER + "\""),
                "one broker keeps the form every unit reads");
    }

    @Test
    void a_batch_with_a_bad_edge_is_refused_naming_it_and_writes_nothing() throws Exception {
        Path csrDir = Files.createDirectories(dir.resolve("requests"));
        Files.copy(request("dev-1"), csrDir.resolve("dev-1.csr"));
        Path plan = Files.writeString(dir.resolve("plan.csv"), "device,station\ndev-1,S-1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enrolment.enrolBatch(
                Enrolment.readPlan(plan, csrDir), List.of(BROKER, "ssl://edge-2.example")));
        assertEquals("broker must look like tcp://host:port or ssl://host:port, found: ssl://edge-2.example",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> enrolment.enrolBatch(
                Enrolment.readPlan(plan, csrDir), List.of(BROKER, "tcp://edge-2.example:1883")));
        assertTrue(e.getMessage().startsWith("broker must all be tcp:// or all ssl://"), e.getMessage());
        assertEquals(0, registry().devices().size());
        assertFalse(Files.exists(files.bundle("dev-1").dir()));

        enrolment.enrolBatch(Enrolment.readPlan(plan, csrDir), List.of(BROKER, "ssl://edge-2.example:8883"));
        assertEquals(List.of(BROKER, "ssl://edge-2.example:8883"), config(files, "dev-1").brokerUrls());
        enrolment.reassign("dev-1", "S-2");
        assertEquals(List.of(BROKER, "ssl://edge-2.example:8883"), config(files, "dev-1").brokerUrls(),
                "a unit moved to another station keeps its edges");
    }

    private static DeviceConfig config(ElectionFiles election, String device) {
        Path file = election.bundle(device).config();
        return JsonFiles.parse(file, SignedFile.readVerified(file, Pem.readCertificate(election.caCertificate())),
                DeviceConfig.class, "device configuration");
    }

    @Test
    void reassigning_issues_a_new_certificate_for_the_same_key_and_revokes_the_old() {
        Enrolment.Outcome first = enrolment.enrol(request("dev-1"), "dev-1", "S-1", BROKER);
        Enrolment.Outcome moved = enrolment.reassign("dev-1", "S-2");
        assertEquals("S-2", moved.station());
        Registry r = registry();
        assertEquals(2, r.devices().size());
        assertEquals("S-2", r.active("dev-1").orElseThrow().station());
        assertEquals(Registry.Status.REVOKED, r.devices().get(0).status());
        var oldKey = Certificates.publicKey(Pem.parseCertificate(r.devices().get(0).certificate()));
        var newKey = Certificates.publicKey(Pem.readCertificate(moved.bundle().deviceCertificate()));
        assertTrue(Keys.samePublicKey(oldKey, newKey));
        assertFalse(first.thumbprint().equals(moved.thumbprint()));
    }

    @Test
    void openssl_accepts_every_certificate_issued_and_rejects_a_revoked_one_against_the_crl() throws Exception {
        enrolment.enrol(request("dev-1"), "dev-1", "S-1", BROKER);
        enrolment.enrol(request("dev-2"), "dev-2", "S-2", BROKER);
        Path dev2 = dir.resolve("dev-2.pem");
        Files.copy(files.bundle("dev-2").deviceCertificate(), dev2);
        new Revocation(ElectionAuthority.load(files, CLOCK)).revoke("dev-2");
        new org.rts.provisioning.broker.BrokerSetup(ElectionAuthority.load(files, CLOCK)).write(
                List.of("localhost", "127.0.0.1"), 8883, "127.0.0.1", null, null,
                org.rts.provisioning.broker.BrokerSetup.MESSAGES_PER_UNIT);
        assertEquals(List.of("OK"), openssl(files.caCertificate(), null, files.bundle("dev-1").deviceCertificate(),
                files.hubCertificate(), dev2, files.broker().resolve("server.pem")));
        Path chainWithCrl = dir.resolve("ca-and-crl.pem");
        Files.writeString(chainWithCrl, Files.readString(files.caCertificate()) + Files.readString(files.crl()));
        assertEquals(List.of("OK"), openssl(chainWithCrl, "-crl_check", files.bundle("dev-1").deviceCertificate()));
        List<String> revoked = openssl(chainWithCrl, "-crl_check", dev2);
        assertTrue(revoked.get(0).contains("revoked"), revoked.toString());
    }

    /** Runs 'openssl verify' and returns "OK" when every certificate verified, else its output. */
    private static List<String> openssl(Path caFile, String flag, Path... certs) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "verify", "-CAfile", caFile.toString()));
        if (flag != null) {
            command.add(flag);
        }
        for (Path c : certs) {
            command.add(c.toString());
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return p.waitFor() == 0 ? List.of("OK") : List.of(out);
    }

    @Test
    void revoking_an_unknown_device_says_so_and_a_missing_ca_key_says_what_to_run() throws Exception {
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> new Revocation(ElectionAuthority.load(files, CLOCK)).revoke("dev-7"));
        assertTrue(e.getMessage().contains("never enrolled"), e.getMessage());
        ProvisioningException none = assertThrows(ProvisioningException.class,
                () -> ElectionAuthority.load(new ElectionFiles(dir.resolve("nowhere")), CLOCK));
        assertTrue(none.getMessage().contains("provisioning init"), none.getMessage());
    }

    @Test
    void a_unit_revoked_when_lost_can_be_decommissioned_when_found_broken() {
        enrolment.enrol(request("dev-1"), "dev-1", "S-1", BROKER);
        var revocation = new org.rts.provisioning.revocation.Revocation(ElectionAuthority.load(files, CLOCK));
        revocation.revoke("dev-1");
        revocation.decommission("dev-1");
        assertEquals(Registry.Status.DECOMMISSIONED, registry().devices().get(0).status());
        assertFalse(Files.exists(files.bundle("dev-1").dir()));
    }

    @Test
    void every_change_gives_a_newer_registry_signed_by_the_authority_and_a_crl_numbered_alike() throws Exception {
        long before = registry().version();
        enrolment.enrol(request("dev-1"), "dev-1", "S-1", BROKER);
        new org.rts.provisioning.revocation.Revocation(ElectionAuthority.load(files, CLOCK)).revoke("dev-1");
        Registry after = registry();
        assertEquals(before + 2, after.version());
        var ca = Pem.readCertificate(files.caCertificate());
        assertEquals(after, Registry.readSigned(files.registry(), ca), "the signature covers the file as saved");
        var crl = org.rts.protocol.pki.Crl.read(files.crl(), ca);
        assertEquals(after.version(), crl.number().longValue());
        assertEquals(1, crl.revoked().size());
        Files.writeString(files.registry(), Files.readString(files.registry()).replace("REVOKED", "ACTIVE"));
        assertThrows(org.rts.protocol.ProtocolException.class, this::registry, "an edited registry is refused");
    }

    @Test
    void the_broker_configuration_limits_packets_and_gives_each_unit_only_its_own_topics() throws Exception {
        enrolment.enrol(request("dev-1"), "dev-1", "S-1", BROKER);
        Path written = new org.rts.provisioning.broker.BrokerSetup(ElectionAuthority.load(files, CLOCK))
                .write(List.of("broker.local"), 8883, "0.0.0.0", null, null, 500, List.of("bridge-edge1"));
        String conf = Files.readString(written.resolve("mosquitto.conf"));
        assertTrue(conf.contains("max_packet_size 66000") && conf.contains("max_topic_alias 0"), conf);
        int stations = ElectionAuthority.load(files, CLOCK).election().stations().size();
        assertTrue(conf.contains("max_queued_messages " + Math.max(1000, stations * 500)), conf);
        assertTrue(conf.contains("max_inflight_messages 1000"), conf);
        String acl = Files.readString(written.resolve("acl"));
        assertTrue(acl.contains("pattern write rts/v1/el-live/dev/%u/restart"), acl);
        assertTrue(acl.contains("pattern read rts/v1/el-live/dev/%u/receipt"), acl);
        assertTrue(acl.contains("topic readwrite rts/v1/el-live/hub/#"), acl);
        String bridge = acl.substring(acl.indexOf("user bridge-edge1"), acl.indexOf("user hub"));
        assertTrue(bridge.contains("topic read rts/v1/el-live/dev/+/result"), bridge);
        assertFalse(bridge.contains("receipt") || bridge.contains("telemetry") || bridge.contains("topic write"),
                "a bridge reads the reports only: " + bridge);
    }

    @Test
    void a_ca_key_readable_by_others_is_refused() throws Exception {
        Files.setPosixFilePermissions(files.caKey(), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        var e = assertThrows(RuntimeException.class, () -> ElectionAuthority.load(files, CLOCK));
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
    }

    @Test
    void a_tampered_ballot_definition_is_refused() throws Exception {
        Files.writeString(files.ballot(), Files.readString(files.ballot()).replace("\"registeredVoters\" : 100",
                "\"registeredVoters\" : 900"));
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ElectionAuthority.load(files, CLOCK).election());
        assertTrue(e.getMessage().contains("does not match its signature"), e.getMessage());
    }

    @Test
    void the_crl_lasts_through_the_election_calendar_and_renewing_it_keeps_its_revocations_under_a_newer_number() {
        var ca = Pem.readCertificate(files.caCertificate());
        assertEquals(ca.getNotAfter().toInstant(), ElectionAuthority.load(files, CLOCK).crl().nextUpdate(),
                "no close date in the ballot: as long as the CA");

        ElectionFiles closing = create(dir.resolve("closing"), Mode.LIVE, CLOCK, "2026-11-26T18:00");
        assertEquals(Instant.parse("2026-11-26T15:00:00Z").plus(ElectionAuthority.CRL_AFTER_CLOSE),
                ElectionAuthority.load(closing, CLOCK).crl().nextUpdate(), "90 days after the polls close");

        ElectionFiles past = create(dir.resolve("past"), Mode.LIVE, CLOCK, "2026-01-10T18:00");
        ElectionAuthority authority = ElectionAuthority.load(past, CLOCK);
        assertEquals(CLOCK.instant().plus(ElectionAuthority.CRL_MINIMUM), authority.crl().nextUpdate(),
                "a close long past: 30 days from now");
        new Enrolment(authority).enrol(request("dev-1"), "dev-1", "S-1", BROKER);
        new Revocation(authority).revoke("dev-1");
        Crl before = authority.crl();

        Clock later = Clock.offset(CLOCK, java.time.Duration.ofDays(25));
        Crl renewed = ElectionAuthority.load(past, later).renewCrl();
        assertTrue(renewed.number().compareTo(before.number()) > 0, "newer, so the hub takes it");
        assertEquals(before.revoked(), renewed.revoked());
        assertEquals(later.instant().plus(ElectionAuthority.CRL_MINIMUM), renewed.nextUpdate());
        assertEquals(renewed.number().longValue(), ElectionAuthority.load(past, later).registry().version(),
                "the registry moves with it");
    }

    @Test
    void status_warns_when_the_crl_lapses_within_a_week_and_renew_crl_ends_the_warning() {
        Clock weeksAgo = Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(-25));
        ElectionFiles soon = create(dir.resolve("soon"), Mode.LIVE, weeksAgo, "2026-01-10T18:00");
        String dirArg = soon.dir().toString();
        String warned = stderrOf(() -> assertEquals(0, ProvisioningMain.run("status", "--dir", dirArg)));
        assertTrue(warned.contains("WARNING: the CRL lapses at") && warned.contains("renew-crl"), warned);
        assertEquals("", stderrOf(() -> assertEquals(0, ProvisioningMain.run("renew-crl", "--dir", dirArg))));
        assertEquals("", stderrOf(() -> assertEquals(0, ProvisioningMain.run("status", "--dir", dirArg))));
    }

    @Test
    void renewing_the_crl_of_an_election_whose_ca_expired_is_refused_naming_why() {
        Clock longAgo = Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(-400));
        ElectionFiles old = create(dir.resolve("old"), Mode.LIVE, longAgo, null);
        ProvisioningException e = assertThrows(ProvisioningException.class,
                () -> ElectionAuthority.load(old, Clock.systemUTC()).renewCrl());
        assertTrue(e.getMessage().contains("CA certificate expired"), e.getMessage());
    }

    @Test
    void init_and_status_say_which_ballot_model_the_definition_uses() {
        for (String example : List.of("ballot.json", "ballot-constituencies.json")) {
            String electionDir = dir.resolve("example-" + example).toString();
            Path ballot = Path.of("../examples", example);
            String init = stdoutOf(() -> assertEquals(0, ProvisioningMain.run("init", "--dir", electionDir,
                    "--ballot", ballot.toString())));
            String status = stdoutOf(() -> assertEquals(0, ProvisioningMain.run("status", "--dir", electionDir)));
            String line = example.equals("ballot.json")
                    ? "ballot: the definition uses the single-list model: every station votes in every race (1)"
                    : "ballot: 3 constituencies, 4 races (1 national), 4 distinct ballots";
            assertTrue(init.contains(line + System.lineSeparator()), init);
            assertTrue(status.startsWith(line + System.lineSeparator()), status);
        }
    }

    private static String stdoutOf(Runnable command) {
        java.io.PrintStream original = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            command.run();
        } finally {
            System.setOut(original);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String stderrOf(Runnable command) {
        java.io.PrintStream original = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            command.run();
        } finally {
            System.setErr(original);
        }
        return err.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
