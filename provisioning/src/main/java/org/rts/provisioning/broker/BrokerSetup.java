package org.rts.provisioning.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.rts.protocol.Topics;
import org.rts.protocol.pki.CertificateIssuer;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;
import org.rts.provisioning.ProvisioningException;
import org.rts.provisioning.election.ElectionAuthority;
import org.rts.provisioning.election.ElectionSetup;

/**
 * Writes a Mosquitto configuration for the election into {@code <election>/broker/}: a mutual-TLS listener that
 * admits only certificates of the election CA not on its CRL, takes the certificate's CN as the user name, and an
 * ACL that lets each device write only its own reports and photos and read only its own receipts and photo answers,
 * and the hub read every report and photo and write the answers.
 */
public final class BrokerSetup {
    private final ElectionAuthority authority;

    public BrokerSetup(ElectionAuthority authority) {
        this.authority = authority;
    }

    /**
     * @param hosts    names and addresses devices use to reach the broker (its certificate covers them)
     * @param port     TLS port (8883 by convention)
     * @param bind     address to listen on
     * @param dirOnHost where the files will sit on the broker host (paths in mosquitto.conf); default: here
     * @param runAs     the user Mosquitto runs as once started (its {@code user} option); null keeps Mosquitto's
     *                  default, {@code mosquitto}, which must be able to read every file, the key included
     * @param messagesPerUnit messages one unit may hold and send at once (the broker's queues are sized for every
     *                  station's unit sending that many)
     */
    public Path write(List<String> hosts, int port, String bind, Path dirOnHost, String runAs, int messagesPerUnit) {
        return write(hosts, port, bind, dirOnHost, runAs, messagesPerUnit, List.of());
    }

