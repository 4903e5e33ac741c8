package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.demo.RawDevice;
import org.rts.demo.load.Mosquitto;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.hub.HubException;
import org.rts.hub.export.ExportSchedule;
import org.rts.hub.export.Exporter;
import org.rts.hub.intake.Intake;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.store.MessageStore;
import org.rts.hub.testing.TestElection;
import org.rts.hub.testing.TestElection.Device;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Verification;
import org.rts.protocol.Topics;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.audit.CaPin;
import org.rts.provisioning.audit.ExportVerifier;

/** An export onto a full disk fails with a clear error and leaves nothing that looks like an export. */
class ExportIT {
    @TempDir
    Path dir;

    @Test
    void an_export_to_a_full_disk_says_so_leaves_nothing_and_succeeds_once_space_is_freed() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1883", Mode.LIVE);
        var files = election.files;
        try (MessageStore store = MessageStore.open(dir.resolve("hub.db"));
             ExportSnapshot snapshot = ExportSnapshot.open(dir.resolve("hub.db").toString());
             SmallDisk disk = SmallDisk.mount(dir.resolve("disk"), 2)) {
            RegistryWatch registry = new RegistryWatch(files.registry(), files.crl(),
                    Pem.readCertificate(files.caCertificate()), election.id);
            Intake intake = new Intake(election.election, new Verification(
                    new Authenticator(election.election, registry::current)), store,
                    election.receiptLog(store), TestElection.CLOCK);
            for (int i = 1; i <= 3; i++) {
                Device d = election.device(i);
                for (int n = 1; n <= 20; n++) {
                    intake.process(Topics.report(election.id, d.id, Topics.TURNOUT), d.chain(d.sign(d.turnout(n))));
                }
            }
            Exporter exporter = new Exporter(files, snapshot, TestElection.CLOCK);
            Path out = disk.dir().resolve("export");
            disk.fill();
            HubException e = assertThrows(HubException.class, () -> exporter.export(out));
            assertTrue(e.getMessage().contains("nothing was exported"), e.getMessage());
            try (Stream<Path> left = Files.list(disk.dir())) {
                assertEquals(List.of("filler"), left.map(p -> p.getFileName().toString()).toList(),
                        "no export and no partial folder left on the disk");
            }
            disk.free();
            assertEquals(60, exporter.export(out).counts().get("ACCEPTED"));
            ExportVerifier.Result result = ExportVerifier.verify(out, CaPin.of(files.caCertificate()), List.of());
            assertTrue(result.ok(), result.problems().toString());
            assertFalse(result.checked().isEmpty());
        }
    }

    @Test
    void a_hub_with_an_export_schedule_writes_one_when_it_stops() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), Mosquitto.SHARED_URL, Mode.LIVE,
                java.time.Clock.systemUTC());
        Units.ready(election, 1);
        Path exports = dir.resolve("exports");
        Hub hub = Hub.start(HubConfig.of(election.files, Mosquitto.SHARED_URL, dir.resolve("hub.db"),
                "it-hub-" + java.util.UUID.randomUUID()).withSessionExpiry(java.time.Duration.ofMinutes(3))
                .withExports(new ExportSchedule(exports, java.time.Duration.ofHours(1))), java.time.Clock.systemUTC());
        try (RawDevice raw = new RawDevice(election.id, Mosquitto.SHARED_URL, "dev-1",
                election.files.hubCertificate())) {
            Wait.until("the hub is subscribed", java.time.Duration.ofSeconds(30), hub::isConnected);
            Device d = election.device(1);
            assertTrue(raw.send(Topics.TURNOUT, d.chain(d.sign(d.turnout(10))), java.time.Duration.ofSeconds(30))
                    .accepted());
        } finally {
            hub.close();
        }
        List<Path> written;
        try (Stream<Path> list = Files.list(exports)) {
            written = list.toList();
        }
        assertEquals(1, written.size(), written.toString());
        ExportVerifier.Result result = ExportVerifier.verify(written.get(0), CaPin.of(election.files.caCertificate()),
                List.of());
        assertTrue(result.ok(), result.problems().toString());
    }
}
