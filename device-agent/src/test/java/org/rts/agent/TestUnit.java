package org.rts.agent;

import java.nio.file.Path;
import java.time.Clock;
import org.rts.agent.bundle.Identity;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;
import org.rts.provisioning.enrolment.Enrolment;

/** Elections and enrolled units made by the real provisioning code, as a technician makes them. */
public final class TestUnit {
    private TestUnit() {
    }

    public static ElectionFiles election(Path dir, Clock clock, Election election) {
        ElectionFiles files = new ElectionFiles(dir);
        new ElectionSetup(clock).create(files, election);
        return files;
    }

    /**
     * Makes (or keeps) the unit's key in {@code unitDir}, enrols its request for {@code station}, and returns the
     * bundle folder provisioning wrote (the same as {@code unitDir} when that is the election's device folder).
     */
    public static Path enrol(ElectionFiles files, Clock clock, Path unitDir, String device, String station) {
        Identity.enrol(unitDir, device);
        return new Enrolment(ElectionAuthority.load(files, clock)).enrol(unitDir.resolve("device.csr"), device,
                station, "tcp://127.0.0.1:1883").bundle().dir();
    }
}
