package org.rts.provisioning.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.rts.protocol.Ids;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.protocol.pki.PkiException;
import org.rts.provisioning.ProvisioningException;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;

/**
 * Writes {@code <election>/kafka/} for a KRaft Kafka cluster of combined nodes (broker and controller) and its
 * clients: the election CA certificate; per node {@code node-<id>/} its key and certificate chain in one PEM file,
 * the CA and {@code server.properties}; per client {@code clients/<name>/} the same with {@code client.properties};
 * and the cluster id. Every listener is TLS and refuses a peer without a certificate of the election CA; of those,
 * Kafka's authorizer admits only the nodes and the clients named here. Keys and the cluster id already there are
 * kept; a certificate is issued again only when it no longer fits (another host, another CA, expired).
 */
public final class KafkaSetup {
    /** The key, then the certificate and the CA: what Kafka reads with {@code ssl.keystore.type=PEM}. */
    public static final String KEYSTORE = "keystore.pem";
    public static final String CA = "ca.pem";
    public static final String SERVER_PROPERTIES = "server.properties";
    public static final String CLIENT_PROPERTIES = "client.properties";
    public static final String CLUSTER_ID = "cluster.id";
    public static final String CLIENTS = "clients";
    /**
     * Maps a certificate subject of the Kafka unit to its CN as principal; any other (a unit's) keeps its whole
     * subject as principal, which no super user or ACL names.
     */
    static final String PRINCIPAL_RULES = "RULE:^CN=([A-Za-z0-9._-]+),OU=" + CertificateIssuer.KAFKA_UNIT
            + ",O=[^,]*$/$1/,DEFAULT";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ElectionAuthority authority;

    public KafkaSetup(ElectionAuthority authority) {
        this.authority = authority;
    }

    /** What became of one node's or client's key and certificate. */
    public enum Status {
        WRITTEN("key and certificate written"),
        KEPT("key and certificate kept"),
        RENEWED("key kept, certificate issued again");

        private final String text;

        Status(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** A node's or client's folder here and where its configuration expects it on its host. */
    public record Written(String name, Path folder, Path onHost, Status status) {
    }

    public record Result(Path dir, String clusterId, boolean clusterIdKept, List<KafkaNode> nodes,
                         List<Written> nodeFolders, List<Written> clientFolders) {
    }

    /**
     * @param nodes     the cluster's nodes (see {@link KafkaNode#parse})
     * @param clients   client names, each its certificate's CN and Kafka principal: bridges, hubs
     * @param dirOnHost where each node's or client's folder will be on its host (paths in the properties);
     *                  null: where it is written here
     * @param dataDir   each node's data directory on its host; null: {@code data} in its folder
     */
    public Result write(List<KafkaNode> nodes, List<String> clients, Path dirOnHost, Path dataDir) {
        if (nodes.isEmpty()) {
            throw new ProvisioningException("no Kafka node given: name each with --node HOST:PORT");
        }
        requireClientNames(clients, nodes);
        Path dir = authority.files().kafka();
        String election = authority.election().id();
        X509CertificateHolder ca = authority.issuer().caCertificate();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ProvisioningException("cannot create " + dir + ": " + e.getMessage());
        }
        Pem.writeCertificate(dir.resolve(CA), ca);
        boolean idKept = Files.exists(dir.resolve(CLUSTER_ID));
        String clusterId = idKept ? readClusterId(dir.resolve(CLUSTER_ID)) : newClusterId();
        if (!idKept) {
            Pem.write(dir.resolve(CLUSTER_ID), clusterId + "\n", false);
        }
        List<String> principals = Stream.concat(nodes.stream().map(KafkaNode::name), clients.stream()).toList();
        List<Written> nodeFolders = new ArrayList<>();
        for (KafkaNode node : nodes) {
            Path folder = dir.resolve(node.name());
            Path onHost = onHost(folder, dirOnHost);
            Status status = keystore(folder, key -> authority.issuer().kafkaNodeCertificate(election, node.name(),
                    List.of(node.host()), key, from(), ElectionSetup.VALIDITY));
            Pem.writeCertificate(folder.resolve(CA), ca);
            Path data = dataDir != null ? dataDir : onHost.resolve("data");
            Pem.write(folder.resolve(SERVER_PROPERTIES), serverProperties(election, node, nodes, onHost, data,
                    principals), false);
            nodeFolders.add(new Written(node.name(), folder, onHost, status));
        }
        List<Written> clientFolders = new ArrayList<>();
        for (String client : clients) {
            Path folder = dir.resolve(CLIENTS).resolve(client);
            Path onHost = onHost(folder, dirOnHost);
            Status status = keystore(folder, key -> authority.issuer().kafkaClientCertificate(election, client, key,
                    from(), ElectionSetup.VALIDITY));
            Pem.writeCertificate(folder.resolve(CA), ca);
            Pem.write(folder.resolve(CLIENT_PROPERTIES), clientProperties(election, client, nodes, onHost), false);
            clientFolders.add(new Written(client, folder, onHost, status));
        }
        return new Result(dir, clusterId, idKept, nodes, List.copyOf(nodeFolders), List.copyOf(clientFolders));
    }

