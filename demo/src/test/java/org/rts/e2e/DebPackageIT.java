package org.rts.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unit's Debian package as {@code mvn package} builds it, unpacked into a scratch root: the agent, its
 * launcher, the systemd unit, the private folders, the Java dependency as Raspberry Pi OS names it, and the
 * maintainer scripts that make the service user.
 */
class DebPackageIT {
    private static final Path DEB = Path.of(System.getProperty("rts.agent.deb",
            "../device-agent/target/rts-device-agent.deb"));

    @TempDir
    Path root;

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    @Test
    void the_package_installs_the_agent_its_service_and_private_folders() throws Exception {
        assertTrue(Files.exists(DEB), "mvn package builds " + DEB.toAbsolutePath());
        String deb = DEB.toAbsolutePath().toString();
        String listing = run(root, "dpkg-deb", "-c", deb);
        assertTrue(listing.contains("drwx------ root/root         0") && listing.contains("./etc/rts/bundle/"),
                "the bundle folder is private: " + listing);
        run(root, "dpkg-deb", "-x", deb, root.toString());
        Path jar = root.resolve("usr/share/rts-device-agent/device-agent.jar");
        Path launcher = root.resolve("usr/bin/device-agent");
        Path unit = root.resolve("lib/systemd/system/rts-device-agent.service");
        assertTrue(Files.isRegularFile(jar));
        assertTrue(Files.isExecutable(launcher));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                root.resolve("var/lib/rts"))));

        String service = Files.readString(unit);
        for (String line : List.of("Type=notify", "User=rts", "Group=rts", "Restart=on-failure", "WatchdogSec=",
                "ExecStart=/usr/bin/device-agent run --bundle /etc/rts/bundle --data /var/lib/rts", "UMask=0077",
                "ReadWritePaths=/var/lib/rts /etc/rts/bundle", "WantedBy=multi-user.target")) {
            assertTrue(service.contains(line), "the unit file has " + line + ":\n" + service);
        }
        String depends = run(root, "dpkg-deb", "-f", deb, "Depends");
        assertTrue(depends.contains("openjdk-21-jre-headless"), depends);
        assertTrue(depends.contains("fonts-dejavu-core"), depends);

        Path control = Files.createDirectories(root.resolve("control"));
        run(root, "dpkg-deb", "-e", deb, control.toString());
        String postinst = Files.readString(control.resolve("postinst"));
        assertTrue(postinst.contains("adduser --system --group") && postinst.contains(" rts"), postinst);
        assertTrue(postinst.contains("install -d -o rts -g rts -m 0700 /etc/rts/bundle /var/lib/rts"), postinst);
        assertTrue(postinst.contains("chmod 0600 /etc/rts/bundle/device.key"), postinst);

        // the launcher's JVM options are accepted by this JDK, and the jar it names runs
        String script = Files.readString(launcher).replace("/usr/share/rts-device-agent/device-agent.jar",
                jar.toString()).replace("exec java ", "exec " + ProcessHandle.current().info().command()
                .orElse("java") + " ");
        Path local = root.resolve("device-agent-local");
        Files.writeString(local, script);
        List<String> command = new ArrayList<>(List.of("sh", local.toString(), "--version"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("RTS_CDS_DIR", root.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("rts device-agent"), out);

        // the jar keeps only the BouncyCastle classes the agent's code reaches: a unit's whole day through the
        // launcher (key and request made on the unit, its bundle checked, a report signed and kept) finds them all
        Path bundle = Files.createDirectories(root.resolve("bundle"));
        launch(local, "enroll", "--bundle", bundle.toString(), "--device", "dev-0001");
        Path election = root.resolve("election");
        assertEquals(0, Cli.provisioning("init", "--dir", election.toString(), "--ballot",
                "../examples/ballot.json").code());
        assertEquals(0, Cli.provisioning("enroll", "--dir", election.toString(), "--csr",
                bundle.resolve("device.csr").toString(), "--device", "dev-0001", "--station", "S-0001",
                "--broker", "ssl://127.0.0.1:9").code());
        launch(local, "import", "--bundle", bundle.toString(), "--from",
                election.resolve("devices/dev-0001").toString());
        Process turnout = launcher(local, "turnout", "--bundle", bundle.toString(), "--voters", "12", "--wait", "1",
                "--max-backoff-ms", "200");
        String said = new String(turnout.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(turnout.waitFor(60, TimeUnit.SECONDS));
        assertEquals(4, turnout.exitValue(), "no broker: the signed report waits in the outbox\n" + said);
        String status = launch(local, "status", "--bundle", bundle.toString());
        assertTrue(status.contains("turnout  WAITING"), status);
    }

    private Process launcher(Path local, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("sh", local.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("RTS_CDS_DIR", root.toString());
        return pb.start();
    }

    private String launch(Path local, String... args) throws Exception {
        Process p = launcher(local, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", args) + " did not finish");
        assertEquals(0, p.exitValue(), String.join(" ", args) + ": " + out);
        return out;
    }
}
