package org.rts.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import org.rts.agent.outbox.OutboxEntry;
import org.rts.agent.transmission.Sender;
import org.rts.agent.workflow.Draft;
import org.rts.agent.workflow.TallyForm;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.message.Finding;
import org.rts.protocol.message.Receipt;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The device agent's command line. Exit codes: 0 accepted by the hub, 1 error, 2 refused on the device (the form
 * has errors, or warnings were not confirmed), 3 rejected by the hub, 4 no receipt yet (the message stays in the
 * outbox and goes out with the next {@code send}).
 */
@Command(name = "device-agent", mixinStandardHelpOptions = true, version = "rts device-agent 0.1",
        description = "Signs and transmits a polling station's turnout and results, and shows the hub's receipt.",
        subcommands = {AgentMain.Enrol.class, AgentMain.Import.class, AgentMain.Result.class, AgentMain.Turnout.class,
                AgentMain.Send.class, AgentMain.Status.class, AgentMain.Decommission.class})
public final class AgentMain implements Runnable {
    public static final int ACCEPTED = 0;
    public static final int ERROR = 1;
    public static final int REFUSED = 2;
    public static final int REJECTED = 3;
    public static final int PENDING = 4;

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
                        return ERROR;
                    }
                    throw e;
                })
                .execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "choose a command: result, turnout, send or status");
    }

    /** Where the unit keeps its bundle and its outbox. */
    static final class Dirs {
        @Option(names = "--bundle", defaultValue = "/etc/rts/bundle",
                description = "Bundle directory (default: ${DEFAULT-VALUE}).")
        Path bundle;

        @Option(names = "--data", description = "Directory of the outbox (default: the bundle directory).")
        Path data;

        Path outboxFile() {
            return (data != null ? data : bundle).resolve("outbox.db");
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

        Agent open() {
            AgentSettings settings = new AgentSettings(dirs.bundle, dirs.data, broker, window,
                    Duration.ofSeconds(resendAfter), Duration.ofMillis(maxBackoffMillis));
            return Agent.open(settings, Clock.systemUTC(), System.out);
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
            boolean created = org.rts.agent.bundle.Identity.enrol(dirs.bundle, device);
            System.out.printf("%s key in %s; certificate request written to %s: give it to the technician%n",
                    created ? "new" : "kept the existing", dirs.bundle.resolve("device.key"),
                    dirs.bundle.resolve("device.csr"));
            return ACCEPTED;
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Install the bundle made by 'provisioning enroll' (or 'reassign') after checking it"
                    + " against this unit's key and the election CA.")
    static final class Import implements Callable<Integer> {
        @Mixin
        Dirs dirs;

        @Option(names = "--from", required = true, description = "Folder with the bundle from provisioning.")
        Path from;

        @Override
        public Integer call() {
            var b = org.rts.agent.bundle.Identity.importBundle(dirs.bundle, from, Instant.now());
            System.out.printf("bundle imported: device %s, station %s, election %s (%s), broker %s%n", b.deviceId(),
                    b.stationId(), b.election().id(), b.election().mode(), b.config().brokerUrl());
            return ACCEPTED;
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
            if (java.nio.file.Files.exists(outboxFile)) {
                int pending;
                try (var outbox = org.rts.agent.outbox.Outbox.open(outboxFile)) {
                    pending = outbox.pending().size();
                }
                if (pending > 0 && !force) {
                    System.out.printf("NOT WIPED: %d message(s) still wait for the hub's receipt. Run"
                            + " 'device-agent send' first, or --force to lose them.%n", pending);
                    return REFUSED;
                }
            }
            org.rts.agent.bundle.Identity.wipe(dirs.bundle, outboxFile);
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
            try (Agent agent = common.open()) {
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
            try (Agent agent = common.open()) {
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
            try (Agent agent = common.open()) {
                List<OutboxEntry> pending = agent.outbox().pending();
                if (pending.isEmpty()) {
                    System.out.println("Outbox is empty: nothing to send.");
                    return ACCEPTED;
                }
                System.out.printf("%d message(s) in the outbox, sending...%n", pending.size());
                Sender sender = agent.connect();
                List<CompletableFuture<Sender.Answer>> answers = new ArrayList<>();
                pending.forEach(e -> answers.add(sender.await(e.hash())));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(common.waitSeconds);
                int worst = ACCEPTED;
                for (CompletableFuture<Sender.Answer> answer : answers) {
                    worst = Math.max(worst, show(agent, answer, deadline));
                }
                return worst;
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the outbox and the last receipts.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Common common;

        @Override
        public Integer call() {
            try (Agent agent = common.open()) {
                var b = agent.bundle();
                System.out.printf("Device %s, station %s, election %s (%s)%n", b.deviceId(), b.stationId(),
                        b.election().id(), b.election().mode());
                System.out.printf("Battery: %s%n", agent.hardware().battery().read());
                System.out.printf("%-5s %-8s %-9s %-10s %-8s %s%n", "SEQ", "KIND", "STATE", "RECEIPT", "SENT", "SUMMARY");
                for (OutboxEntry e : agent.outbox().recent(20)) {
                    System.out.printf("%-5d %-8s %-9s %-10s %-8d %s%s%n", e.seq(), e.kind(),
                            e.pending() ? "PENDING" : e.status(), e.code() == null ? "-" : e.code(), e.attempts(),
                            e.summary(), e.reasons() == null || e.reasons().isEmpty() ? "" : "  [" + e.reasons() + "]");
                }
                return ACCEPTED;
            }
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
        return show(agent, answer, System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds));
    }

    private static int show(Agent agent, CompletableFuture<Sender.Answer> future, long deadlineNanos)
            throws InterruptedException {
        Sender.Answer answer;
        try {
            answer = future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            agent.hardware().display().show(List.of("NO RECEIPT YET", "Kept in the outbox, will be sent again.",
                    "Run 'device-agent send' or keep the unit on."));
            return PENDING;
        } catch (ExecutionException e) {
            throw new AgentException("waiting for the receipt failed: " + e.getCause().getMessage(), e.getCause());
        }
        Receipt r = answer.receipt();
        List<String> lines = new ArrayList<>();
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
}
