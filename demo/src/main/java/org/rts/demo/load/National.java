package org.rts.demo.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.protocol.files.BundleFiles;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.pki.Csr;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The national figures: a ballot the size of Iraq's (55,041 stations in 83 constituencies of 18 regions, one race
 * of 40 candidates each) given to the shipped provisioning, device-agent and hub jars as a commission's technicians
 * would give it: the station and candidate lists as CSV, every unit's request made elsewhere. Prints each step's
 * time and peak memory (as {@code /usr/bin/time} reads them), the files' sizes, and the hub's start and reload.
 */
@Command(name = "national", mixinStandardHelpOptions = true,
        description = "Provision a national fleet through the real CLIs and print the figures.")
public final class National implements Callable<Integer> {
    @Option(names = "--stations", defaultValue = "55041")
    int stations;

    @Option(names = "--constituencies", defaultValue = "83")
    int constituencies;

    @Option(names = "--candidates", defaultValue = "40", description = "Candidates in each constituency's race.")
    int candidates;

    @Option(names = "--work", description = "Working folder (default: a new temporary one, deleted at the end).")
    Path work;

    public static void main(String[] args) {
        System.exit(new CommandLine(new National()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        boolean temporary = work == null;
        work = temporary ? Files.createTempDirectory("rts-national") : Files.createDirectories(work);
        try {
            run();
        } finally {
            if (temporary) {
                WorkFolder.remove(work);
            }
        }
        return 0;
    }

    private void run() throws Exception {
        System.out.printf("National figures: %,d stations, %d constituencies, %d candidates each%n", stations,
                constituencies, candidates);
        Provisioned national = provision("national", stations, constituencies, true);
        Provisioned small = provision("small", SMALL, 2, false);
        for (Provisioned e : List.of(national, small)) {
            Path unit = e.files.dir().resolve("devices").resolve(NationalBallot.device(1));
            // the unit: its key was made on it ('device-agent enroll'), the bundle from provisioning is imported
            Path unitBundle = e.work.resolve("unit").resolve("bundle");
            Pem.writePrivateKey(new BundleFiles(unitBundle).deviceKey(), e.firstKey);
            List<String> unitDirs = List.of("--bundle", unitBundle.toString(), "--data",
                    e.work.resolve("unit").resolve("data").toString());
            Measured imported = measure(concat(agent(), List.of("import", "--from", unit.toString()), unitDirs),
                    null);
            System.out.printf("  device-agent import of its bundle (%s, %,d stations): %.2f s, max RSS %d MB%n",
                    e.name, e.stations, imported.seconds, imported.maxRssKb / 1024);
            for (int i = 1; i <= 3; i++) {
                Measured status = measure(concat(agent(), List.of("status"), unitDirs), null);
                System.out.printf("  device-agent status (%s, run %d): %.2f s, max RSS %d MB%n", e.name, i,
                        status.seconds, status.maxRssKb / 1024);
            }
        }
        hub(national.files);
    }

    /** Stations of the small election the unit's figures are compared with. */
    private static final int SMALL = 200;

    private record Provisioned(String name, int stations, Path work, ElectionFiles files,
                            ECPrivateKeyParameters firstKey) {
    }

    /** The ballot as CSV, every unit's request, then init and enroll-batch through the provisioning jar. */
    private Provisioned provision(String name, int count, int districts, boolean print) throws Exception {
        Path here = Files.createDirectories(work.resolve(name));
        NationalBallot ballot = NationalBallot.write(here.resolve("input"), name + "-bench", count, districts,
                candidates);
        Path csrDir = Files.createDirectories(here.resolve("requests"));
        long t = System.nanoTime();
        ECPrivateKeyParameters firstKey = requests(ballot, csrDir, count);
        Path dir = here.resolve("election");
        Measured init = measure(List.of(java(), "-jar", jar("provisioning/target/provisioning.jar"), "init", "--dir",
                dir.toString(), "--stations", ballot.stationsCsv().toString(), "--candidates",
                ballot.candidatesCsv().toString(), "--ballot", ballot.header().toString()), null);
        ElectionFiles files = new ElectionFiles(dir);
        List<String> progress = new ArrayList<>();
        Measured enrol = measure(List.of(java(), "-Xmx" + ENROL_HEAP, "-jar",
                jar("provisioning/target/provisioning.jar"), "enroll-batch", "--dir", dir.toString(), "--plan",
                ballot.plan().toString(), "--csr-dir", csrDir.toString(), "--broker", "ssl://10.0.0.5:8883"),
                progress);
        if (print) {
            System.out.printf("  %,d certificate requests made (outside provisioning) in %.1f s%n", count,
                    (System.nanoTime() - t) / 1e9 - init.seconds - enrol.seconds);
            System.out.printf("  provisioning init (CSV): %.1f s, max RSS %d MB; election.json %,d bytes%n",
                    init.seconds, init.maxRssKb / 1024, Files.size(files.ballot()));
            System.out.printf("  provisioning enroll-batch (-Xmx%s): %,d units in %.1f s (%.2f ms a unit), max RSS"
                    + " %d MB%n", ENROL_HEAP, count, enrol.seconds, enrol.seconds * 1000 / count,
                    enrol.maxRssKb / 1024);
            printPace(progress);
            Path unit = files.dir().resolve("devices").resolve(NationalBallot.device(1));
            System.out.printf("  a unit's folder: %,d bytes; every unit's folder: %,d MB; registry.json %,d bytes%n",
                    size(unit), size(files.dir().resolve("devices")) / (1024 * 1024), Files.size(files.registry()));
        }
        return new Provisioned(name, count, here, files, firstKey);
    }

    /** The heap given to enroll-batch (without it, the JVM takes a quarter of the machine's memory). */
    private static final String ENROL_HEAP = "1g";

    /** The unit's JVM as its Debian launcher starts it (without the class-data archive it makes on first start). */
    private static List<String> agent() throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        UnitFootprint.launcherOptions().stream().filter(o -> !o.contains("SharedArchive") && !o.startsWith("-Xshare"))
                .forEach(command::add);
        command.addAll(List.of("-jar", jar("device-agent/target/device-agent.jar")));
        return command;
    }

    /** The hub's start with the national registry, and a reload after one more change to it. */
    private void hub(ElectionFiles files) throws Exception {
        try (Mosquitto broker = Mosquitto.plain(work.resolve("broker"))) {
            broker.start();
            Path db = work.resolve("hub.db");
            long t = System.nanoTime();
            try (HubProcess hub = new HubProcess(files.dir(), broker.url(), db.toString(), "national-hub",
                    work.resolve("hub.log")).start()) {
                awaitLog(hub, "subscribed at");
                System.out.printf("  hub started with the %,d-unit registry and its CRL, subscribed: %.1f s%n",
                        stations, (System.nanoTime() - t) / 1e9);
                t = System.nanoTime();
                measure(List.of(java(), "-jar", jar("provisioning/target/provisioning.jar"), "revoke", "--dir",
                        files.dir().toString(), "--device", NationalBallot.device(2)), null);
                double revoke = (System.nanoTime() - t) / 1e9;
                awaitLog(hub, "device registry reloaded");
                System.out.printf("  one revocation: provisioning revoke %.1f s, then the hub in force with it after"
                        + " %.1f s (intake running all along)%n", revoke, (System.nanoTime() - t) / 1e9);
            }
        }
    }

    private static void awaitLog(HubProcess hub, String text) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (!Files.readString(hub.log()).contains(text)) {
            if (!hub.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the hub did not log '" + text + "': see " + hub.log());
            }
            Thread.sleep(20);
        }
    }

