package org.rts.provisioning;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.files.SignedFile;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Crl;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.audit.AuditSelect;
import org.rts.provisioning.audit.VerifyExport;
import org.rts.provisioning.broker.BrokerSetup;
import org.rts.provisioning.election.BallotInput;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionLock;
import org.rts.provisioning.election.ElectionSetup;
import org.rts.provisioning.enrolment.Enrolment;
import org.rts.provisioning.kafka.KafkaCommand;
import org.rts.provisioning.revocation.Revocation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The technicians' tool: create an election, enrol, re-assign and revoke devices, configure the broker and Kafka;
 * and the observers': verify a hub's export.
 */
@Command(name = "provisioning", mixinStandardHelpOptions = true, version = "rts provisioning 0.1",
        description = "Creates an election's keys and certificates, enrols devices for stations, revokes them.",
        subcommands = {ProvisioningMain.Init.class, ProvisioningMain.Enrol.class, ProvisioningMain.EnrolBatch.class,
                ProvisioningMain.Reassign.class, ProvisioningMain.Revoke.class, ProvisioningMain.Decommission.class,
                ProvisioningMain.Status.class, ProvisioningMain.RenewCrl.class, ProvisioningMain.Broker.class,
                KafkaCommand.class, VerifyExport.class, AuditSelect.class})
