package org.rts.demo.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.rts.agent.bundle.Identity;
import org.rts.hub.Hub;
import org.rts.hub.HubConfig;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.election.Candidate;
import org.rts.protocol.election.Election;
import org.rts.protocol.election.Race;
import org.rts.protocol.election.Station;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.message.Mode;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.ProvisioningMain;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;
import org.rts.provisioning.enrolment.Enrolment;

/**
 * Measures the unit service as it runs on a board: {@code device-agent run} on the simulated profile, started with
 * the JVM options of the Debian package's launcher, against the hub on loopback through Mosquitto with mutual TLS.
 * Prints the time to the first screen (of the first start after an install or update, which writes the class-data
 * archive, when there is none yet, then of the start measured), transmit-confirm to receipt-on-screen latency (p50,
 * p99) over a day's worth of reports, and the process's resident memory (now and peak) after them. Not a test:
 * nothing is asserted.
 */
public final class UnitFootprint {
    private UnitFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int reports = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path work = Files.createTempDirectory("rts-unit-footprint-");
        Clock clock = Clock.systemUTC();
        ElectionFiles files = new ElectionFiles(work.resolve("election"));
        Election election = new Election("footprint", "Footprint", Mode.LIVE, List.of(new Race("r", "Race",
                List.of(new Candidate("a", "A"), new Candidate("b", "B")))),
                List.of(new Station("S-1", "One", 100_000)), null);
        new ElectionSetup(clock).create(files, election);
        int port = Mosquitto.freePort();
        String url = "ssl://localhost:" + port;
        Path unit = files.bundle("dev-1").dir(); // the unit keeps its key where provisioning writes its bundle
        Identity.enrol(unit, "dev-1");
        Path bundle = new Enrolment(ElectionAuthority.load(files, clock)).withSetup(new Enrolment.UnitSetup(
                "simulated", "en")).enrol(unit.resolve("device.csr"), "dev-1", "S-1", url).bundle().dir();
        org.rts.agent.outbox.Outbox.create(bundle.resolve("outbox.db")).close(); // as 'device-agent import' does
        if (ProvisioningMain.run("broker", "--dir", files.dir().toString(), "--host", "localhost", "--host",
                "127.0.0.1", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--run-as",
                System.getProperty("user.name")) != 0) {
            throw new IllegalStateException("provisioning broker failed");
        }
        try (Mosquitto broker = Mosquitto.configured(files.broker().resolve("mosquitto.conf"), port)) {
            broker.start();
            Hub hub = Hub.start(HubConfig.of(files, url, work.resolve("hub.db"), "footprint-hub")
                    .withRate(1_000_000, 1_000_000), clock);
            try {
                measure(bundle, work, reports);
                floor(bundle, work, port);
            } finally {
                hub.close();
            }
        }
        System.out.println("work folder: " + work);
    }

    private static void measure(Path bundle, Path work, int reports) throws Exception {
        List<String> command = unitJava();
        command.addAll(launcherOptions());
        boolean nmt = Boolean.getBoolean("rts.nmt"); // -Drts.nmt=true: the JVM's own memory breakdown too
        if (nmt) {
            command.add("-XX:NativeMemoryTracking=summary");
        }
        String extra = System.getenv().getOrDefault("RTS_JAVA_OPTS", ""); // as the launcher adds them
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        command.addAll(List.of("-Dstdout.encoding=UTF-8", "-jar", agentJar().toString(), "run", "--bundle",
                bundle.toString()));
        Path archive = Path.of(System.getProperty("java.io.tmpdir"), "device-agent.jsa");
        if (Files.exists(archive) && Files.getLastModifiedTime(agentJar()).compareTo(
                Files.getLastModifiedTime(archive)) > 0) {
            Files.delete(archive); // as the launcher does after an update
        }
        long firstStart = -1;
        if (!Files.exists(archive)) { // the first start after an install or update writes the archive as it stops
            Started first = Started.of(command, work);
            try (OutputStream ignored = first.agent().getOutputStream()) {
                await(first.frames(), "Station S-1", Duration.ofSeconds(60));
                firstStart = (System.nanoTime() - first.nanos()) / 1_000_000;
            } finally {
                first.agent().destroy();
                first.agent().waitFor(60, TimeUnit.SECONDS);
            }
        }
        Started started = Started.of(command, work);
        Process agent = started.agent();
        BlockingQueue<String> frames = started.frames();
        try (OutputStream keys = agent.getOutputStream()) {
            await(frames, "Station S-1", Duration.ofSeconds(60));
            long readyMillis = (System.nanoTime() - started.nanos()) / 1_000_000;
            await(frames, "ONLINE", Duration.ofSeconds(60));
            long[] latencies = new long[reports];
            for (int i = 0; i < reports; i++) {
                type(keys, "n" + (i + 1) + "n");
                await(frames, "Check against the paper form", Duration.ofSeconds(30));
                type(keys, "t");
                await(frames, "Send this report?", Duration.ofSeconds(30));
                long pressed = System.nanoTime();
                type(keys, "c");
                await(frames, "ACCEPTED by the hub", Duration.ofSeconds(60));
                latencies[i] = System.nanoTime() - pressed;
                type(keys, "n");
                await(frames, "Station S-1", Duration.ofSeconds(30));
            }
            Arrays.sort(latencies);
            String status = Files.readString(Path.of("/proc", Long.toString(agent.pid()), "status"));
            System.out.printf("unit service (simulated profile, launcher JVM options, hub on loopback over TLS):%n");
            if (firstStart >= 0) {
                System.out.printf("  first screen %d ms after the first start after an install or update (it writes"
                        + " the class-data archive as it stops)%n", firstStart);
            }
            System.out.printf("  first screen %d ms after the process started%n", readyMillis);
            System.out.printf("  confirm -> receipt on screen over %d reports: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    reports, latencies[reports / 2] / 1e6, latencies[Math.min(reports - 1, (int) (reports * 0.99))]
                            / 1e6, latencies[reports - 1] / 1e6);
            System.out.printf("  resident memory after them: %s, peak %s%n", field(status, "VmRSS"),
                    field(status, "VmHWM"));
            UnitSigning.print();
            if (nmt) {
                Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
                Process p = new ProcessBuilder(jcmd.toString(), Long.toString(agent.pid()),
                        "VM.native_memory", "summary").redirectErrorStream(true).start();
                System.out.println(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                System.out.println("resident memory by mapping (kB):");
                residentByMapping(agent.pid()).forEach((name, kb) -> System.out.printf("  %8d  %s%n", kb, name));
                Process h = new ProcessBuilder(jcmd.toString(), Long.toString(agent.pid()), "GC.class_histogram")
                        .redirectErrorStream(true).start(); // after the figures above: it collects the whole heap
                System.out.println("live heap by class, largest first:");
                List<String> histogram = new String(h.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .lines().toList();
                histogram.stream().limit(3 + 20).forEach(System.out::println); // pid, two header lines, 20 kinds
                histogram.stream().filter(l -> l.startsWith("Total")).forEach(System.out::println);
            }
        } finally {
            agent.destroy();
            agent.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /**
     * Prints what the JDK alone holds with the launcher's options after the unit's TLS connection to the broker and
     * one signature ({@link UnitFloor}), on its second start: the first writes its class-data archive.
     */
    private static void floor(Path bundle, Path work, int port) throws Exception {
        Path keystore = work.resolve("floor.p12");
        char[] password = UnitFloor.PASSWORD.toCharArray();
        var certificates = new JcaX509CertificateConverter();
        var files = new BundleFiles(bundle);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("unit", KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                Keys.privateKeyInfo(Pem.readPrivateKey(files.deviceKey())).getEncoded())), password,
                new Certificate[] {certificates.getCertificate(Pem.readCertificate(files.deviceCertificate()))});
        store.setCertificateEntry("ca", certificates.getCertificate(Pem.readCertificate(files.caCertificate())));
        try (OutputStream out = Files.newOutputStream(keystore)) {
            store.store(out, password);
        }
        List<String> command = unitJava();
        for (String option : launcherOptions()) {
            command.add(option.startsWith("-XX:SharedArchiveFile=")
                    ? "-XX:SharedArchiveFile=" + work.resolve("floor.jsa") : option);
        }
        Path jar = work.resolve("floor.jar"); // the archive is written for classes from jars only
        String entry = UnitFloor.class.getName().replace('.', '/') + ".class";
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
             var in = UnitFloor.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new java.util.jar.JarEntry(entry));
            in.transferTo(out);
        }
        command.addAll(List.of("-cp", jar.toString(), UnitFloor.class.getName()));
        command.addAll(List.of(keystore.toString(), "localhost", Integer.toString(port)));
        run(command, work); // writes the archive
        System.out.printf("  the JDK alone with the same options, after the unit's TLS connection to the broker and one"
                + " ECDSA signature (no project class or library loaded): %s%n", run(command, work));
    }

    /** The java command the unit runs on: -Drts.agent.java=DIR/bin/java (a jlink image), else this JVM's. */
    private static List<String> unitJava() {
        return new ArrayList<>(List.of(System.getProperty("rts.agent.java",
                ProcessHandle.current().info().command().orElse("java"))));
    }

    private static String run(List<String> command, Path work) throws Exception {
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectError(
                ProcessBuilder.Redirect.appendTo(work.resolve("floor.log").toFile())).start();
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
            throw new IllegalStateException("the floor measurement failed: " + out + ", see "
                    + work.resolve("floor.log"));
        }
        return out.getLast(); // after the JVM's own lines about the archive
    }

    /** The process's resident kB per mapped file (anonymous memory as "[anon]"), largest first. */
    private static java.util.Map<String, Long> residentByMapping(long pid) throws IOException {
        java.util.Map<String, Long> byName = new java.util.HashMap<>();
        String name = "[anon]";
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
            String[] words = line.split("\\s+");
            if (words.length >= 5 && words[0].contains("-") && !words[0].endsWith(":")) {
                name = words.length >= 6 ? words[5] : "[anon]";
            } else if (line.startsWith("Rss:")) {
                byName.merge(name, Long.parseLong(words[1]), Long::sum);
            }
        }
        java.util.Map<String, Long> sorted = new java.util.LinkedHashMap<>();
        byName.entrySet().stream().filter(e -> e.getValue() >= 256)
                .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** A started unit, the frames it draws on its screen (the terminal), and when it was started. */
    private record Started(Process agent, BlockingQueue<String> frames, long nanos) {
        static Started of(List<String> command, Path work) throws IOException {
            long nanos = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(
                    work.resolve("agent.log").toFile())).directory(work.toFile());
            pb.environment().put("MALLOC_ARENA_MAX", "2"); // as the launcher sets it
            Process agent = pb.start();
            BlockingQueue<String> frames = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(agent.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    StringBuilder frame = new StringBuilder();
                    String line;
                    while ((line = in.readLine()) != null) {
                        frame.append(line).append('\n');
                        if (line.startsWith("[")) { // the lights line closes a frame
                            frames.add(frame.toString());
                            frame.setLength(0);
                        }
                    }
                } catch (IOException ignored) {
                    // the agent stopped
                }
            }, "frames");
            reader.setDaemon(true);
            reader.start();
            return new Started(agent, frames, nanos);
        }
    }

    private static void type(OutputStream keys, String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.US_ASCII));
        keys.flush();
    }

    private static void await(BlockingQueue<String> frames, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String frame = frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new IllegalStateException("the unit never showed '" + text + "'");
            }
            if (frame.contains(text)) {
                return;
            }
        }
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).strip())
                .findFirst().orElse("?");
    }

    private static Path agentJar() {
        Path jar = Path.of(System.getProperty("rts.agent.jar", "device-agent/target/device-agent.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no agent jar at " + jar.toAbsolutePath() + ": build it first");
        }
        return jar.toAbsolutePath();
    }

    /** The JVM options the Debian package's launcher starts the agent with, read from the launcher itself. */
    static List<String> launcherOptions() throws IOException {
        Path launcher = Path.of(System.getProperty("rts.agent.launcher", "device-agent/src/deb/files/device-agent"));
        String script = Files.readString(launcher).replace("\\\n", " ");
        String exec = script.lines().filter(l -> l.strip().startsWith("exec java")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no 'exec java' line in " + launcher));
        List<String> options = new ArrayList<>();
        for (String word : exec.strip().split("\\s+")) {
            if (word.startsWith("-X") || word.startsWith("--enable-native-access")) {
                options.add(word.replace("\"$ARCHIVE_DIR", "\"" + System.getProperty("java.io.tmpdir"))
                        .replace("\"", "").replace("$ARCHIVE_DIR", System.getProperty("java.io.tmpdir")));
            }
        }
        return options;
    }
}
