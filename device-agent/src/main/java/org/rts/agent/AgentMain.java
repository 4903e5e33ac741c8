package org.rts.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.rts.agent.bundle.Bundle;
import org.rts.agent.bundle.Identity;
import org.rts.agent.outbox.Outbox;
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.outbox.OutboxLostException;
import org.rts.agent.service.UnitService;
import org.rts.agent.transmission.BrokerRefusedException;
import org.rts.agent.transmission.Sender;
import org.rts.agent.workflow.Draft;
import org.rts.agent.workflow.TallyForm;
import org.rts.agent.workflow.Workflow;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Reason;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The device agent's command line. Exit codes: 0 accepted by the hub, 1 error, 2 refused on the device (the form
 * has errors, is already waiting, or warnings were not confirmed), 3 rejected by the hub, 4 no receipt yet (the
 * message stays in the outbox), 5 the broker refused this unit's certificate, 6 the hub has not taken the message
 * yet (it cannot authenticate this unit: kept and sent again).
 */
@Command(name = "device-agent", mixinStandardHelpOptions = true, version = "rts device-agent 0.1",
        description = "Signs and transmits a polling station's turnout and results, and shows the hub's receipt.",
        subcommands = {AgentMain.Enrol.class, AgentMain.Import.class, AgentMain.Result.class, AgentMain.Turnout.class,
                AgentMain.Send.class, AgentMain.Status.class, AgentMain.Recover.class, AgentMain.Decommission.class,
                AgentMain.Run.class})
