package org.rts.demo.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.rts.demo.load.PatroniConfig.EtcdMember;
import org.rts.demo.load.PatroniConfig.PatroniMember;

/**
 * PostgreSQL with a synchronous standby under Patroni, on loopback: three etcd members and two Patroni members,
 * each a process of its own writing its log in its folder, with the role and database a hub uses ({@code rts},
 * password {@code rts}). A member can be killed as its machine dies and started again, when it comes back as a
 * standby (through pg_rewind if it had gone ahead of the new primary). Settings: {@link PatroniConfig}.
 *
 * <p>PostgreSQL refuses to run as root, so when this JVM is root Patroni runs as the {@code postgres} account
 * ({@code setpriv}, which replaces itself with Patroni, so the child process is Patroni itself) and its folders
 * are handed to that account; every folder above them must then be open to others.
 */
public final class PatroniCluster implements AutoCloseable {
    public static final String SCOPE = "rts";

    /**
     * One member as Patroni's {@code GET /cluster} shows it.
     *
     * @param role     {@code leader}, {@code sync_standby} or {@code replica}
     * @param state    {@code running}, {@code starting}, {@code stopped}, {@code crashed}, …
     * @param timeline the PostgreSQL timeline, 0 when not known
     * @param lag      bytes of WAL behind the leader: 0 for the leader, -1 when not known
     */
    public record Member(String name, String role, String state, int timeline, long lag) {
    }

    private static final class Node {
        final PatroniMember spec;
        Process process;

        Node(PatroniMember spec) {
            this.spec = spec;
        }
    }

    private final List<EtcdMember> etcd;
    private final List<Process> etcdProcesses = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final String token = "rts-" + UUID.randomUUID();
    private final boolean root;
    private final PatroniApi api = new PatroniApi();

    private PatroniCluster(List<EtcdMember> etcd, List<PatroniMember> members, boolean root) {
        this.etcd = etcd;
        this.root = root;
        members.forEach(m -> nodes.add(new Node(m)));
    }

