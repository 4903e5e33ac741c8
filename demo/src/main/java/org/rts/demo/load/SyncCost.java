package org.rts.demo.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.rts.demo.load.Fleet.Message;

/**
 * What synchronous replication costs the hub per message, on this machine: one hub on PostgreSQL under Patroni
 * (a primary and a synchronous standby on loopback) takes a burst with {@code synchronous_commit=local} (its
 * commits wait for the primary's disk only), then a new hub takes the same size of burst with the cluster's
 * synchronous commit (each commit waits until the standby has it too). Same run, same machine, same data.
 */
final class SyncCost {
    private SyncCost() {
    }

    /** A phase's figures: accepted and receipted a second, hub CPU per message. */
    record Phase(String label, int answered, double rate, double cpuMicros) {
    }

    static int run(Path work, int units, int messages) throws Exception {
        Fleet fleet = Fleet.create(work.resolve("election"), units);
        int perUnit = Math.max(1, messages / units);
        int warmPerUnit = Math.max(1, 1000 / units);
        // signed in the order they are sent, so that every unit's chain stays whole across the phases
        List<List<Message>> batches = List.of(fleet.sign(warmPerUnit), fleet.sign(perUnit), fleet.sign(warmPerUnit),
                fleet.sign(perUnit));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x")); // PostgreSQL's account
        try (PatroniCluster database = PatroniCluster.onLoopback(work.resolve("pg")).start();
             Mosquitto broker = Mosquitto.forElection(work.resolve("broker"), units, 2 * (perUnit + warmPerUnit))) {
            broker.start();
            System.out.printf("  Patroni: %s%n", database.members());
            Phase local = phase("synchronous_commit=local", fleet, broker, database.jdbcUrl()
                    + "&options=-c%20synchronous_commit%3Dlocal", batches.get(0), batches.get(1), work, "a");
            Phase sync = phase("synchronous standby", fleet, broker, database.jdbcUrl(), batches.get(2),
                    batches.get(3), work, "b");
            for (Phase p : List.of(local, sync)) {
                System.out.printf("  %-26s %,d messages, %,.0f msg/s accepted and receipted, %.0f µs of hub CPU per"
                        + " message%n", p.label() + ":", p.answered(), p.rate(), p.cpuMicros());
            }
            System.out.printf("  synchronous replication costs %.0f µs of hub CPU per message and %.1f %% of the"
                    + " rate%n", sync.cpuMicros() - local.cpuMicros(), 100 * (1 - sync.rate() / local.rate()));
        }
        return 0;
    }

    private static Phase phase(String label, Fleet fleet, Mosquitto broker, String store, List<Message> warm,
                               List<Message> burst, Path work, String name) throws Exception {
        Path election = fleet.files().dir();
        HubProcess hub = new HubProcess(election, broker.url(), store, "sync-hub-" + name,
                work.resolve("hub-" + name + ".log"), "--rate-burst", "1000000", "--rate", "1000000").start();
        try (Traffic traffic = new Traffic(broker.url(), fleet.election().id(), 8, Integer.MAX_VALUE,
                Duration.ofSeconds(20))) {
            hub.awaitConnected(election.resolve("sync-hub-" + name + ".health.json"));
            traffic.send(warm);
            if (!traffic.awaitAnswers(warm.size(), Duration.ofMinutes(3))) {
                throw new IllegalStateException("the warm-up was not answered: see " + hub.log());
            }
            long cpu0 = hub.cpuMicros();
            long t0 = System.nanoTime();
            traffic.send(burst);
            if (!traffic.awaitAnswers(warm.size() + burst.size(), Duration.ofMinutes(10))) {
                throw new IllegalStateException("the burst was not answered in 10 minutes: see " + hub.log());
            }
            long cpu = hub.cpuMicros() - cpu0;
            long last = traffic.outcomes().stream().mapToLong(Traffic.Outcome::answeredNanos).max().orElse(t0);
            long accepted = traffic.outcomes().stream().filter(o -> o.receipt().accepted()).count();
            if (accepted != warm.size() + burst.size()) {
                throw new IllegalStateException((warm.size() + burst.size() - accepted) + " not accepted: see "
                        + hub.log());
            }
            return new Phase(label, burst.size(), burst.size() / ((last - t0) / 1e9), (double) cpu / burst.size());
        } finally {
            hub.close();
        }
    }
}
