package org.rts.provisioning.enrolment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Csr;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.ProvisioningMain;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;

/** A batch enrolment killed with SIGKILL part way through, then run again as it was. */
class EnrolmentResumeTest {
    private static final int UNITS = Enrolment.SAVE_EVERY + 500;
    private static final String BROKER = "ssl://10.0.0.5:8883";

    @TempDir
    Path dir;

    @Test
    void a_batch_killed_between_saves_is_finished_by_running_it_again_none_twice_none_missing() throws Exception {
        ElectionFiles files = new ElectionFiles(dir.resolve("election"));
        List<Station> stations = IntStream.rangeClosed(1, UNITS)
                .mapToObj(i -> new Station(station(i), "Station " + i, 500)).toList();
        new ElectionSetup(Clock.systemUTC()).create(files, new Election("resume", "Resume", Mode.LIVE,
                List.of(new Race("r", "Race", List.of(new Candidate("a", "A")))), stations, Tolerances.DEFAULT));
        Path csrDir = Files.createDirectories(dir.resolve("requests"));
        IntStream.rangeClosed(1, UNITS).parallel().forEach(i -> Pem.write(csrDir.resolve(device(i) + ".csr"),
                Csr.encode(Csr.create(device(i), (ECPrivateKeyParameters) Keys.generate().getPrivate())), false));
        Path plan = Files.writeString(dir.resolve("plan.csv"), "device,station\n" + IntStream.rangeClosed(1, UNITS)
                .mapToObj(i -> device(i) + "," + station(i)).collect(Collectors.joining("\n")) + "\n");

        String java = ProcessHandle.current().info().command().orElse("java");
        Process batch = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ProvisioningMain.class.getName(), "enroll-batch", "--dir", files.dir().toString(), "--plan",
                plan.toString(), "--csr-dir", csrDir.toString(), "--broker", BROKER)
                .redirectErrorStream(true).redirectOutput(dir.resolve("batch.log").toFile()).start();
        ElectionAuthority authority = ElectionAuthority.load(files, Clock.systemUTC());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (authority.registry().devices().isEmpty()) {
            assertTrue(batch.isAlive() && System.nanoTime() < deadline,
                    "the batch saved no unit: " + Files.readString(dir.resolve("batch.log")));
            Thread.sleep(20);
        }
        batch.destroyForcibly().waitFor();
        Registry atKill = authority.registry();
        assertTrue(atKill.devices().size() < UNITS, "killed before the batch ended: " + atKill.devices().size());

        List<Enrolment.Outcome> outcomes = new Enrolment(authority).enrolBatch(Enrolment.readPlan(plan, csrDir),
                BROKER);

        Registry after = authority.registry();
        assertEquals(UNITS, after.devices().size(), "every unit once");
        assertEquals(UNITS, after.devices().stream().map(Registry.Entry::device).distinct().count());
        assertEquals(UNITS, after.devices().stream().map(Registry.Entry::station).distinct().count());
        assertEquals(UNITS - atKill.devices().size(), outcomes.stream().filter(Enrolment.Outcome::created).count(),
                "the units the registry held were not enrolled again");
        assertEquals(atKill.devices(), after.devices().subList(0, atKill.devices().size()),
                "the certificates saved before the kill stand");
        for (Registry.Entry e : after.devices()) {
            BundleFiles bundle = files.bundle(e.device());
            assertEquals(e.certificate().strip(), Files.readString(bundle.deviceCertificate()).strip(),
                    e.device() + "'s bundle holds its registered certificate");
        }
        BundleFiles last = files.bundle(device(UNITS));
        Election own = Election.readSigned(last.ballot(), Pem.readCertificate(files.caCertificate()));
        assertEquals(List.of(station(UNITS)), own.stations().stream().map(Station::id).toList(),
                "a unit's bundle carries its own station's extract, signed");
        assertTrue(Files.size(last.ballot()) < 4096, "kilobytes: " + Files.size(last.ballot()));
        assertTrue(authority.crl().nextUpdate().isAfter(Instant.now()));
    }

    private static String device(int i) {
        return String.format("unit-%05d", i);
    }

    private static String station(int i) {
        return String.format("S-%05d", i);
    }
}
