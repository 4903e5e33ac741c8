package org.rts.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A private Mosquitto ({@code /usr/sbin/mosquitto}) on a free loopback port, for tests that need an edge broker to
 * die or to refuse units; the shared test broker is {@link #SHARED_URL}.
 */
public final class TestBroker implements AutoCloseable {
    public static final String SHARED_URL = "tcp://127.0.0.1:1883";

    private final int port;
    private final Path log;
    private Process process;

    private TestBroker(int port, Path log, Process process) {
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts a plain broker that takes anonymous units ({@code anonymous}) or refuses every one. */
    public static TestBroker start(Path dir, boolean anonymous) throws Exception {
        int port = freePort();
        Path conf = Files.createDirectories(dir).resolve("mosquitto.conf");
        Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous " + anonymous
                + "\npersistence false\n");
        Path log = dir.resolve("mosquitto.log");
        Process process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        TestBroker broker = new TestBroker(port, log, process);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return broker;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("mosquitto exited: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        }
        broker.close();
        throw new IllegalStateException("mosquitto did not listen on port " + port);
    }

    /** A loopback port nobody listens on (a dead edge: connections are refused at once). */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The broker dies at once (SIGKILL): its clients see their connections drop. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
