package org.rts.demo.load;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.rts.protocol.files.ElectionFiles;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.kafka.KafkaNode;
import org.rts.provisioning.kafka.KafkaSetup;

/**
 * A Kafka cluster of KRaft nodes (broker and controller in one), each a JVM of its own from this classpath with a
 * heap sized for a small machine, so that one can be killed with SIGKILL as a real node dies. The nodes' settings
 * are the {@code server.properties} files {@code provisioning kafka} writes.
 */
public final class KafkaCluster implements AutoCloseable {
    /** One node: its settings file, its client address, its process when running. */
    private static final class Node {
        final Path config;
        final String host;
        final int port;
        final Path log;
        Process process;

        Node(Path config, String host, int port) {
            this.config = config;
            this.host = host;
            this.port = port;
            this.log = config.resolveSibling("node.log");
        }
    }

    private final List<Node> nodes = new ArrayList<>();
    private final Properties client;
    private Path clients;

    /**
     * A cluster of {@code size} nodes on loopback, formatted, not started: keys, certificates and settings as
     * {@code provisioning kafka} writes them into the election's folder, for the nodes and for {@code clients}
     * (the first client's settings are the ones this object uses).
     */
    public static KafkaCluster onLoopback(ElectionFiles election, int size, List<String> clients)
            throws IOException, InterruptedException {
        List<KafkaNode> nodes = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            nodes.add(new KafkaNode(id, "127.0.0.1", Mosquitto.freePort(), Mosquitto.freePort()));
        }
        KafkaSetup.Result setup = new KafkaSetup(ElectionAuthority.load(election, Clock.systemUTC()))
                .write(nodes, clients, null, null);
        Path conf = setup.dir();
        KafkaCluster cluster = new KafkaCluster(nodes.stream().map(n -> conf.resolve(n.name())
                .resolve(KafkaSetup.SERVER_PROPERTIES)).toList(), setup.clusterId(),
                read(conf.resolve(KafkaSetup.CLIENTS).resolve(clients.get(0)).resolve(KafkaSetup.CLIENT_PROPERTIES)));
        cluster.clients = conf.resolve(KafkaSetup.CLIENTS);
        return cluster;
    }

    /** The settings file of a client named to {@link #onLoopback}. */
    public Path clientSettings(String name) {
        return clients.resolve(name).resolve(KafkaSetup.CLIENT_PROPERTIES);
    }

    /**
     * @param configs each node's {@code server.properties}, formatted here on first start with {@code clusterId}
     * @param client  settings a client uses to reach the cluster (bootstrap, TLS)
     */
    public KafkaCluster(List<Path> configs, String clusterId, Properties client) throws IOException,
            InterruptedException {
        this.client = client;
        for (Path config : configs) {
            Properties p = read(config);
            String listener = p.getProperty("advertised.listeners").split(",")[0];
            String address = listener.substring(listener.indexOf("://") + 3);
            int colon = address.lastIndexOf(':');
            Node n = new Node(config, address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            if (!Files.exists(Path.of(p.getProperty("log.dirs").split(",")[0], "meta.properties"))) {
                run(n, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", config.toString(),
                        "--ignore-formatted");
            }
            nodes.add(n);
        }
    }

    public static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    /** Starts every node and waits until the cluster answers with all of them. */
    public KafkaCluster start() throws IOException, InterruptedException {
        for (int i = 0; i < nodes.size(); i++) {
            startNode(i);
        }
        awaitNodes(nodes.size(), Duration.ofMinutes(2));
        return this;
    }

    public void startNode(int i) throws IOException {
        Node n = nodes.get(i);
        n.process = new ProcessBuilder(command(n, "kafka.Kafka", n.config.toString())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log.toFile())).start();
    }

    /** Kills node {@code i} at once (SIGKILL): nothing flushed. */
    public void kill(int i) throws InterruptedException {
        Node n = nodes.get(i);
        if (n.process != null) {
            n.process.destroyForcibly();
            n.process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Waits until {@code count} brokers are registered and answering. */
    public void awaitNodes(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Node n : nodes) {
                if (n.process != null && !n.process.isAlive()) {
                    throw new IllegalStateException("Kafka node " + n.config.getParent() + " exited: see " + n.log);
                }
            }
            Properties p = new Properties();
            p.putAll(client);
            p.putAll(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000"));
            try (Admin admin = Admin.create(p)) {
                int up = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
                if (up >= count) {
                    return;
                }
                last = up + " nodes up";
            } catch (Exception e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the Kafka cluster did not come up with " + count + " nodes: " + last
                + "; see the node.log files beside " + nodes.get(0).config);
    }

    /** CPU time the running nodes have used so far, in microseconds. */
    public long cpuMicros() throws IOException {
        long sum = 0;
        for (Node n : nodes) {
            if (n.process != null && n.process.isAlive()) {
                sum += HubProcess.cpuMicros(n.process.pid());
            }
        }
        return sum;
    }

    /** {@code host:port} of every node, for {@code bootstrap.servers}. */
    public String bootstrap() {
        return String.join(",", nodes.stream().map(n -> n.host + ":" + n.port).toList());
    }

    public Properties client() {
        Properties p = new Properties();
        p.putAll(client);
        return p;
    }

    /** Whether something accepts connections on node {@code i}'s client port. */
    public boolean listening(int i) {
        Node n = nodes.get(i);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(n.host, n.port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What a client with {@code settings} meets when it asks the cluster for its nodes: null if it is answered. */
    public static Throwable refusal(Properties settings) {
        Properties p = new Properties();
        p.putAll(settings);
        p.putAll(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"));
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    private static List<String> command(Node n, String main, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> c = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main));
        c.addAll(List.of(args));
        return c;
    }

    private static void run(Node n, String main, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(n, main, args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log.toFile())).start();
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(main + " " + String.join(" ", args) + " failed: see " + n.log);
        }
    }

    /** Stops every node (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() throws InterruptedException {
        for (Node n : nodes) {
            if (n.process != null && n.process.isAlive()) {
                n.process.destroy();
            }
        }
        for (Node n : nodes) {
            if (n.process != null && !n.process.waitFor(30, TimeUnit.SECONDS)) {
                n.process.destroyForcibly();
            }
        }
    }
}