public final class ProvisioningMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code: 0 done, 1 refused or failed (one line on stderr), 2 bad usage. */
    public static int run(String... args) {
        try {
            return execute(args);
        } finally {
            ElectionLock.releaseAll();
        }
    }

    private static int execute(String... args) {
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
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command (see --help)");
    }

    /** The election directory every command works on. */
    static final class Dir {
        @Option(names = "--dir", required = true, description = "Election directory.")
        Path dir;

        /** The election, held by this command until it ends (see {@link ElectionLock}). */
        ElectionAuthority authority() {
            return ElectionAuthority.forChange(dir, System.err);
        }

        /** The election, for a command that changes nothing: it reads beside a running one. */
        ElectionAuthority reading() {
            return ElectionAuthority.load(new ElectionFiles(dir), Clock.systemUTC());
        }
    }

    /** How enrolled units are set up: hardware profile and language. */
    static final class Setup {
        @Option(names = "--profile", description = "Hardware profile of the unit(s): pi5-x1200-oled,"
                + " pi4-waveshare-lcd, pizero2w-pisugar3-oled, simulated, or a profile file on the unit (default:"
                + " simulated).")
        String profile;

        @Option(names = "--language", description = "Language the officer reads: ar, fr or en (default: ar).")
        String language;

        Enrolment.UnitSetup setup() {
            return new Enrolment.UnitSetup(profile, language);
        }
    }

    /** The unit a command acts on. */
    static final class Device {
        @Option(names = "--device", required = true, paramLabel = "<device>",
                description = "Device id (as printed on the unit).")
        String id;
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create an election directory: CA, hub key and certificate, signed ballot definition.")
    static final class Init implements Callable<Integer> {
        @Mixin
        Dir dir;

        @Option(names = "--ballot", required = true,
                description = "Ballot definition JSON (races, candidates, stations, tolerances); with --stations"
                        + " or --candidates, the rest of it (id, mode, constituencies).")
        Path ballot;

        @Option(names = "--stations", paramLabel = "CSV", description = "Station list (UTF-8 CSV with the columns"
                + " station,name,centre,constituency,region,registered_voters[,races]).")
        Path stations;

        @Option(names = "--candidates", paramLabel = "CSV", description = "Candidate lists (UTF-8 CSV with the columns"
                + " race,race_name,constituency,candidate,candidate_name; an empty constituency: a national race).")
        Path candidates;

        @Override
        public Integer call() {
            Election election = BallotInput.read(ballot, stations, candidates);
            new ElectionSetup(Clock.systemUTC()).create(new ElectionFiles(dir.dir), election);
            System.out.printf("election %s (%s) created in %s: %d stations%n", election.id(), election.mode(),
                    dir.dir, election.stations().size());
            System.out.println(ElectionSetup.model(election));
            return 0;
        }
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true,
            description = "Issue a unit's certificate from its request (made by 'device-agent enroll') and write"
                    + " its bundle to <dir>/devices/<device>.")
    static final class Enrol implements Callable<Integer> {
        @Mixin
        Setup unit;

        @Mixin
        Dir dir;

        @Option(names = "--csr", required = true, description = "The unit's certificate request (device.csr).")
        Path csr;

        @Mixin
        Device device;

        @Option(names = "--station", required = true, description = "Station id from the ballot definition.")
        String station;

        @Option(names = "--broker", required = true, description = "Broker URL for the unit, e.g. ssl://10.0.0.5:8883;"
                + " repeat it once per edge broker: the unit uses any of them.")
        List<String> broker;

        @Override
        public Integer call() {
            print(new Enrolment(dir.authority()).withSetup(unit.setup()).enrol(csr, device.id, station, broker));
            tellHub(dir);
            return 0;
        }
    }

    @Command(name = "enroll-batch", mixinStandardHelpOptions = true,
            description = "Enrol every unit of a plan (CSV lines 'device,station'); requests are <csr-dir>/<device>.csr."
                    + " The whole plan is checked first: a refused plan enrols nothing. Safe to run again.")
    static final class EnrolBatch implements Callable<Integer> {
        @Mixin
        Setup unit;

        @Mixin
        Dir dir;

        @Option(names = "--plan", required = true, description = "CSV of device,station.")
        Path plan;

        @Option(names = "--csr-dir", required = true, description = "Folder of the units' requests.")
        Path csrDir;

        @Option(names = "--broker", required = true, description = "Broker URL for the units; repeat it once per edge"
                + " broker: each unit uses any of them.")
        List<String> broker;

        @Override
        public Integer call() {
            List<Enrolment.Outcome> outcomes = new Enrolment(dir.authority()).withSetup(unit.setup())
                    .withProgress(r -> System.err.printf("registry version %d saved: %,d certificates%n",
                            r.version(), r.devices().size()))
                    .enrolBatch(Enrolment.readPlan(plan, csrDir), broker);
            outcomes.forEach(ProvisioningMain::print);
            System.out.printf("%d units: %d enrolled, %d already enrolled%n", outcomes.size(),
                    outcomes.stream().filter(Enrolment.Outcome::created).count(),
                    outcomes.stream().filter(o -> !o.created()).count());
            tellHub(dir);
            return 0;
        }
    }

    @Command(name = "reassign", mixinStandardHelpOptions = true,
            description = "Move a unit to another station: new certificate for its key, the old one revoked."
                    + " Import the new bundle on the unit.")
    static final class Reassign implements Callable<Integer> {
        @Mixin
        Dir dir;

        @Mixin
        Device device;

        @Option(names = "--station", required = true, description = "The new station.")
        String station;

        @Override
        public Integer call() {
            Enrolment.Outcome outcome = new Enrolment(dir.authority()).reassign(device.id, station);
            print(outcome);
            System.out.printf("Now, in this order:%n"
                    + "  1. hub host: copy %s, %s and %s into the hub's election folder (same names; the hub"
                    + " reloads them within seconds)%n"
                    + "  2. unit %s: copy the folder %s to it and run 'device-agent import --from <that folder>'%n"
                    + "  3. broker host: copy %s over its crl.pem and restart Mosquitto (the old certificate is"
                    + " refused from then on)%n", files(dir).registry(), SignedFile.signatureOf(files(dir).registry()),
                    files(dir).crl(), device.id, outcome.bundle().dir(), files(dir).crl());
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Shut out a lost or stolen unit: its certificate goes on the CRL, the hub refuses it.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        Dir dir;

        @Mixin
        Device device;

        @Override
        public Integer call() {
            new Revocation(dir.authority()).revoke(device.id);
            System.out.printf("device %s revoked. Now:%n"
                    + "  1. hub host: copy %s, %s and %s into the hub's election folder (the hub refuses the unit"
                    + " within seconds)%n"
                    + "  2. broker host: copy %s over its crl.pem and restart Mosquitto (it refuses the unit's"
                    + " connections from then on)%n", device.id, files(dir).registry(),
                    SignedFile.signatureOf(files(dir).registry()), files(dir).crl(), files(dir).crl());
            return 0;
        }
    }

    @Command(name = "decommission", mixinStandardHelpOptions = true,
            description = "Retire a unit: revoke its certificate and delete its bundle here."
                    + " On the unit, 'device-agent decommission' wipes its key.")
    static final class Decommission implements Callable<Integer> {
        @Mixin
        Dir dir;

        @Mixin
        Device device;

        @Override
        public Integer call() {
            new Revocation(dir.authority()).decommission(device.id);
            System.out.printf("device %s decommissioned%n", device.id);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "List every certificate issued: device, station, state, expiry, fingerprint.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Dir dir;

        @Override
        public Integer call() {
            ElectionAuthority authority = dir.reading();
            Registry registry = authority.registry();
            System.out.println(ElectionSetup.model(authority.election()));
            System.out.printf("%-20s %-14s %-15s %-22s %s%n", "DEVICE", "STATION", "STATE", "EXPIRES",
                    "CERT SHA-256");
            for (Registry.Entry e : registry.devices()) {
                var cert = Pem.parseCertificate(e.certificate());
                System.out.printf("%-20s %-14s %-15s %-22s %s%n", e.device(), e.station(), e.status(),
                        cert.getNotAfter().toInstant(), Certificates.thumbprint(cert));
            }
            System.out.printf("%d active devices, %d certificates withdrawn%n",
                    registry.devices().stream().filter(Registry.Entry::active).count(),
                    registry.devices().stream().filter(e -> !e.active()).count());
            Crl crl = authority.crl();
            Instant lapses = crl.nextUpdate();
            System.out.printf("CRL number %s %s%n", crl.number(), lapses == null ? "names no next update"
                    : "lapses at " + lapses);
            Instant caExpires = authority.issuer().caCertificate().getNotAfter().toInstant();
            Instant now = authority.clock().instant();
            if (lapses != null && Duration.between(now, lapses).compareTo(ElectionAuthority.CRL_WARNING) < 0) {
                if (lapses.equals(caExpires)) {
                    System.err.printf("WARNING: the election CA certificate expires at %s, and with it every"
                            + " certificate and CRL it signed: from then the broker refuses every unit and the hub.%n",
                            lapses);
                } else {
                    System.err.printf("WARNING: the CRL lapses at %s: from then the broker refuses every unit and the"
                            + " hub. Run 'provisioning renew-crl --dir %s' now.%n", lapses, dir.dir);
                }
            }
            return 0;
        }
    }

    @Command(name = "renew-crl", mixinStandardHelpOptions = true,
            description = "Issue the CRL again, same revocations, valid through the election calendar: before the"
                    + " one in force lapses and the broker refuses every unit.")
    static final class RenewCrl implements Callable<Integer> {
        @Mixin
        Dir dir;

        @Override
        public Integer call() {
            Crl crl = dir.authority().renewCrl();
            System.out.printf("CRL number %s issued, valid until %s. Now:%n"
                    + "  1. broker host: copy %s over its crl.pem and restart Mosquitto (units and hub reconnect"
                    + " by themselves; no unit is enrolled again)%n"
                    + "  2. hub host: copy %s, %s and %s into the hub's election folder%n", crl.number(),
                    crl.nextUpdate(), files(dir).crl(), files(dir).registry(),
                    SignedFile.signatureOf(files(dir).registry()), files(dir).crl());
            return 0;
        }
    }

    @Command(name = "broker", mixinStandardHelpOptions = true,
            description = "Write <dir>/broker/: Mosquitto configuration with mutual TLS, CRL and per-device ACL.")
    static final class Broker implements Callable<Integer> {
        @Mixin
        Dir dir;

        @Option(names = "--host", required = true, description = "Name or address devices use for the broker"
                + " (repeat for several).")
        List<String> hosts;

        @Option(names = "--port", defaultValue = "8883", description = "TLS port (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--bind", defaultValue = "0.0.0.0", description = "Listen address (default: ${DEFAULT-VALUE}).")
        String bind;

        @Option(names = "--dir-on-host", description = "Where the files will be on the broker host"
                + " (default: where they are written).")
        Path dirOnHost;

        @Option(names = "--run-as", description = "User Mosquitto runs as (default: Mosquitto's own, 'mosquitto').")
        String runAs;

        @Option(names = "--messages-per-unit", defaultValue = "" + BrokerSetup.MESSAGES_PER_UNIT,
                description = "Messages a unit may hold and send at once; the broker's queues are sized for every"
                        + " station's unit (default: ${DEFAULT-VALUE}).")
        int messagesPerUnit;

        @Option(names = "--bridge", paramLabel = "NAME", description = "A Kafka bridge's certificate name (as given to"
                + " 'provisioning kafka --client') that may read the units' reports at this edge. Repeatable.")
        List<String> bridges = new java.util.ArrayList<>();

        @Override
        public Integer call() {
            Path written = new BrokerSetup(dir.authority()).write(hosts, port, bind, dirOnHost, runAs,
                    messagesPerUnit, bridges);
            System.out.printf("broker configuration written to %s: start it with 'mosquitto -c %s'%n", written,
                    written.resolve("mosquitto.conf"));
            return 0;
        }
    }

    private static void tellHub(Dir dir) {
        System.out.printf("hub host: copy %s and %s into the hub's election folder; until then the hub answers"
                + " the new units CERTIFICATE_UNTRUSTED and they keep their messages and retry%n",
                files(dir).registry(), SignedFile.signatureOf(files(dir).registry()));
    }

    private static ElectionFiles files(Dir dir) {
        return new ElectionFiles(dir.dir);
    }

    private static void print(Enrolment.Outcome o) {
        System.out.printf("%s %s for station %s, certificate sha256 %s, bundle %s%n",
                o.created() ? "enrolled" : "already enrolled:", o.device(), o.station(), o.thumbprint(),
                o.bundle().dir());
    }
}
