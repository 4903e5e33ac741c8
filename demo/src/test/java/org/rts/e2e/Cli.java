package org.rts.e2e;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rts.agent.AgentMain;
import org.rts.provisioning.ProvisioningMain;

/** Runs the deployables' command lines as a technician or an officer would, keeping what they printed. */
final class Cli {
    private Cli() {
    }

    /** Exit code and everything printed on standard output and error. */
    record Result(int code, String output) {
        @Override
        public String toString() {
            return "exit " + code + ":\n" + output;
        }
    }

    static synchronized Result agent(String... args) {
        return capture(() -> AgentMain.run(args));
    }

    static synchronized Result hub(String... args) {
        return capture(() -> org.rts.hub.HubMain.run(args));
    }

    static synchronized Result provisioning(String... args) {
        return capture(() -> ProvisioningMain.run(args));
    }

    private static Result capture(java.util.function.IntSupplier command) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(copy, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            return new Result(command.getAsInt(), copy.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            out.print(copy.toString(StandardCharsets.UTF_8));
        }
    }

    /** The shipped agent jar in a JVM of its own, for tests that kill it. */
    static Process agentProcess(String... args) throws java.io.IOException {
        return agentProcess(null, args);
    }

    /** As {@link #agentProcess(String...)}, its output appended to {@code log} (null: discarded). */
    static Process agentProcess(java.nio.file.Path log, String... args) throws java.io.IOException {
        return agentProcess(List.of(), log, args);
    }

    /** As above, with {@code jvm} options (the simulated battery's, say). */
    static Process agentProcess(List<String> jvm, java.nio.file.Path log, String... args) throws java.io.IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvm);
        command.addAll(List.of("-jar", System.getProperty("rts.agent.jar", "../device-agent/target/device-agent.jar")));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log == null
                ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** A loopback port nothing listens on. */
    static int closedPort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
