package org.rts.hub;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.testing.TestElection;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.message.Mode;

class HubTest {
    @TempDir
    Path dir;

    private HubConfig config(TestElection election) {
        return HubConfig.of(election.files, "tcp://127.0.0.1:1", dir.resolve("hub.db"), null)
                .withSessionExpiry(Duration.ofMinutes(1));
    }

    @Test
    void refuses_to_start_on_a_tampered_ballot_definition() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1", Mode.LIVE);
        Path ballot = election.files.ballot();
        Files.writeString(ballot, Files.readString(ballot).replace("\"registeredVoters\" : 500",
                "\"registeredVoters\" : 5000"));
        ProtocolException e = assertThrows(ProtocolException.class, () -> Hub.start(config(election),
                TestElection.CLOCK));
        assertTrue(e.getMessage().contains("does not match its signature"), e.getMessage());
    }

    @Test
    void refuses_to_start_without_the_ballot_signature() throws Exception {
        TestElection election = new TestElection(dir.resolve("election"), "tcp://127.0.0.1:1", Mode.LIVE);
        Files.delete(SignedFile.signatureOf(election.files.ballot()));
        ProtocolException e = assertThrows(ProtocolException.class, () -> Hub.start(config(election),
                TestElection.CLOCK));
        assertTrue(e.getMessage().contains("election.json.sig"), e.getMessage());
    }
}