public final class AgentMain implements Runnable {
    public static final int ACCEPTED = 0;
    public static final int ERROR = 1;
    public static final int REFUSED = 2;
    public static final int REJECTED = 3;
    public static final int PENDING = 4;
    public static final int BROKER_REFUSED = 5;
    public static final int HELD = 6;
    /** Exit codes from the least to the most urgent, for a command that waits for several answers. */
    private static final List<Integer> URGENCY = List.of(ACCEPTED, REFUSED, REJECTED, PENDING, HELD, BROKER_REFUSED);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new AgentMain())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof AgentException || e instanceof ProtocolException
                            || e instanceof IllegalArgumentException) {
                        cmd.getErr().println("device-agent: " + e.getMessage());
                        return e instanceof org.rts.agent.workflow.DuplicateReportException ? REFUSED : ERROR;
                    }
                    throw e;
                })
                .execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a command: run, result, turnout, send, status or recover");
    }

    /** Where the unit keeps its bundle and its outbox. */
    static final class Dirs {
        @Option(names = "--bundle", defaultValue = "/etc/rts/bundle",
                description = "Bundle directory (default: ${DEFAULT-VALUE}).")
        Path bundle;

        @Option(names = "--data", description = "Directory of the outbox (default: the bundle directory).")
        Path data;

        Path dataDir() {
            return data != null ? data : bundle;
        }

        Path outboxFile() {
            return dataDir().resolve("outbox.db");
        }
    }

    /** Options of the commands that transmit. */
    static final class Common {
        @Mixin
        Dirs dirs;

        @Option(names = "--broker", description = "Broker URL, overriding the bundle's.")
        String broker;

        @Option(names = "--wait", defaultValue = "60",
                description = "Seconds to wait for the hub's receipt (default: ${DEFAULT-VALUE}).")
        int waitSeconds;

        @Option(names = "--window", defaultValue = "4",
                description = "Messages awaiting a receipt at once (default: ${DEFAULT-VALUE}).")
        int window;

        @Option(names = "--resend-after", defaultValue = "20",
                description = "Seconds before a message without receipt is sent again (default: ${DEFAULT-VALUE}).")
        int resendAfter;

        @Option(names = "--max-backoff-ms", defaultValue = "30000",
                description = "Longest pause between connection attempts (default: ${DEFAULT-VALUE}).")
        long maxBackoffMillis;

        AgentSettings settings() {
            return new AgentSettings(dirs.bundle, dirs.data, broker, window, Duration.ofSeconds(resendAfter),
                    Duration.ofMillis(maxBackoffMillis));
        }

        Agent open(String command) {
            return Agent.open(settings(), Clock.systemUTC(), System.out, command);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the unit as a service until stopped: the buttons, display and lights of its hardware"
                    + " profile walk the officer through turnout and the result; reports are kept and sent, and"
                    + " the receipt shown. On the simulated profile the terminal is the unit (keys: digits, t"
                    + " transmit, c confirm, x cancel, u/d up and down, n or Enter next).")
    static final class Run implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--telemetry-seconds", defaultValue = "60", description = "Seconds between health reports"
                + " (and at once on a significant change; at least 5; default: ${DEFAULT-VALUE}).")
        int telemetrySeconds;

        @Override
        public Integer call() throws InterruptedException {
            Agent agent = common.open("run");
            UnitService service;
            try {
                service = UnitService.start(agent, Clock.systemUTC(), System.in,
                        java.time.Duration.ofSeconds(telemetrySeconds));
            } catch (RuntimeException e) {
                agent.close();
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(service::close, "unit-stop"));
            service.await();
            return 0;
        }
    }

    @Command(name = "enroll", mixinStandardHelpOptions = true,
            description = "Make this unit's key (it never leaves the unit) and its certificate request for the"
                    + " technician.")
    static final class Enrol implements Callable<Integer> {
        @Mixin
        Dirs dirs;

        @Option(names = "--device", required = true, description = "Device id printed on the unit.")
        String device;

        @Override
        public Integer call() {
            boolean created = Identity.enrol(dirs.bundle, device);
            System.out.printf("%s key in %s; certificate request written to %s: give it to the technician%n",
                    created ? "new" : "kept the existing", dirs.bundle.resolve("device.key"),
                    dirs.bundle.resolve("device.csr"));
            return ACCEPTED;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Install the bundle made by 'provisioning enroll' (or 'reassign') after checking it"
                    + " against this unit's key and the election CA. Creates the outbox on the first import;"
                    + " messages still waiting are signed again with a new certificate.")
    static final class Import implements Callable<Integer> {
        @Mixin
        Dirs dirs;

        @Option(names = "--from", required = true, description = "Folder with the bundle from provisioning.")
        Path from;

        @Option(names = "--abandon-pending", description = "Give up messages still waiting for another station"
                + " (they stay in the outbox, marked ABANDONED).")
        boolean abandon;

        @Override
        public Integer call() {
            Path outboxFile = dirs.outboxFile();
            try (ProcessLock lock = ProcessLock.acquire(dirs.dataDir(), "import")) {
                String oldCertificate = Files.exists(dirs.bundle.resolve("device.pem"))
                        ? Certificates.thumbprint(Pem.readCertificate(dirs.bundle.resolve("device.pem"))) : null;
                List<OutboxEntry> waiting = waiting(outboxFile);
                Bundle b = Identity.importBundle(dirs.bundle, from, Instant.now(), staged -> {
                    List<OutboxEntry> elsewhere = waiting.stream()
                            .filter(e -> !e.station().equals(staged.stationId())).toList();
                    if (!elsewhere.isEmpty() && !abandon) {
                        throw new AgentException("not imported: " + elsewhere.size() + " message(s) for station "
                                + elsewhere.get(0).station() + " still wait for the hub's receipt (first: seq "
                                + elsewhere.get(0).seq() + ", " + elsewhere.get(0).summary() + "). Send them"
                                + " first with 'device-agent send', or import with --abandon-pending to give them up");
                    }
                });
                System.out.printf("bundle imported: device %s, station %s, election %s (%s), broker %s%n",
                        b.deviceId(), b.stationId(), b.election().id(), b.election().mode(), b.config().brokerUrl());
                if (!Files.exists(outboxFile)) {
                    Outbox.create(outboxFile).close();
                    System.out.println("outbox created: " + outboxFile);
                    return ACCEPTED;
                }
                if (waiting.isEmpty() || Certificates.thumbprint(b.deviceCertificate()).equals(oldCertificate)) {
                    return ACCEPTED;
                }
                try (Outbox outbox = Outbox.open(outboxFile)) {
                    if (abandon) {
                        int n = outbox.abandonPending(Instant.now());
                        System.out.printf("%d waiting message(s) abandoned (kept in the outbox for review)%n", n);
                    } else {
                        int n = new Workflow(b, outbox, Clock.systemUTC()).resignPending("new certificate "
                                + Certificates.thumbprint(b.deviceCertificate()));
                        System.out.printf("%d waiting message(s) signed again with the new certificate%n", n);
                    }
                }
                return ACCEPTED;
            }
        }

        private static List<OutboxEntry> waiting(Path outboxFile) {
            if (!Files.exists(outboxFile)) {
                return List.of();
            }
            try (Outbox outbox = Outbox.open(outboxFile)) {
                return outbox.pending();
            } catch (OutboxLostException e) {
                System.out.println("warning: " + e.getMessage());
                return List.of();
            }
        }
    }

    @Command(name = "recover", mixinStandardHelpOptions = true,
            description = "After the outbox was lost (missing, empty or damaged): keep what is left aside, start a"
                    + " new outbox, and tell the hub with a signed chain restart, which it records for review.")
    static final class Recover implements Callable<Integer> {
        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            AgentSettings settings = common.settings();
            ProcessLock lock = ProcessLock.acquire(settings.data(), "recover");
            try {
                Bundle bundle = Bundle.load(settings.bundle(), Instant.now());
                Path file = settings.outboxFile();
                try {
                    Outbox.open(file).close();
                    throw new AgentException("the outbox " + file + " is whole: nothing to recover ('device-agent"
                            + " send' sends what waits in it)");
                } catch (OutboxLostException lost) {
                    System.out.println("outbox lost: " + lost.getMessage());
                }
                Outbox.setAside(file, Instant.now()).ifPresent(p -> System.out.println("kept aside as " + p));
                OutboxEntry restart;
                try (Outbox outbox = Outbox.create(file)) {
                    restart = new Workflow(bundle, outbox, Clock.systemUTC()).restartAfterLoss();
                }
                System.out.println("new outbox " + file + "; chain restart signed, telling the hub...");
                try (Agent agent = Agent.open(settings, Clock.systemUTC(), System.out, lock)) {
                    Sender sender = agent.connect();
                    return show(agent, sender.await(restart.hash()), deadline(common.waitSeconds));
                }
            } finally {
                lock.close();
            }
        }
    }

    @Command(name = "decommission", mixinStandardHelpOptions = true,
            description = "Wipe this unit's key, bundle and outbox.")
    static final class Decommission implements Callable<Integer> {
        @Mixin
        Dirs dirs;

        @Option(names = "--force", description = "Wipe even though messages still wait for their receipt.")
        boolean force;

        @Override
        public Integer call() {
            Path outboxFile = dirs.outboxFile();
            try (ProcessLock lock = ProcessLock.acquire(dirs.dataDir(), "decommission")) {
                if (Files.exists(outboxFile) && !force) {
                    int pending;
                    try (Outbox outbox = Outbox.open(outboxFile)) {
                        pending = outbox.pending().size();
                    } catch (OutboxLostException e) {
                        System.out.println("NOT WIPED: " + e.getMessage() + ". Use --force to wipe anyway.");
                        return REFUSED;
                    }
                    if (pending > 0) {
                        System.out.printf("NOT WIPED: %d message(s) still wait for the hub's receipt. Run"
                                + " 'device-agent send' first, or --force to lose them.%n", pending);
                        return REFUSED;
                    }
                }
                Identity.wipe(dirs.bundle, outboxFile);
            }
            System.out.println("key, bundle and outbox wiped from " + dirs.bundle);
            return ACCEPTED;
        }
    }

    @Command(name = "result", mixinStandardHelpOptions = true,
            description = "Review, sign and transmit the station's result for one race.")
    static final class Result implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--file", description = "Tally file (.json or .csv); without it the figures are asked for.")
        Path file;

        @Option(names = "--race", description = "Race to enter at the console (default: the first race).")
        String race;

        @Option(names = "--yes", description = "Transmit despite warnings (after checking them on the paper form).")
        boolean yes;

        @Override
        public Integer call() throws Exception {
            try (Agent agent = common.open("result")) {
                BufferedReader console = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                TallyForm form;
                if (file != null) {
                    form = TallyForm.read(file);
                } else {
                    var election = agent.bundle().election();
                    var chosen = race == null ? election.races().get(0) : election.race(race).orElseThrow(
                            () -> new AgentException("race '" + race + "' is not in the ballot definition"));
                    int registered = election.station(agent.bundle().stationId()).orElseThrow().registeredVoters();
                    form = TallyForm.prompt(chosen, registered, console, System.out);
                }
                Draft draft = agent.workflow().result(form);
                if (!confirm(agent, draft, yes, file == null, console)) {
                    return REFUSED;
                }
                return transmit(agent, agent.workflow().commit(draft), common.waitSeconds);
            }
        }
    }

    @Command(name = "turnout", mixinStandardHelpOptions = true,
            description = "Sign and transmit the number of voters so far.")
    static final class Turnout implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--voters", required = true, description = "Voters who have voted so far.")
        int voters;

        @Option(names = "--at", description = "Time of the count, e.g. 2026-11-22T12:00:00Z (default: now).")
        Instant at;

        @Override
        public Integer call() throws Exception {
            try (Agent agent = common.open("turnout")) {
                Draft draft = agent.workflow().turnout(voters, at);
                if (!confirm(agent, draft, true, false, null)) {
                    return REFUSED;
                }
                return transmit(agent, agent.workflow().commit(draft), common.waitSeconds);
            }
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Send whatever is still in the outbox and wait for the receipts.")
    static final class Send implements Callable<Integer> {
        @Mixin
        Common common;

        @Override
        public Integer call() throws Exception {
            try (Agent agent = common.open("send")) {
                List<OutboxEntry> pending = agent.outbox().pending();
                if (pending.isEmpty()) {
                    System.out.println("Outbox is empty: nothing to send.");
                    return ACCEPTED;
                }
                System.out.printf("%d message(s) in the outbox, sending...%n", pending.size());
                Sender sender = agent.connect();
                List<CompletableFuture<Sender.Answer>> answers = new ArrayList<>();
                pending.forEach(e -> answers.add(sender.await(e.hash())));
                long deadline = deadline(common.waitSeconds);
                int worst = ACCEPTED;
                for (CompletableFuture<Sender.Answer> answer : answers) {
                    int code = show(agent, answer, deadline);
                    worst = URGENCY.indexOf(code) > URGENCY.indexOf(worst) ? code : worst;
                }
                return worst;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the outbox and the last receipts.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Dirs dirs;

        @Override
        public Integer call() {
            Bundle b = Bundle.load(dirs.bundle, Instant.now());
            System.out.printf("Device %s, station %s, election %s (%s)%n", b.deviceId(), b.stationId(),
                    b.election().id(), b.election().mode());
            try (Outbox outbox = Outbox.open(dirs.outboxFile())) {
                List<OutboxEntry> pending = outbox.pending();
                System.out.printf("%d message(s) waiting for the hub%n", pending.size());
                System.out.printf("%-5s %-8s %-10s %-10s %-5s %s%n", "SEQ", "KIND", "STATE", "RECEIPT", "SENT",
                        "SUMMARY");
                for (OutboxEntry e : outbox.recent(20)) {
                    String state = e.pending() ? (e.held() != null ? "HELD" : "WAITING") : e.status();
                    String note = e.held() != null ? e.held() : e.reasons();
                    System.out.printf("%-5d %-8s %-10s %-10s %-5d %s%s%n", e.seq(), e.kind(), state,
                            e.code() == null ? "-" : e.code(), e.attempts(), e.summary(),
                            note == null || note.isEmpty() ? "" : "  [" + note + "]");
                }
            }
            return ACCEPTED;
        }
    }

    /** Shows the review; false when the form has errors, or has warnings that were not confirmed. */
    static boolean confirm(Agent agent, Draft draft, boolean yes, boolean interactive, BufferedReader console)
            throws java.io.IOException {
        PrintStream out = System.out;
        List<String> lines = new ArrayList<>(draft.review());
        draft.findings().errors().forEach(f -> lines.add("ERROR " + f));
        draft.findings().warnings().forEach(f -> lines.add("WARNING " + f));
        agent.hardware().display().show(lines);
        if (!draft.findings().ok()) {
            out.println("NOT TRANSMITTED: the form breaks a reconciliation rule. Check the paper form:");
            draft.findings().errors().forEach(f -> out.println("  " + f.code() + ": " + f.detail()));
            return false;
        }
        if (!draft.findings().warnings().isEmpty() && !yes) {
            if (!interactive) {
                out.println("NOT TRANSMITTED: check the warnings on the paper form, then run again with --yes.");
                return false;
            }
            out.print("Transmit with these warnings? [y/N] ");
            out.flush();
            String answer = console.readLine();
            return answer != null && answer.strip().equalsIgnoreCase("y");
        }
        if (interactive && !yes) {
            out.print("Transmit? [y/N] ");
            out.flush();
            String answer = console.readLine();
            return answer != null && answer.strip().equalsIgnoreCase("y");
        }
        return true;
    }

    static int transmit(Agent agent, OutboxEntry entry, int waitSeconds) throws InterruptedException {
        System.out.printf("Signed and stored as message %d; sending to the hub...%n", entry.seq());
        Sender sender = agent.connect();
        CompletableFuture<Sender.Answer> answer = sender.await(entry.hash());
        sender.wake();
        return show(agent, answer, deadline(waitSeconds));
    }

    private static long deadline(int waitSeconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
    }

    private static int show(Agent agent, CompletableFuture<Sender.Answer> future, long deadlineNanos)
            throws InterruptedException {
        Sender.Answer answer;
        try {
            answer = future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            agent.hardware().display().show(List.of("NO RECEIPT YET",
                    "The message is safe in the outbox.",
                    "It goes out again with 'device-agent send':",
                    "keep the unit on and run it again."));
            return PENDING;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BrokerRefusedException refused) {
                agent.hardware().display().show(List.of("THIS UNIT IS REFUSED BY THE BROKER",
                        refused.getMessage(),
                        "Its certificate may be revoked or unknown there.",
                        "The message is kept. Call the technician."));
                return BROKER_REFUSED;
            }
            throw new AgentException("waiting for the receipt failed: " + e.getCause().getMessage(), e.getCause());
        }
        Receipt r = answer.receipt();
        List<String> lines = new ArrayList<>();
        if (answer.held()) {
            lines.add("NOT YET TAKEN BY THE HUB  message " + answer.entry().seq() + " (" + answer.entry().kind() + ")");
            lines.add(plainWords(r));
            r.reasons().forEach(f -> lines.add(f.code() + ": " + f.detail()));
            lines.add("The message is kept and sent again. Call the technician.");
            agent.hardware().display().show(lines);
            return HELD;
        }
        if (r.accepted()) {
            lines.add("ACCEPTED  message " + answer.entry().seq() + " (" + answer.entry().kind() + ")");
            lines.add("Receipt code: " + r.code());
            lines.add("Write this code on the paper form.");
            r.warnings().forEach(w -> lines.add("warning " + w.code()));
        } else {
            lines.add("REJECTED BY THE HUB  message " + answer.entry().seq() + " (" + answer.entry().kind() + ")");
            lines.add("Receipt code: " + r.code());
            for (Finding f : r.reasons()) {
                lines.add(f.code() + ": " + f.detail());
            }
        }
        agent.hardware().display().show(lines);
        return r.accepted() ? ACCEPTED : REJECTED;
    }

    private static String plainWords(Receipt r) {
        if (r.has(Reason.CERTIFICATE_UNTRUSTED)) {
            return "The hub does not know this unit's certificate yet (the hub needs the new registry).";
        }
        if (r.has(Reason.DEVICE_REVOKED)) {
            return "The hub says this unit's certificate was revoked.";
        }
        return "The hub could not check this message.";
    }
}
