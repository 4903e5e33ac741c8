package org.rts.agent.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.agent.AgentException;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Mode;
import org.rts.agent.TestUnit;

/** The unit's side of enrolment: its key stays here, and only a bundle made for it is installed. */
class IdentityTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T09:00:00Z"), ZoneOffset.UTC);
    private static final Instant NOW = CLOCK.instant().plus(Duration.ofDays(2));

    @TempDir
    Path dir;

    private ElectionFiles election;
    private Path unit;

    private ElectionFiles election(String id) {
        return TestUnit.election(dir.resolve(id), CLOCK, new Election(id, "Election", Mode.LIVE,
                List.of(new Race("r", "Race", List.of(new Candidate("a", "A")))),
                List.of(new Station("S-1", "One", 100), new Station("S-2", "Two", 100)), null));
    }

    /** Enrols the unit at {@code unitDir} in {@code f}; returns the bundle folder provisioning wrote. */
    private static Path enrol(ElectionFiles f, Path unitDir, String device, String station) {
        return TestUnit.enrol(f, CLOCK, unitDir, device, station);
    }

    @BeforeEach
    void setUp() {
        election = election("el-1");
        unit = dir.resolve("unit");
        assertTrue(Identity.enrol(unit, "dev-1"));
    }

    @Test
    void the_key_is_made_once_and_the_imported_bundle_works() throws Exception {
        String key = Files.readString(unit.resolve("device.key"));
        assertFalse(Identity.enrol(unit, "dev-1"), "a second enroll keeps the key");
        assertEquals(key, Files.readString(unit.resolve("device.key")));
        Bundle bundle = Identity.importBundle(unit, enrol(election, unit, "dev-1", "S-1"), NOW);
        assertEquals("S-1", bundle.stationId());
        assertEquals("S-1", Bundle.load(unit, NOW).stationId());
    }

    @Test
    void refuses_a_bundle_made_for_another_units_key_and_changes_nothing() throws Exception {
        Path other = dir.resolve("other");
        Identity.enrol(other, "dev-2");
        Path bundleForOther = enrol(election, other, "dev-2", "S-2");
        AgentException e = assertThrows(AgentException.class, () -> Identity.importBundle(unit, bundleForOther, NOW));
        assertTrue(e.getMessage().contains("is not for the key"), e.getMessage());
        assertFalse(Files.exists(unit.resolve("device.pem")));
    }

    @Test
    void refuses_a_bundle_from_another_elections_ca() throws Exception {
        Path theirs = enrol(election("el-2"), unit, "dev-1", "S-1");
        Files.copy(election.caCertificate(), theirs.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        AgentException e = assertThrows(AgentException.class, () -> Identity.importBundle(unit, theirs, NOW));
        assertTrue(e.getMessage().contains("election") || e.getMessage().contains("not issued"), e.getMessage());
    }

    @Test
    void a_unit_of_one_election_refuses_a_complete_bundle_of_another() {
        Identity.importBundle(unit, enrol(election, unit, "dev-1", "S-1"), NOW);
        Path otherElection = enrol(election("el-3"), unit, "dev-1", "S-1");
        AgentException e = assertThrows(AgentException.class, () -> Identity.importBundle(unit, otherElection, NOW));
        assertTrue(e.getMessage().contains("another election's CA"), e.getMessage());
        assertEquals("el-1", Bundle.load(unit, NOW).election().id());
    }

    @Test
    void refuses_an_expired_or_not_yet_valid_certificate() {
        Path bundle = enrol(election, unit, "dev-1", "S-1");
        AgentException late = assertThrows(AgentException.class,
                () -> Identity.importBundle(unit, bundle, NOW.plus(Duration.ofDays(400))));
        assertTrue(late.getMessage().contains("is not valid at"), late.getMessage());
        AgentException early = assertThrows(AgentException.class,
                () -> Identity.importBundle(unit, bundle, CLOCK.instant().minus(Duration.ofDays(30))));
        assertTrue(early.getMessage().contains("is not valid at"), early.getMessage());
    }

    @Test
    void refuses_a_tampered_configuration_or_ballot_definition() throws Exception {
        Path bundle = enrol(election, unit, "dev-1", "S-1");
        Path config = bundle.resolve("device.json");
        String original = Files.readString(config);
        Files.writeString(config, original.replace("tcp://127.0.0.1:1883", "tcp://203.0.113.9:1883"));
        AgentException e = assertThrows(AgentException.class, () -> Identity.importBundle(unit, bundle, NOW));
        assertTrue(e.getMessage().contains("does not match its signature"), e.getMessage());
        Files.writeString(config, original);
        Path ballot = bundle.resolve("election.json");
        Files.writeString(ballot, Files.readString(ballot).replace("\"registeredVoters\" : 100",
                "\"registeredVoters\" : 1000"));
        assertThrows(AgentException.class, () -> Identity.importBundle(unit, bundle, NOW));
    }

    @Test
    void a_missing_key_or_certificate_says_what_to_run() throws Exception {
        AgentException noCert = assertThrows(AgentException.class, () -> Bundle.load(unit, NOW));
        assertTrue(noCert.getMessage().contains("device-agent import"), noCert.getMessage());
        Files.delete(unit.resolve("device.key"));
        AgentException noKey = assertThrows(AgentException.class, () -> Bundle.load(unit, NOW));
        assertTrue(noKey.getMessage().contains("device-agent enroll"), noKey.getMessage());
    }

    @Test
    void decommissioning_wipes_the_key_and_the_bundle() throws Exception {
        Identity.importBundle(unit, enrol(election, unit, "dev-1", "S-1"), NOW);
        Identity.wipe(unit, unit.resolve("outbox.db"));
        try (var files = Files.list(unit)) {
            assertEquals(List.of(), files.toList());
        }
    }
}
