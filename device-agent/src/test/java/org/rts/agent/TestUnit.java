package org.rts.agent;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
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
        return enrol(files, clock, unitDir, device, station, List.of("tcp://127.0.0.1:1883"));
    }

    /** As {@link #enrol(ElectionFiles, Clock, Path, String, String)} for a unit given several edge brokers. */
    public static Path enrol(ElectionFiles files, Clock clock, Path unitDir, String device, String station,
                             List<String> brokers) {
        Identity.enrol(unitDir, device);
        return new Enrolment(ElectionAuthority.load(files, clock)).enrol(unitDir.resolve("device.csr"), device,
                station, brokers).bundle().dir();
    }
}
