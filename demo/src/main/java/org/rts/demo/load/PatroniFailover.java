package org.rts.demo.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shows a {@link PatroniCluster} losing its primary mid-burst: one writer inserts numbered rows with autocommit
 * through {@link PatroniCluster#jdbcUrl()} while the primary is killed (SIGKILL, PostgreSQL with it), then the killed
 * member is started again and must come back as the synchronous standby; every insert that returned success must be
 * there at the end, on both members. Prints the figures; exits non-zero when a row is missing.
 *
 * <p>Run: {@code java -cp demo/target/classes:<runtime classpath> org.rts.demo.load.PatroniFailover [folder [rounds]]}.
 */
public final class PatroniFailover {
    private PatroniFailover() {
    }

    /** Inserts rows 1, 2, 3, … about 200 a second, reconnecting after each failure, until stopped. */
    private static final class Writer implements Runnable {
        final String url;
        final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        final Set<Long> failed = ConcurrentHashMap.newKeySet();
        /** Seconds from each first failed attempt to the next acknowledged insert: the outages the writer saw. */
        final List<Double> outages = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean stop;
        volatile int failures;
        private long outageStart;

        Writer(String url) {
            this.url = url;
        }

        @Override
        public void run() {
            long id = 0;
            Connection c = null;
            while (!stop) {
                try {
                    if (c == null) {
                        c = DriverManager.getConnection(url);
                    }
                    id++;
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO burst (id) VALUES (?)")) {
                        ps.setLong(1, id);
                        ps.executeUpdate();
                    }
                    acknowledged.add(id);
                    if (outageStart != 0) {
                        outages.add((System.nanoTime() - outageStart) / 1e9);
                        outageStart = 0;
                    }
                    Thread.sleep(5);
                } catch (SQLException e) {
                    if (id > 0 && !acknowledged.contains(id)) {
                        failed.add(id); // may or may not have committed: the answer was lost
                    }
                    failures++;
                    if (outageStart == 0) {
                        outageStart = System.nanoTime();
                    }
                    closeQuietly(c);
                    c = null;
                    pause(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            closeQuietly(c);
        }
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Files.createDirectories(Path.of(args[0])) : Files.createTempDirectory("patroni");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        long begin = System.nanoTime();
        boolean intact;
        try (PatroniCluster cluster = PatroniCluster.onLoopback(dir)) {
            cluster.start();
            System.out.printf("cluster up in %.1f s in %s: %s%n", seconds(begin), dir, cluster.members());
            System.out.println("store URL: " + cluster.jdbcUrl());
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl()); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE burst (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())");
            }
            Writer writer = new Writer(cluster.jdbcUrl());
            Thread thread = Thread.ofPlatform().name("writer").start(writer);
            for (int round = 1; round <= rounds; round++) {
                Thread.sleep(3_000);
                int victim = cluster.primary();
                int before = writer.acknowledged.size();
                int outages = writer.outages.size();
                long killed = System.nanoTime();
                cluster.kill(victim);
                System.out.printf("round %d: killed primary %s after %d acknowledged inserts (kill and reaping took"
                        + " %d ms)%n", round, cluster.name(victim), before, (System.nanoTime() - killed) / 1_000_000);
                int promoted = cluster.awaitPrimary(Duration.ofMinutes(1));
                System.out.printf("round %d: %s primary %.1f s after the kill%n", round, cluster.name(promoted),
                        seconds(killed));
                while (writer.outages.size() == outages) {
                    Thread.sleep(20);
                }
                System.out.printf("round %d: the writer saw no acknowledged insert for %.1f s (%d failed connection or"
                        + " insert attempts so far)%n", round, writer.outages.get(outages), writer.failures);
                long restarted = System.nanoTime();
                int seen = Files.readAllLines(cluster.log(victim)).size();
                cluster.start(victim);
                int standby = cluster.awaitSyncStandby(Duration.ofMinutes(3));
                System.out.printf("round %d: %s back as synchronous standby %.1f s after its restart: %s%n", round,
                        cluster.name(standby), seconds(restarted), cluster.members());
                List<String> rewind = Files.readAllLines(cluster.log(victim)).stream().skip(seen)
                        .filter(l -> l.contains("rewind") || l.contains("crash recovery")).toList();
                System.out.println("round " + round + ": " + cluster.name(victim) + " log on rewind: " + rewind);
            }
            Thread.sleep(2_000);
            writer.stop = true;
            thread.join();
            intact = verify(cluster, writer);
        }
        System.exit(intact ? 0 : 1);
    }

    private static boolean verify(PatroniCluster cluster, Writer writer) throws SQLException, InterruptedException {
        Set<Long> present = ids(cluster.jdbcUrl());
        Set<Long> missing = new HashSet<>(writer.acknowledged);
        missing.removeAll(present);
        Set<Long> ambiguous = new HashSet<>(writer.failed);
        ambiguous.retainAll(present);
        int standby = cluster.awaitSyncStandby(Duration.ofMinutes(1));
        Set<Long> onStandby = Set.of();
        for (int i = 0; i < 100 && !onStandby.equals(present); i++) { // flushed on the standby, replayed soon after
            onStandby = ids(cluster.jdbcUrl(standby));
            Thread.sleep(100);
        }
        System.out.printf("acknowledged %d, in the table %d, acknowledged but missing %d, failed attempts %d of which"
                        + " committed after all %d; standby %s holds the same rows: %s%n", writer.acknowledged.size(),
                present.size(), missing.size(), writer.failed.size(), ambiguous.size(), cluster.name(standby),
                onStandby.equals(present));
        System.out.println("members: " + cluster.members());
        return missing.isEmpty() && onStandby.equals(present);
    }

    private static Set<Long> ids(String url) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id FROM burst")) {
            while (r.next()) {
                ids.add(r.getLong(1));
            }
        }
        return ids;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // the connection is gone already
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
