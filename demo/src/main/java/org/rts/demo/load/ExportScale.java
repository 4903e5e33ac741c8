package org.rts.demo.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.rts.hub.export.Exporter;
import org.rts.hub.intake.Intake;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.hub.registry.RegistryWatch;
import org.rts.hub.store.ExportSnapshot;
import org.rts.hub.store.MessageStore;
import org.rts.hub.validation.Authenticator;
import org.rts.hub.validation.Inbound;
import org.rts.hub.validation.Verification;
import org.rts.hub.validation.Verification.Verified;
import org.rts.protocol.merkle.ReceiptLog;
import org.rts.protocol.pki.Pem;

/**
 * How a national export verifies: a hub's intake takes {@code records} signed reports of {@code units} units into a
 * SQLite store (no broker: the export is what is measured), exports them, and both verifiers check the export in a
 * process of their own, {@code provisioning verify-export} with a 1 GB heap and the VERIFY.md recipe (openssl,
 * Node.js), each timed with its peak resident memory.
 * <pre>
 *   bin/export-scale [records] [units]     default 1,000,000 records of 10,000 units
 * </pre>
 */
public final class ExportScale {
    private static final int BATCH = 2_000;

    private ExportScale() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int units = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        if (records < units || records % units != 0) {
            throw new IllegalArgumentException("records must be a multiple of units, found " + records + " and "
                    + units);
        }
        Path work = Files.createTempDirectory("rts-export-scale-");
        long t0 = System.nanoTime();
        Fleet fleet = Fleet.create(work.resolve("election"), units);
        System.out.printf("%,d units provisioned in %.1f s%n", units, seconds(t0));

        var files = fleet.files();
        var election = fleet.election();
        Path hubDb = work.resolve("hub.db");
        long t1 = System.nanoTime();
        try (MessageStore store = MessageStore.open(hubDb)) {
            ReceiptLog log = new ReceiptLog(election.id(), "export-scale", new ReceiptIssuer(
                    Pem.readPrivateKey(files.hubKey()), Pem.readCertificate(files.hubCertificate())).signer());
            store.load(log);
            RegistryWatch registry = new RegistryWatch(files.registry(), files.crl(),
                    Pem.readCertificate(files.caCertificate()), election.id());
            Intake intake = new Intake(election, new Verification(new Authenticator(election, registry::current)),
                    store, log, Clock.systemUTC());
            long accepted = 0;
            for (int round = 0; round < records / units; round++) {
                List<Fleet.Message> signed = fleet.sign(1);
                for (int from = 0; from < signed.size(); from += BATCH) {
                    List<Verified> batch = signed.subList(from, Math.min(signed.size(), from + BATCH))
                            .parallelStream().map(m -> intake.verify(Inbound.bounded(m.topic(), m.bytes(),
                                    Authenticator.MAX_BYTES), java.time.Instant.now())).toList();
                    accepted += intake.decideAndStore(batch).stream().filter(d -> d.reasons().isEmpty()).count();
                }
            }
            System.out.printf("%,d reports signed, verified and stored (%,d accepted) in %.1f s; store %,d MB%n",
                    records, accepted, seconds(t1), Files.size(hubDb) >> 20);
        }

        Path export = work.resolve("export");
        long t2 = System.nanoTime();
        try (ExportSnapshot db = ExportSnapshot.open(hubDb.toString())) {
            Exporter.Summary s = new Exporter(files, db, Clock.systemUTC()).export(export);
            System.out.printf("exported %,d records of %,d units in %.1f s: %,d MB%n", s.records(), s.units(),
                    seconds(t2), size(export) >> 20);
        }
        String caSha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Pem.readCertificate(files.caCertificate()).getEncoded()));

        List<String> java = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e s %M kB",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), "org.rts.provisioning.ProvisioningMain", "verify-export",
                export.toString(), "--ca-sha256", caSha256));
        report("provisioning verify-export (-Xmx1g)", run(new ProcessBuilder(java), work.resolve("java.log")));

        Path doc = Path.of("VERIFY.md");
        if (Files.exists(doc)) {
            String text = Files.readString(doc);
            Files.writeString(export.resolve("verify-export.mjs"), block(text, "js\n"), StandardCharsets.UTF_8);
            String shell = "set -e\n# in the export folder" + block(text, "sh\n# in the export folder");
            ProcessBuilder recipe = new ProcessBuilder("/usr/bin/time", "-f", "%e s %M kB", "bash", "-c", shell)
                    .directory(export.toFile());
            recipe.environment().put("CA_SHA256", caSha256);
            report("VERIFY.md recipe (openssl, Node.js)", run(recipe, work.resolve("recipe.log")));
        }
        System.out.println("work folder: " + work);
    }

    private record Ran(int exit, String lastLines) {
    }

    private static Ran run(ProcessBuilder pb, Path log) throws IOException, InterruptedException {
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        int exit = p.waitFor();
        List<String> lines = Files.readAllLines(log);
        return new Ran(exit, String.join("\n    ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
    }

    private static void report(String what, Ran ran) {
        System.out.printf("%s: exit %d%n    %s%n", what, ran.exit(), ran.lastLines());
    }

    private static String block(String text, String opening) throws IOException {
        Matcher m = Pattern.compile("```" + Pattern.quote(opening) + "(.*?)```", Pattern.DOTALL).matcher(text);
        if (!m.find()) {
            throw new IOException("no ```" + opening.strip() + " block in VERIFY.md");
        }
        return m.group(1);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
