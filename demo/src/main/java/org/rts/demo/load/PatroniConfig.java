package org.rts.demo.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings {@link PatroniCluster} writes: the etcd members' command lines and each Patroni member's
 * {@code patroni.yml}, sized for a loopback cluster on a small shared machine.
 *
 * <p>Failover timing: the leader key lives {@value #TTL} s in etcd and is renewed every {@value #LOOP_WAIT} s, so a
 * killed primary's key expires 8–10 s after its death and the synchronous standby, woken by its watch on the key,
 * promotes itself within about a second. Patroni asks that {@code loop_wait + 2 * retry_timeout <= ttl}
 * ({@value #LOOP_WAIT} + 2 × {@value #RETRY_TIMEOUT} = {@value #TTL}); the 3.0 documentation gives no lower bound,
 * later releases refuse a {@code ttl} under 20.
 *
 * <p>Replication: {@code synchronous_mode: true} makes the leader name one standby in
 * {@code synchronous_standby_names}, and only that standby may be promoted, so a commit the primary acknowledged is
 * on the new primary too. {@code synchronous_mode_strict: false} lets a primary left alone (its standby dead or
 * rejoining) go on accepting writes that are then on one machine only until the standby is back; strict mode would
 * instead block every commit until a synchronous standby returns, trading availability for never holding an
 * acknowledged write on a single machine.
 */
public final class PatroniConfig {
    /** Seconds the leader key lives without renewal: the bulk of the failover time. */
    public static final int TTL = 10;
    /** Seconds between two runs of Patroni's loop on each member. */
    public static final int LOOP_WAIT = 2;
    /** Seconds Patroni retries etcd and PostgreSQL before it gives up on an operation. */
    public static final int RETRY_TIMEOUT = 4;
    /** Bytes a standby may trail the last known primary position and still be promoted (1 MiB). */
    public static final long MAXIMUM_LAG_ON_FAILOVER = 1_048_576;
    /** The PostgreSQL server programs (Debian's {@code postgresql-15}): Patroni's {@code bin_dir}. */
    public static final Path BIN_DIR = Path.of("/usr/lib/postgresql/15/bin");
    public static final String SUPERUSER = "postgres";
    public static final String SUPERUSER_PASSWORD = "rts-superuser";
    public static final String REPLICATOR = "replicator";
    public static final String REPLICATOR_PASSWORD = "rts-replicator";

    private PatroniConfig() {
    }

    /** One etcd member: name, client and peer ports, data folder. */
    public record EtcdMember(String name, int clientPort, int peerPort, Path dataDir) {
        String clientUrl() {
            return "http://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return "http://127.0.0.1:" + peerPort;
        }
    }

    /** One Patroni member: name, REST API port, PostgreSQL port, its own folder (the data folder is inside). */
    public record PatroniMember(String name, int apiPort, int pgPort, Path dir) {
        public Path dataDir() {
            return dir.resolve("data");
        }

        public Path config() {
            return dir.resolve("patroni.yml");
        }

        public Path log() {
            return dir.resolve("patroni.log");
        }
    }

    /**
     * The command line of etcd member {@code self} of {@code all}: heartbeat 200 ms and election timeout 2 s (five
     * times etcd's defaults, so a busy machine does not make it change leaders), a snapshot every 10 000 writes,
     * warnings only in its log. Patroni talks to it through the v3 API ({@code etcd3:}), so the v2 API that etcd 3.4
     * leaves off stays off.
     */
    public static List<String> etcdCommand(EtcdMember self, List<EtcdMember> all, String token) {
        List<String> peers = new ArrayList<>();
        for (EtcdMember m : all) {
            peers.add(m.name() + "=" + m.peerUrl());
        }
        return List.of("/usr/bin/etcd", "--name", self.name(), "--data-dir", self.dataDir().toString(),
                "--listen-client-urls", self.clientUrl(), "--advertise-client-urls", self.clientUrl(),
                "--listen-peer-urls", self.peerUrl(), "--initial-advertise-peer-urls", self.peerUrl(),
                "--initial-cluster", String.join(",", peers), "--initial-cluster-state", "new",
                "--initial-cluster-token", token, "--heartbeat-interval", "200", "--election-timeout", "2000",
                "--snapshot-count", "10000", "--quota-backend-bytes", Long.toString(256L << 20),
                "--logger", "zap", "--log-level", "warn");
    }

    /**
     * {@code patroni.yml} of {@code self} in the cluster {@code scope}: PostgreSQL with 32 MB of shared buffers, 50
     * connections, 1 GB of WAL kept for a standby that falls behind or is down (Patroni drops a member's slot once
     * the member leaves; a primary killed mid-burst must still find the WAL it missed when it comes back as a
     * standby: with 64 MB it stayed 'starting'), pg_rewind to bring a failed primary back as a
     * standby (and a fresh copy when rewinding fails), passwords (SCRAM) for every connection over TCP and no Unix
     * socket. The {@code bootstrap} section only counts on the member that initialises the cluster.
     */
    public static String patroniYaml(String scope, PatroniMember self, List<EtcdMember> etcd) {
        List<String> hosts = new ArrayList<>();
        for (EtcdMember m : etcd) {
            hosts.add("127.0.0.1:" + m.clientPort());
        }
        return """
                scope: %1$s
                namespace: /rts/
                name: %2$s
                log:
                  level: INFO
                restapi:
                  listen: 127.0.0.1:%3$d
                  connect_address: 127.0.0.1:%3$d
                etcd3:
                  hosts: %4$s
                bootstrap:
                  dcs:
                    ttl: %5$d
                    loop_wait: %6$d
                    retry_timeout: %7$d
                    maximum_lag_on_failover: %8$d
                    synchronous_mode: true
                    synchronous_mode_strict: false
                    postgresql:
                      use_pg_rewind: true
                      use_slots: true
                      parameters:
                        max_connections: 50
                        shared_buffers: 32MB
                        wal_keep_size: 1024MB
                        max_wal_size: 256MB
                        max_wal_senders: 5
                        max_replication_slots: 5
                        wal_log_hints: 'on'
                        wal_sender_timeout: 10s
                        wal_receiver_timeout: 10s
                  initdb:
                  - encoding: UTF8
                  - locale: C
                postgresql:
                  listen: 127.0.0.1:%9$d
                  connect_address: 127.0.0.1:%9$d
                  data_dir: %10$s
                  bin_dir: %11$s
                  pgpass: %12$s
                  use_unix_socket: false
                  basebackup:
                  - checkpoint: fast
                  use_pg_rewind: true
                  remove_data_directory_on_rewind_failure: true
                  remove_data_directory_on_diverged_timelines: true
                  authentication:
                    superuser:
                      username: %13$s
                      password: %14$s
                    replication:
                      username: %15$s
                      password: %16$s
                  parameters:
                    unix_socket_directories: ''
                    password_encryption: scram-sha-256
                  pg_hba:
                  - host replication %15$s 127.0.0.1/32 scram-sha-256
                  - host all all 127.0.0.1/32 scram-sha-256
                tags:
                  nofailover: false
                  noloadbalance: false
                  clonefrom: false
                  nosync: false
                """.formatted(scope, self.name(), self.apiPort(), String.join(",", hosts), TTL, LOOP_WAIT,
                RETRY_TIMEOUT, MAXIMUM_LAG_ON_FAILOVER, self.pgPort(), self.dataDir(), BIN_DIR,
                self.dir().resolve("pgpass"), SUPERUSER, SUPERUSER_PASSWORD, REPLICATOR, REPLICATOR_PASSWORD);
    }
}