    /** ... and the edge's ACL lets each of {@code bridges} (a certificate CN) read the units' reports. */
    public Path write(List<String> hosts, int port, String bind, Path dirOnHost, String runAs, int messagesPerUnit,
                      List<String> bridges) {
        bridges.forEach(b -> org.rts.protocol.Ids.require("bridge", b));
        if (bridges.contains(CertificateIssuer.HUB_NAME)) {
            throw new ProvisioningException("a bridge may not be called '" + CertificateIssuer.HUB_NAME + "'");
        }
        if (port < 1 || port > 65535) {
            throw new ProvisioningException("port must be 1..65535, found: " + port);
        }
        if (messagesPerUnit < 1) {
            throw new ProvisioningException("messages per unit must be >= 1, found: " + messagesPerUnit);
        }
        Path dir = authority.files().broker();
        Path onHost = dirOnHost != null ? dirOnHost : dir.toAbsolutePath();
        String election = authority.election().id();
        var now = authority.clock().instant();
        ECPrivateKeyParameters key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        var cert = authority.issuer().brokerCertificate(election, hosts, Keys.publicOf(key),
                now.minus(ElectionSetup.BACKDATE), ElectionSetup.VALIDITY);
        try {
            Files.createDirectories(dir);
            Pem.writePrivateKey(dir.resolve("server.key"), key);
            Pem.writeCertificate(dir.resolve("server.pem"), cert);
            Pem.writeCertificate(dir.resolve("ca.pem"), authority.issuer().caCertificate());
            Files.copy(authority.files().crl(), dir.resolve("crl.pem"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("acl"), acl(election, bridges));
            Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                    "# Mosquitto configuration for election " + election + ", written by 'provisioning broker'.",
                    "# After a revocation copy the new crl.pem here and restart Mosquitto: it reads the CRL at start.",
                    "per_listener_settings false",
                    "# A report is at most 64 KiB; anything larger is refused at the door (the client is disconnected).",
                    "max_packet_size " + MAX_PACKET,
                    String.join("\n", limits(authority.election().stations().size(), messagesPerUnit)),
                    runAs == null ? "# Mosquitto reads these files as user 'mosquitto': chown them to it" : "user " + runAs,
                    "allow_anonymous false",
                    "acl_file " + onHost.resolve("acl"),
                    "",
                    "listener " + port + " " + bind,
                    "cafile " + onHost.resolve("ca.pem"),
                    "certfile " + onHost.resolve("server.pem"),
                    "keyfile " + onHost.resolve("server.key"),
                    "crlfile " + onHost.resolve("crl.pem"),
                    "require_certificate true",
                    "use_identity_as_username true",
                    "tls_version tlsv1.2",
                    "# No topic aliases: a client resending after a reconnect must not depend on the old connection's.",
                    "max_topic_alias 0",
                    ""));
        } catch (IOException e) {
            throw new ProvisioningException("cannot write the broker configuration in " + dir + ": "
                    + e.getMessage());
        }
        return dir;
    }

    /** Messages a unit may hold by default: a day of turnout reports, its results, restarts, health. */
    public static final int MESSAGES_PER_UNIT = 64;
    /** Messages in flight to one client: the hub acknowledges a batch at a time, once it is stored. */
    static final int MAX_INFLIGHT = 1000;

    /**
     * The broker's queue limits and socket settings for an election of {@code units} units that may each hold {@code messagesPerUnit}
     * messages, with the reason in a comment: Mosquitto's default (1000 messages per client) silently drops the
     * hub's messages beyond it while the hub is away or behind.
     */
    public static List<String> limits(int units, int messagesPerUnit) {
        long queued = Math.max(1000L, (long) units * messagesPerUnit);
        return List.of(
                "# While the hub is away or behind, its session queues every unit's messages: " + units
                        + " units x " + messagesPerUnit + " messages a unit may hold.",
                "# Beyond this Mosquitto drops messages silently (their units send them again, late). At about"
                        + " 1 KiB a report it needs " + Math.max(1, queued / 1024) + " MiB of memory at most.",
                "max_queued_messages " + queued,
                "# Messages on their way to one client before it acknowledges: the hub acknowledges a batch at a"
                        + " time, once stored.",
                "max_inflight_messages " + MAX_INFLIGHT,
                "# A report, its acknowledgement and its receipt are small packets answering each other: without"
                        + " this each waits about 40 ms for the peer's delayed TCP acknowledgement.",
                "set_tcp_nodelay true");
    }

    /** Largest MQTT packet the broker takes: a 64 KiB report with room for the topic and properties. */
    static final int MAX_PACKET = 66_000;

    static String acl(String election, List<String> bridges) {
        String p = Topics.devices(election);
        List<String> lines = new java.util.ArrayList<>();
        for (String bridge : bridges) {
            lines.add("# The bridge '" + bridge + "' carries this edge's reports to Kafka, and probes itself.");
            lines.add("user " + bridge);
            for (String kind : Topics.REPORT_KINDS) {
                lines.add("topic read " + p + "+/" + kind);
            }
            lines.add("topic readwrite " + Topics.hubs(election) + "#");
            lines.add("");
        }
        lines.add("# The hub (certificate CN '" + CertificateIssuer.HUB_NAME + "') reads every device's reports and health,"
                + " answers each device, and sends itself probes to check that deliveries flow.");
        lines.add("user " + CertificateIssuer.HUB_NAME);
        for (String kind : Topics.REPORT_KINDS) {
            lines.add("topic read " + p + "+/" + kind);
        }
        lines.add("topic read " + p + "+/" + Topics.TELEMETRY);
        lines.add("topic read " + p + "+/" + Topics.PRESENCE);
        lines.add("topic read " + p + "+/" + Topics.PHOTO);
        lines.add("topic write " + p + "+/" + Topics.RECEIPT);
        lines.add("topic write " + p + "+/" + Topics.PHOTO_ANSWER);
        lines.add("topic readwrite " + Topics.hubs(election) + "#");
        lines.add("");
        lines.add("# Every device (certificate CN = its id) writes only its own reports, telemetry, presence (its will"
                + " too) and form photos, and reads only its receipts and the answers to its photos.");
        for (String kind : Topics.REPORT_KINDS) {
            lines.add("pattern write " + p + "%u/" + kind);
        }
        lines.add("pattern write " + p + "%u/" + Topics.TELEMETRY);
        lines.add("pattern write " + p + "%u/" + Topics.PRESENCE);
        lines.add("pattern write " + p + "%u/" + Topics.PHOTO);
        lines.add("pattern read " + p + "%u/" + Topics.RECEIPT);
        lines.add("pattern read " + p + "%u/" + Topics.PHOTO_ANSWER);
        lines.add("");
        return String.join("\n", lines);
    }
}