    /** A KRaft combined node with static quorum: {@code kafka-storage format} needs no more than the cluster id. */
    static String serverProperties(String election, KafkaNode node, List<KafkaNode> nodes, Path onHost, Path data,
                                   List<String> principals) {
        int n = nodes.size();
        return String.join("\n",
                "# Kafka node " + node.id() + " of " + n + " for election " + election + ", written by"
                        + " 'provisioning kafka'. Broker and controller (KRaft), every listener TLS.",
                "process.roles=broker,controller",
                "node.id=" + node.id(),
                "# Static quorum: every node's controller listener.",
                "controller.quorum.voters=" + nodes.stream().map(v -> v.id() + "@" + v.address(v.controllerPort()))
                        .collect(Collectors.joining(",")),
                "listeners=SSL://:" + node.port() + ",CONTROLLER://:" + node.controllerPort(),
                "advertised.listeners=SSL://" + node.address(node.port()),
                "inter.broker.listener.name=SSL",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=SSL:SSL,CONTROLLER:SSL",
                "log.dirs=" + data,
                "",
                "# Clients and nodes show a certificate of the election CA; this node's covers "
                        + node.host() + ".",
                "ssl.client.auth=required",
                "ssl.keystore.type=PEM",
                "ssl.keystore.location=" + onHost.resolve(KEYSTORE),
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=" + onHost.resolve(CA),
                "ssl.endpoint.identification.algorithm=https",
                "",
                "# Of the certificates the CA issued, only those of the nodes and the clients named to"
                        + " 'provisioning kafka' are let in:",
                "# their CN is the principal. A unit's certificate maps to its whole subject, which is no super"
                        + " user and has no ACL.",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "ssl.principal.mapping.rules=" + PRINCIPAL_RULES,
                "super.users=" + principals.stream().map(p -> "User:" + p).collect(Collectors.joining(";")),
                "allow.everyone.if.no.acl.found=false",
                "",
                "# 3 replicas (every node, when fewer), 2 in sync for a write with acks=all; topics are created"
                        + " on purpose, never by a client's typo.",
                "offsets.topic.replication.factor=" + Math.min(3, n),
                "transaction.state.log.replication.factor=" + Math.min(3, n),
                "transaction.state.log.min.isr=" + Math.min(2, n),
                "share.coordinator.state.topic.replication.factor=" + Math.min(3, n),
                "share.coordinator.state.topic.min.isr=" + Math.min(2, n),
                "default.replication.factor=" + Math.min(3, n),
                "min.insync.replicas=" + Math.min(2, n),
                "auto.create.topics.enable=false",
                "");
    }

    static String clientProperties(String election, String client, List<KafkaNode> nodes, Path onHost) {
        return String.join("\n",
                "# Kafka client '" + client + "' for election " + election + ", written by 'provisioning kafka'.",
                "bootstrap.servers=" + nodes.stream().map(v -> v.address(v.port())).collect(Collectors.joining(",")),
                "security.protocol=SSL",
                "ssl.keystore.type=PEM",
                "ssl.keystore.location=" + onHost.resolve(KEYSTORE),
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=" + onHost.resolve(CA),
                "# The nodes' certificates must cover the hosts above.",
                "ssl.endpoint.identification.algorithm=https",
                "");
    }

