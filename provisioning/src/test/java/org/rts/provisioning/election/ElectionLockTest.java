package org.rts.provisioning.election;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.election.Tolerances;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Mode;
import org.rts.provisioning.ProvisioningMain;

/** A provisioning command waits while another process works on the same election folder. */
class ElectionLockTest {
    @TempDir
    Path dir;

    /** Holds the lock of the folder {@code args[0]} until its standard input closes. */
    public static void main(String[] args) throws Exception {
        ElectionLock.hold(Path.of(args[0]), System.err);
        System.out.println("held");
        System.out.flush();
        System.in.read();
        ElectionLock.releaseAll();
    }

    @Test
    void a_command_waits_while_another_process_holds_the_election_and_goes_on_when_it_lets_go() throws Exception {
        ElectionFiles files = new ElectionFiles(dir.resolve("election"));
        new ElectionSetup(Clock.systemUTC()).create(files, new Election("lock", "Lock", Mode.LIVE,
                List.of(new Race("r", "Race", List.of(new Candidate("a", "A")))),
                List.of(new Station("S-1", "One", 100)), Tolerances.DEFAULT));
        String java = ProcessHandle.current().info().command().orElse("java");
        Process other = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ElectionLockTest.class.getName(), files.dir().toString()).redirectError(ProcessBuilder.Redirect
                .INHERIT).start();
        try {
            assertEquals("held", new String(other.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream saved = System.err;
            AtomicInteger exit = new AtomicInteger(-1);
            Thread command;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                command = Thread.ofPlatform().start(() -> exit.set(ProvisioningMain.run("renew-crl", "--dir",
                        files.dir().toString())));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!err.toString(StandardCharsets.UTF_8).contains("another provisioning command is working on")
                        && command.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertTrue(command.isAlive(), "waits while the other process holds the election: " + err);
                other.getOutputStream().close(); // the other command ends
                command.join(30_000);
            } finally {
                System.setErr(saved);
            }
            assertEquals(0, exit.get(), err.toString(StandardCharsets.UTF_8));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("another provisioning command is working on "
                    + files.dir().toAbsolutePath().normalize()), err.toString(StandardCharsets.UTF_8));
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
