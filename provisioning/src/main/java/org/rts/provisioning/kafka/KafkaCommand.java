package org.rts.provisioning.kafka;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.rts.provisioning.election.ElectionAuthority;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code provisioning kafka}: TLS keys and configuration for the Kafka cluster, its bridges and hubs. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Write <dir>/kafka/: for each node of a KRaft Kafka cluster (broker and controller in one) its"
                + " key, certificate and server.properties; for each client (bridge, hub) its key, certificate and"
                + " client.properties. Every listener is TLS and admits only these nodes and clients. Keys and the"
                + " cluster id already there are kept: safe to run again, e.g. to add a client.")
public final class KafkaCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "Election directory.")
    Path dir;

    @Option(names = "--node", required = true, paramLabel = "HOST:PORT", description = "A node: the name or"
            + " address clients and the other nodes reach it by (its certificate covers it) and its TLS port, e.g."
            + " kafka1.example.org:9093. Repeat for each node; node ids are 1, 2, ... in this order. Three nodes"
            + " keep working with one down.")
    List<String> nodes;

    @Option(names = "--controller-port-offset", defaultValue = "1", paramLabel = "N", description = "Each node's"
            + " controller (KRaft quorum) listener is on its port plus N (default: ${DEFAULT-VALUE}, so 9093 and"
            + " 9094).")
    int controllerPortOffset;

    @Option(names = "--client", paramLabel = "NAME", description = "A client, its certificate's CN and Kafka user:"
            + " a bridge (bridge-<edge>) or a hub (hub-1, hub-2, ...). Repeat for each.")
    List<String> clients = List.of();

    @Option(names = "--dir-on-host", paramLabel = "PATH", description = "Where each node's or client's folder"
            + " will be on its host (the paths in its properties; default: where it is written here).")
    Path dirOnHost;

    @Option(names = "--data-dir", paramLabel = "PATH", description = "Each node's data (log.dirs) on its host"
            + " (default: 'data' in its folder).")
    Path dataDir;

    @Override
    public Integer call() {
        List<KafkaNode> parsed = KafkaNode.parse(nodes, controllerPortOffset);
        ElectionAuthority authority = ElectionAuthority.forChange(dir, System.err);
        KafkaSetup.Result r = new KafkaSetup(authority).write(parsed, clients, dirOnHost, dataDir);
        System.out.printf("Kafka configuration in %s, cluster id %s (%s %s)%n", r.dir(), r.clusterId(),
                r.clusterIdKept() ? "kept from" : "written to", r.dir().resolve(KafkaSetup.CLUSTER_ID));
        for (int i = 0; i < r.nodes().size(); i++) {
            KafkaNode node = r.nodes().get(i);
            KafkaSetup.Written w = r.nodeFolders().get(i);
            System.out.printf("node %d %s (controller port %d): %s in %s%n", node.id(), node.address(node.port()),
                    node.controllerPort(), w.status().text(), w.folder());
        }
        r.clientFolders().forEach(w -> System.out.printf("client %s: %s in %s%n", w.name(), w.status().text(),
                w.folder()));
        int n = r.nodes().size();
        if (n % 2 == 0) {
            System.out.printf("note: %d nodes keep working with %d down, as %d do: an odd number is better%n", n,
                    (n - 1) / 2, n - 1);
        }
        System.out.println("Now, on each node's host (the cluster starts once a majority of nodes runs):");
        for (KafkaSetup.Written w : r.nodeFolders()) {
            Path properties = w.onHost().resolve(KafkaSetup.SERVER_PROPERTIES);
            System.out.printf("  %s: with the folder %s at %s on its host (format once, before the first start):%n"
                    + "    kafka-storage.sh format --cluster-id %s --config %s%n"
                    + "    kafka-server-start.sh %s%n", w.name(), w.folder(), w.onHost(), r.clusterId(), properties,
                    properties);
        }
        r.clientFolders().forEach(w -> System.out.printf("  client %s: the folder %s at %s on its host; it connects"
                + " with %s%n",
                w.name(), w.folder(), w.onHost(), w.onHost().resolve(KafkaSetup.CLIENT_PROPERTIES)));
        System.out.println("A node reads server.properties at start: after adding or removing a client, restart"
                + " the nodes one at a time with their new server.properties.");
        return 0;
    }
}