    /**
     * Three etcd members and two Patroni members ({@code pg0}, {@code pg1}) in {@code dir}, on free ports; not
     * started. The folder must not hold a cluster already: the ports are new each time.
     */
    public static PatroniCluster onLoopback(Path dir) throws IOException {
        Path base = Files.createDirectories(dir).toAbsolutePath();
        if (Files.exists(base.resolve("etcd0")) || Files.exists(base.resolve("pg0"))) {
            throw new IllegalStateException(base + " holds a cluster already: give an empty folder");
        }
        List<EtcdMember> etcd = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            etcd.add(new EtcdMember("etcd" + i, Mosquitto.freePort(), Mosquitto.freePort(),
                    Files.createDirectories(base.resolve("etcd" + i)).resolve("data")));
        }
        boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        List<PatroniMember> members = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            PatroniMember m = new PatroniMember("pg" + i, Mosquitto.freePort(), Mosquitto.freePort(),
                    Files.createDirectories(base.resolve("pg" + i)));
            Files.writeString(m.config(), PatroniConfig.patroniYaml(SCOPE, m, etcd));
            if (root) {
                handToPostgres(m.dir());
                handToPostgres(m.config());
            }
            members.add(m);
        }
        return new PatroniCluster(etcd, members, root);
    }

    private static void handToPostgres(Path path) throws IOException {
        UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(users.lookupPrincipalByName("postgres"));
        view.setGroup(users.lookupPrincipalByGroupName("postgres"));
        for (Path p = path.getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("the postgres account cannot reach " + path + " because " + p
                        + " is closed to others: put the cluster in a folder under /tmp or chmod o+x " + p);
            }
        }
    }

    /**
     * Starts etcd, then {@code pg0} (which initialises the cluster and becomes the primary), creates the hub's role
     * and database, starts {@code pg1} and waits until it is the streaming synchronous standby.
     */
    public PatroniCluster start() throws IOException, InterruptedException {
        for (EtcdMember m : etcd) {
            etcdProcesses.add(new ProcessBuilder(PatroniConfig.etcdCommand(m, etcd, token)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(m.dataDir().resolveSibling("etcd.log").toFile()))
                    .start());
        }
        awaitEtcd(Duration.ofSeconds(60));
        start(0);
        int primary = awaitPrimary(Duration.ofMinutes(2));
        createStoreDatabase(primary);
        start(1);
        awaitSyncStandby(Duration.ofMinutes(3));
        return this;
    }

    /** Starts member {@code i}'s Patroni, which starts its PostgreSQL; returns at once. */
    public void start(int i) throws IOException {
        Node n = nodes.get(i);
        if (n.process != null && n.process.isAlive()) {
            throw new IllegalStateException(n.spec.name() + " is running already");
        }
        List<String> command = new ArrayList<>();
        if (root) {
            command.addAll(List.of("/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
        }
        command.addAll(List.of("/usr/bin/patroni", n.spec.config().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(n.spec.dir().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(n.spec.log().toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("PATRONI"));
        builder.environment().put("HOME", n.spec.dir().toString());
        builder.environment().put("PYTHONUNBUFFERED", "1");
        n.process = builder.start();
    }

    /**
     * Kills member {@code i} as if its machine died: SIGKILL to Patroni, to its children, to the postmaster (which
     * Patroni starts in a session of its own, so it is found through {@code postmaster.pid}) and to its backends,
     * then waits until they are gone, zombies reaped too (a zombie postmaster would make a restart believe PostgreSQL
     * still runs; init may take a second to reap it). Nothing is flushed, and the standby is not told.
     */
    public void kill(int i) throws InterruptedException {
        Node n = nodes.get(i);
        List<ProcessHandle> doomed = new ArrayList<>();
        if (n.process != null) {
            doomed.add(n.process.toHandle());
            doomed.addAll(n.process.descendants().toList());
        }
        postmaster(n).ifPresent(pm -> {
            doomed.add(pm);
            doomed.addAll(pm.descendants().toList());
        });
        doomed.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (doomed.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (n.process != null) {
            n.process.waitFor(5, TimeUnit.SECONDS);
            n.process = null;
        }
    }

    private static Optional<ProcessHandle> postmaster(Node n) {
        try {
            long pid = Long.parseLong(Files.readAllLines(n.spec.dataDir().resolve("postmaster.pid")).get(0).strip());
            return ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(true));
        } catch (IOException | RuntimeException noPostmaster) {
            return Optional.empty();
        }
    }

    /** The index of the member Patroni's REST API calls the primary now ({@code GET /primary} answers 200), or -1. */
    public int primary() {
        for (int i = 0; i < nodes.size(); i++) {
            if (status(i, "/primary") == 200) {
                return i;
            }
        }
        return -1;
    }

    /** Waits until a member is the primary and returns its index. */
    public int awaitPrimary(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            checkAlive();
            int p = primary();
            if (p >= 0) {
                return p;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no primary after " + timeout + ": " + members() + "; see " + logs());
    }

    /**
     * Waits until the primary streams to a standby whose {@code sync_state} is {@code sync} and that standby's
     * {@code GET /sync} answers 200 (it is the synchronous standby in etcd too); returns the standby's index.
     */
    public int awaitSyncStandby(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            checkAlive();
            int p = primary();
            JsonNode status = p < 0 ? null : get(p, "/patroni");
            for (JsonNode r : status == null ? List.<JsonNode>of() : status.path("replication")) {
                int s = indexOf(r.path("application_name").asText());
                if ("sync".equals(r.path("sync_state").asText()) && "streaming".equals(r.path("state").asText())
                        && s >= 0 && status(s, "/sync") == 200) {
                    return s;
                }
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("no synchronous standby after " + timeout + ": " + members() + "; see "
                + logs());
    }

    /** The members as the first member that answers {@code GET /cluster} sees them; empty when none answers. */
    public List<Member> members() {
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode cluster = get(i, "/cluster");
            if (cluster != null) {
                List<Member> members = new ArrayList<>();
                for (JsonNode m : cluster.path("members")) {
                    JsonNode lag = m.path("lag");
                    members.add(new Member(m.path("name").asText(), m.path("role").asText(), m.path("state").asText(),
                            m.path("timeline").asInt(0), lag.isMissingNode() ? 0 : lag.isNumber() ? lag.asLong() : -1));
                }
                return members;
            }
        }
        return List.of();
    }

    /**
     * The store URL for a hub: pgJDBC tries both members and keeps the one that accepts writes
     * ({@code targetServerType=primary}), remembering a member's role for 2 s only ({@code hostRecheckSeconds});
     * a connection attempt gives up after 2 s per member and 10 s in all, a query after 30 s without an answer.
     */
    public String jdbcUrl() {
        StringBuilder hosts = new StringBuilder();
        for (Node n : nodes) {
            hosts.append(hosts.isEmpty() ? "" : ",").append("127.0.0.1:").append(n.spec.pgPort());
        }
        return "jdbc:postgresql://" + hosts + "/rts?user=rts&password=rts&targetServerType=primary"
                + "&hostRecheckSeconds=2&connectTimeout=2&loginTimeout=10&socketTimeout=30";
    }

    /** A URL to member {@code i} alone, whatever its role (a standby answers reads only). */
    public String jdbcUrl(int i) {
        return "jdbc:postgresql://127.0.0.1:" + nodes.get(i).spec.pgPort() + "/rts?user=rts&password=rts"
                + "&connectTimeout=2&loginTimeout=10&socketTimeout=30";
    }

    /** Member {@code i}'s name, as in {@link Member#name}. */
    public String name(int i) {
        return nodes.get(i).spec.name();
    }

    /** Member {@code i}'s Patroni log, where its PostgreSQL writes too. */
    public Path log(int i) {
        return nodes.get(i).spec.log();
    }

    private void createStoreDatabase(int primary) throws InterruptedException {
        String url = "jdbc:postgresql://127.0.0.1:" + nodes.get(primary).spec.pgPort() + "/postgres?user="
                + PatroniConfig.SUPERUSER + "&password=" + PatroniConfig.SUPERUSER_PASSWORD;
        SQLException last = null;
        for (int attempt = 0; attempt < 40; attempt++) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                if (!s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = 'rts'").next()) {
                    s.execute("CREATE ROLE rts LOGIN PASSWORD 'rts'");
                }
                if (!s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'rts'").next()) {
                    s.execute("CREATE DATABASE rts OWNER rts");
                }
                return;
            } catch (SQLException e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException("cannot create role and database rts on " + name(primary) + ": "
                + last.getMessage(), last);
    }

    private void awaitEtcd(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (etcd.stream().allMatch(m -> {
                JsonNode health = api.get(m.clientPort(), "/health");
                return health != null && "true".equals(health.path("health").asText());
            })) {
                return;
            }
            for (int i = 0; i < etcdProcesses.size(); i++) {
                if (!etcdProcesses.get(i).isAlive()) {
                    throw new IllegalStateException("etcd exited: see " + etcd.get(i).dataDir().resolveSibling(
                            "etcd.log"));
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("etcd not healthy after " + timeout + ": see the etcd.log files beside "
                + etcd.get(0).dataDir().getParent());
    }

    private void checkAlive() {
        for (Node n : nodes) {
            if (n.process != null && !n.process.isAlive()) {
                throw new IllegalStateException("Patroni " + n.spec.name() + " exited with " + n.process.exitValue()
                        + ": see " + n.spec.log());
            }
        }
    }

    private String logs() {
        return String.join(", ", nodes.stream().map(n -> n.spec.log().toString()).toList());
    }

    private int indexOf(String name) {
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).spec.name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private int status(int i, String path) {
        return api.status(nodes.get(i).spec.apiPort(), path);
    }

    private JsonNode get(int i, String path) {
        return api.get(nodes.get(i).spec.apiPort(), path);
    }

    /**
     * Stops every member as an operator would (SIGTERM: Patroni stops its PostgreSQL), kills what is left after
     * 30 s, then kills etcd (stopped politely, its leader spends seconds trying to hand over to members that are
     * going too); no process of the cluster is left.
     */
    @Override
    public void close() throws InterruptedException {
        for (Node n : nodes) {
            if (n.process != null && n.process.isAlive()) {
                n.process.destroy();
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.process != null) {
                n.process.waitFor(30, TimeUnit.SECONDS);
            }
            kill(i); // whatever did not stop: Patroni, or a postmaster it left behind
        }
        for (Process p : etcdProcesses) {
            p.destroyForcibly();
        }
        for (Process p : etcdProcesses) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        etcdProcesses.clear();
    }
}
