package org.rts.provisioning;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.codec.JsonFiles;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.election.ElectionSetup;
import org.rts.provisioning.enrolment.Enrolment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The technicians' tool: create an election, enrol devices, list them. */
@Command(name = "provisioning", mixinStandardHelpOptions = true, version = "rts provisioning 0.1",
        description = "Creates an election's keys and certificates and enrols devices for stations.",
        subcommands = {ProvisioningMain.Init.class, ProvisioningMain.Enrol.class, ProvisioningMain.Status.class})
public final class ProvisioningMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code: 0 done, 1 refused or failed (one line on stderr), 2 bad usage. */
    public static int run(String... args) {
        return new CommandLine(new ProvisioningMain())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof ProvisioningException || e instanceof ProtocolException
                            || e instanceof IllegalArgumentException) {
                        cmd.getErr().println("provisioning: " + e.getMessage());
                        return 1;
                    }
                    throw e;
                })
                .execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: init, enroll or status");
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create an election directory: CA, hub receipt key and certificate, ballot definition.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "Election directory to create.")
        Path dir;

        @Option(names = "--ballot", required = true,
                description = "Ballot definition JSON (races, candidates, stations, tolerances).")
        Path ballot;

        @Override
        public Integer call() {
            Election election = Election.read(ballot);
            new ElectionSetup(Clock.systemUTC()).create(new ElectionFiles(dir), election);
            System.out.printf("election %s created in %s (%d stations)%n", election.id(), dir,
                    election.stations().size());
            return 0;
        }
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true,
            description = "Enrol a device for one station and write its bundle to <dir>/devices/<device>.")
    static final class Enrol implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "Election directory.")
        Path dir;

        @Option(names = "--device", required = true, description = "Device id (as printed on the unit).")
        String device;

        @Option(names = "--station", required = true, description = "Station id from the ballot definition.")
        String station;

        @Option(names = "--broker", required = true, description = "Broker URL the device uses, e.g. tcp://10.0.0.5:1883.")
        String broker;

        @Override
        public Integer call() {
            Enrolment.Outcome o = new Enrolment(new ElectionFiles(dir), Clock.systemUTC()).enrol(device, station,
                    broker);
            System.out.printf("%s device %s for station %s, certificate sha256 %s, bundle %s%n",
                    o.created() ? "enrolled" : "already enrolled:", o.device(), o.station(), o.thumbprint(),
                    o.bundle().dir());
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "List every enrolled device, its station, certificate expiry and state.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--dir", required = true, description = "Election directory.")
        Path dir;

        @Override
        public Integer call() {
            ElectionFiles files = new ElectionFiles(dir);
            Registry registry = JsonFiles.read(files.registry(), Registry.class, "device registry");
            System.out.printf("%-20s %-16s %-8s %-22s %s%n", "DEVICE", "STATION", "STATE", "EXPIRES", "CERT SHA-256");
            for (Registry.Entry e : registry.devices()) {
                var cert = Pem.parseCertificate(e.certificate());
                System.out.printf("%-20s %-16s %-8s %-22s %s%n", e.device(), e.station(), e.status(),
                        cert.getNotAfter().toInstant(), Certificates.thumbprint(cert));
            }
            System.out.printf("%d devices%n", registry.devices().size());
            return 0;
        }
    }
}