    private static ECPrivateKeyParameters requests(NationalBallot ballot, Path csrDir, int count) {
        ECPrivateKeyParameters[] first = new ECPrivateKeyParameters[1];
        IntStream.rangeClosed(1, count).parallel().forEach(i -> {
            ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
            String device = NationalBallot.device(i);
            Pem.write(csrDir.resolve(device + ".csr"), Csr.encode(Csr.create(device, key)), false);
            if (i == 1) {
                first[0] = key;
            }
        });
        return first[0];
    }

    /** The pace through the batch: the units after the first save against the last ones. */
    private void printPace(List<String> progress) {
        List<double[]> points = new ArrayList<>(); // seconds, units
        for (String line : progress) {
            var m = java.util.regex.Pattern.compile("^([0-9.]+) registry version \\d+ saved: ([0-9,]+)")
                    .matcher(line);
            if (m.find()) {
                points.add(new double[] {Double.parseDouble(m.group(1)),
                        Double.parseDouble(m.group(2).replace(",", ""))});
            }
        }
        if (points.size() >= 3) {
            double[] first = points.get(0);
            double[] second = points.get(1);
            double[] beforeLast = points.get(points.size() - 2);
            double[] last = points.get(points.size() - 1);
            System.out.printf("  pace: %.1f s to the first save of %,.0f units (the whole plan checked first), then"
                    + " %.2f ms a unit for units %,.0f-%,.0f and %.2f ms a unit for units %,.0f-%,.0f (each with its"
                    + " save); %d saves of the registry%n", first[0], first[1],
                    1000 * (second[0] - first[0]) / (second[1] - first[1]), first[1] + 1, second[1],
                    1000 * (last[0] - beforeLast[0]) / (last[1] - beforeLast[1]), beforeLast[1] + 1, last[1],
                    points.size());
        }
    }

    private record Measured(double seconds, long maxRssKb) {
    }

    /** Runs {@code command} under {@code /usr/bin/time}; lines of its standard error go to {@code lines}, timed. */
    private Measured measure(List<String> command, List<String> lines) throws IOException, InterruptedException {
        Path times = Files.createTempFile(work, "time", ".txt");
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%e %M"));
        full.addAll(command);
        Path out = work.resolve("out.txt");
        Process p = new ProcessBuilder(full).redirectOutput(out.toFile()).start();
        long start = System.nanoTime();
        List<String> err = new ArrayList<>();
        try (var reader = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                err.add(line);
                if (lines != null) {
                    lines.add(String.format("%.3f %s", (System.nanoTime() - start) / 1e9, line));
                }
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + String.join("\n", err)
                    + "\n" + Files.readString(out));
        }
        String[] figures = Files.readString(times).strip().split("\\s+");
        return new Measured(Double.parseDouble(figures[0]), Long.parseLong(figures[1]));
    }

    private static long size(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String jar(String path) {
        if (!Files.exists(Path.of(path))) {
            throw new IllegalStateException("no " + path + ": build the project first (mvn install -DskipTests)");
        }
        return path;
    }
}
