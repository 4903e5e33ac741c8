package org.rts.demo.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A private Mosquitto process on a loopback port, for tests that need a broker to appear, vanish or restart. */
public final class Mosquitto implements AutoCloseable {
    public static final String SHARED_URL = "tcp://127.0.0.1:1883";

    private final int port;
    private final Path conf;
    private final Path log;
    private Process process;

    private Mosquitto(int port, Path conf, Path log) {
        this.port = port;
        this.conf = conf;
        this.log = log;
    }

    /** A plain, anonymous broker on a free port with further configuration lines, not started yet. */
    public static Mosquitto plain(Path dir, String... settings) throws IOException {
        int port = freePort();
        Path conf = Files.createDirectories(dir).resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + String.join("\n", settings) + "\n");
        return new Mosquitto(port, conf, dir.resolve("mosquitto.log"));
    }

    /** A plain, anonymous broker on a free port that keeps its sessions and queues on disk (saved every second). */
    public static Mosquitto persistent(Path dir) throws IOException {
        int port = freePort();
        Path conf = Files.createDirectories(dir).resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence true\n"
                + "persistence_location " + dir.toAbsolutePath() + "/\nautosave_interval 1\n");
        return new Mosquitto(port, conf, dir.resolve("mosquitto.log"));
    }

    /**
     * A plain, anonymous broker with the queue limits provisioning writes for an election of {@code units} units
     * that may each hold {@code messagesPerUnit} messages.
     */
    public static Mosquitto forElection(Path dir, int units, int messagesPerUnit) throws IOException {
        int port = freePort();
        Path conf = Files.createDirectories(dir).resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n"
                + String.join("\n", org.rts.provisioning.broker.BrokerSetup.limits(units, messagesPerUnit)) + "\n");
        return new Mosquitto(port, conf, dir.resolve("mosquitto.log"));
    }

    /** A broker running a configuration written elsewhere (by provisioning), listening on {@code port}. */
    public static Mosquitto configured(Path conf, int port) {
        return new Mosquitto(port, conf, conf.resolveSibling("mosquitto.log"));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public void start() throws Exception {
        process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("mosquitto did not listen on port " + port);
    }

    /** Kills the broker at once (SIGKILL): nothing is saved or said to its clients. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
            process = null;
        }
    }

    /** Stops and starts again: how Mosquitto takes a new CRL. */
    public void restart() throws Exception {
        close();
        start();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
            process = null;
        }
    }
}
