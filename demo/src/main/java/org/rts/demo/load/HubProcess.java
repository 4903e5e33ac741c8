package org.rts.demo.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The shipped hub jar in a JVM of its own, as it runs in an operations room: its CPU time can be read from the
 * kernel, and it can be stopped (SIGTERM) or killed (SIGKILL) like a real one.
 */
public final class HubProcess implements AutoCloseable {
    /** Where the hub jar is; {@code rts.hub.jar} overrides (tests run from the module's folder). */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("rts.hub.jar", "hub/target/hub.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no hub jar at " + jar.toAbsolutePath() + ": build it first (mvn install"
                    + " -DskipTests) or set -Drts.hub.jar");
        }
        return jar;
    }

    private final List<String> command;
    private final Path log;
    private Process process;

    /** A hub for the election in {@code election}, started by {@link #start}; {@code options} as on its command line. */
    public HubProcess(Path election, String broker, String store, String clientId, Path log, String... options) {
        this(log, concat(List.of("run", "--election", election.toString(), "--broker", broker, "--store", store,
                "--client-id", clientId), options));
    }

    /** The hub jar run with {@code args} (a subcommand and its options), started by {@link #start}. */
    public HubProcess(Path log, List<String> args) {
        this.log = log;
        String java = ProcessHandle.current().info().command().orElse("java");
        // the JVM options the README gives a hub (the server compiler alone, at a fifth of its call counts);
        // compiler threads that live as long as the JVM, so that their CPU time can be read to the end
        command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:-TieredCompilation",
                "-XX:CompileThresholdScaling=0.2", "-XX:-UseDynamicNumberOfCompilerThreads"));
        String extra = System.getProperty("rts.hub.jvm", "").strip(); // e.g. a profiler's options
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(args);
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    public HubProcess start() throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return this;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** User plus system CPU time the process has used so far, in microseconds (Linux {@code /proc}). */
    public long cpuMicros() throws IOException {
        return cpuMicros(process.pid());
    }

    /** CPU time, in microseconds, this hub's JIT compiler threads have used so far. */
    long compilerMicros() throws IOException {
        return compilerMicros(process.pid());
    }

    /** User plus system CPU time process {@code pid} has used so far, in microseconds (Linux {@code /proc}). */
    public static long cpuMicros(long pid) throws IOException {
        return ticks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * 1_000_000 / CLOCK_TICKS;
    }

    /** User plus system clock ticks in a {@code /proc/.../stat} line (of a process or one of its threads). */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    }

    /** CPU time of all {@code hubs} so far, in microseconds; with {@code compilers}, their JIT compilers' only. */
    static long cpuMicros(List<HubProcess> hubs, boolean compilers) throws IOException {
        long sum = 0;
        for (HubProcess h : hubs) {
            sum += compilers ? h.compilerMicros() : h.cpuMicros();
        }
        return sum;
    }

    /**
     * Waits, at most a minute, until the JIT compilers of all {@code hubs} have used less than one clock tick in a
     * second: what they queued while the cores were full is compiled, as in a hub that had a quieter hour before the
     * close of polls, and a burst then measures compiled code. Returns the nanoseconds it waited.
     */
    static long awaitCompilersIdle(List<HubProcess> hubs) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long before = cpuMicros(hubs, true);
        while (System.nanoTime() - start < Duration.ofMinutes(1).toNanos()) {
            Thread.sleep(1_000);
            long now = cpuMicros(hubs, true);
            if (now - before < 1_000_000 / CLOCK_TICKS) {
                break;
            }
            before = now;
        }
        return System.nanoTime() - start;
    }

    /** CPU time, in milliseconds a second, that each of {@code hubs} uses on average while no message comes. */
    static double restingMillisPerSecond(List<HubProcess> hubs) throws IOException, InterruptedException {
        long before = cpuMicros(hubs, false);
        Thread.sleep(5_000);
        return (cpuMicros(hubs, false) - before) / 5_000.0 / hubs.size();
    }

    /** CPU time, in microseconds, the JIT compiler threads ("C1/C2 CompilerThread") of process {@code pid} used. */
    private static long compilerMicros(long pid) throws IOException {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.matches("C[12] CompilerThre.*")) {
                        ticks += ticks(stat);
                    }
                } catch (java.nio.file.NoSuchFileException ended) {
                    // a compiler thread that ended meanwhile
                }
            }
        }
        return ticks * 1_000_000 / CLOCK_TICKS;
    }

    /** Kills at once (SIGKILL): nothing is flushed, closed or acknowledged. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Stops as an operator would (SIGTERM), waiting for the hub to finish what it holds. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** Waits until the hub's health file says it is subscribed: what is published before has nobody to go to. */
    public void awaitConnected(Path health) throws InterruptedException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!isAlive()) {
                throw new IllegalStateException("the hub exited: see " + log);
            }
            try {
                if (Files.exists(health) && json.readTree(health.toFile()).path("brokerConnected").asBoolean()) {
                    return;
                }
            } catch (IOException partlyWritten) {
                // written again in a moment
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the hub did not connect within 60 s: see " + log);
    }

    public Path log() {
        return log;
    }

    private static final long CLOCK_TICKS = clockTicks();

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
