package org.rts.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** A program in a terminal of its own (tmux): keys typed into it as a person would, its screen read back. */
final class Terminal implements AutoCloseable {
    private final String session;
    private final Path log;

    private Terminal(String session, Path log) {
        this.session = session;
        this.log = log;
    }

    /** {@code device-agent run} for {@code unit} in a new terminal, its log (stderr) appended to {@code log}. */
    static Terminal agent(Path unit, String broker, Path log, String... extra) throws Exception {
        String session = "rts-unit-" + UUID.randomUUID().toString().substring(0, 8);
        String java = ProcessHandle.current().info().command().orElse("java");
        String jar = Path.of(System.getProperty("rts.agent.jar", "../device-agent/target/device-agent.jar"))
                .toAbsolutePath().toString();
        List<String> command = new ArrayList<>(List.of(java, "-Dstdout.encoding=UTF-8",
                "--enable-native-access=ALL-UNNAMED", "-jar", jar, "run", "--bundle", unit.toString(), "--broker",
                broker));
        command.addAll(List.of(extra));
        command.addAll(List.of("2>>", log.toString()));
        tmux("-u", "new-session", "-d", "-s", session, "-x", "100", "-y", "40", String.join(" ", command));
        return new Terminal(session, log);
    }

    private static String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** Types {@code keys} one by one. */
    void type(String keys) throws Exception {
        for (char c : keys.toCharArray()) {
            tmux("send-keys", "-t", session, "-l", String.valueOf(c));
            Thread.sleep(50);
        }
    }

    String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", session);
    }

    /** Waits until {@code text} is on the screen; returns the screen. */
    String await(String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String shown = screen();
        while (!shown.contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + text + "' never shown; the screen:\n" + shown + "\nlog:\n"
                        + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(100);
            shown = screen();
        }
        return shown;
    }

    @Override
    public void close() throws Exception {
        tmux("kill-session", "-t", session);
    }
}