    /**
     * Writes {@code folder/keystore.pem} (PKCS#8 key, certificate, CA) with a fresh key, or keeps the key there;
     * its certificate too, when it is the one {@code issue} would give that key now but for dates and serial.
     */
    private Status keystore(Path folder, Function<ECPublicKeyParameters, X509CertificateHolder> issue) {
        Path file = folder.resolve(KEYSTORE);
        X509CertificateHolder ca = authority.issuer().caCertificate();
        if (Files.exists(file)) {
            ECPrivateKeyParameters key = Pem.readPrivateKey(file);
            X509CertificateHolder wanted = issue.apply(Keys.publicOf(key));
            X509CertificateHolder held = Pem.readCertificates(file).get(0);
            if (fits(held, wanted, ca)) {
                return Status.KEPT;
            }
            Pem.write(file, keystoreText(key, wanted, ca), true);
            return Status.RENEWED;
        }
        ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        Pem.write(file, keystoreText(key, issue.apply(Keys.publicOf(key)), ca), true);
        return Status.WRITTEN;
    }

    private boolean fits(X509CertificateHolder held, X509CertificateHolder wanted, X509CertificateHolder ca) {
        try {
            Certificates.requireIssuedBy(held, ca, authority.clock().instant());
        } catch (PkiException e) {
            return false;
        }
        return held.getSubject().equals(wanted.getSubject())
                && held.getSubjectPublicKeyInfo().equals(wanted.getSubjectPublicKeyInfo())
                && Objects.equals(held.getExtension(Extension.subjectAlternativeName),
                        wanted.getExtension(Extension.subjectAlternativeName))
                && Objects.equals(held.getExtension(Extension.extendedKeyUsage),
                        wanted.getExtension(Extension.extendedKeyUsage));
    }

    private static String keystoreText(ECPrivateKeyParameters key, X509CertificateHolder cert,
                                       X509CertificateHolder ca) {
        return Pem.encodePkcs8(key) + Pem.encode(cert) + Pem.encode(ca);
    }

    private java.time.Instant from() {
        return authority.clock().instant().minus(ElectionSetup.BACKDATE);
    }

    private static Path onHost(Path folder, Path dirOnHost) {
        return dirOnHost != null ? dirOnHost : folder.toAbsolutePath();
    }

    private static void requireClientNames(List<String> clients, List<KafkaNode> nodes) {
        Set<String> seen = new HashSet<>();
        for (String client : clients) {
            if (!Ids.isValid(client)) {
                throw new ProvisioningException("client name must be 1-64 of [A-Za-z0-9._-], found: '" + client
                        + "'");
            }
            if (client.equals(CertificateIssuer.HUB_NAME) || client.matches("node-[0-9]+")) {
                throw new ProvisioningException("client name '" + client + "' is reserved (the hub's own"
                        + " certificate, the nodes'): name the hubs hub-1, hub-2, ... and the bridges bridge-<edge>");
            }
            if (!seen.add(client)) {
                throw new ProvisioningException("client " + client + " is given twice");
            }
        }
    }

    /**
     * A cluster id as Kafka prints its {@code Uuid}: 16 random bytes in base64url without padding, never starting
     * with '-' (which the command line would take for an option).
     */
    static String newClusterId() {
        byte[] bytes = new byte[16];
        String id;
        do {
            RANDOM.nextBytes(bytes);
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        } while (id.startsWith("-"));
        return id;
    }

    private static String readClusterId(Path file) {
        try {
            String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (id.length() != 22 || id.startsWith("-") || Base64.getUrlDecoder().decode(id).length != 16) {
                throw new ProvisioningException(file + " holds '" + id + "', not a Kafka cluster id (22 characters"
                        + " of base64url); the nodes were formatted with the id they hold, so restore it");
            }
            return id;
        } catch (IOException | IllegalArgumentException e) {
            throw new ProvisioningException("cannot read the cluster id in " + file + ": " + e.getMessage());
        }
    }
}
