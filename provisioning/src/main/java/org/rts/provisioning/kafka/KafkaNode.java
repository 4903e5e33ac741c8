package org.rts.provisioning.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rts.provisioning.ProvisioningException;

/**
 * One node of the Kafka cluster, broker and controller at once: its id, the host clients and the other nodes reach
 * it by (its certificate covers it), the port of its TLS listener for clients and nodes, and its controller port.
 */
public record KafkaNode(int id, String host, int port, int controllerPort) {
    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+)]:([0-9]{1,5})");
    private static final Pattern PLAIN = Pattern.compile("([A-Za-z0-9.-]+):([0-9]{1,5})");

    public KafkaNode {
        if (id < 1) {
            throw new ProvisioningException("node id must be >= 1, found: " + id);
        }
        if (host == null || host.isEmpty()) {
            throw new ProvisioningException("node " + id + " needs a host name or IP address");
        }
        requirePort("node " + id + " port", port);
        requirePort("node " + id + " controller port", controllerPort);
        if (port == controllerPort) {
            throw new ProvisioningException("node " + id + ": its controller port must differ from its port "
                    + port);
        }
    }

    /** The folder, certificate CN and Kafka principal of the node: {@code node-<id>}. */
    public String name() {
        return "node-" + id;
    }

    /** {@code host:port}, an IPv6 address in brackets. */
    public String address(int p) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + p;
    }

    /**
     * The nodes given as {@code HOST:PORT} (an IPv6 address in brackets), ids 1, 2, ... in that order, each
     * controller listener on its port plus {@code controllerPortOffset}. Refuses an empty list, a spec without a
     * port, and two listeners on one host and port.
     */
    public static List<KafkaNode> parse(List<String> specs, int controllerPortOffset) {
        if (specs == null || specs.isEmpty()) {
            throw new ProvisioningException("no Kafka node given: name each with --node HOST:PORT, e.g."
                    + " --node kafka1.example.org:9093");
        }
        if (controllerPortOffset == 0) {
            throw new ProvisioningException("the controller port offset must not be 0: the controller needs a port"
                    + " of its own");
        }
        List<KafkaNode> nodes = new ArrayList<>();
        Map<String, String> taken = new HashMap<>();
        for (String spec : specs) {
            int id = nodes.size() + 1;
            Matcher m = BRACKETED.matcher(spec.trim());
            if (!m.matches()) {
                m = PLAIN.matcher(spec.trim());
            }
            if (!m.matches()) {
                throw new ProvisioningException("--node '" + spec + "' must be HOST:PORT, the name or address"
                        + " clients reach the node by and its TLS port, e.g. kafka1.example.org:9093 or"
                        + " [2001:db8::1]:9093");
            }
            int port = Integer.parseInt(m.group(2));
            KafkaNode node = new KafkaNode(id, m.group(1), port, port + controllerPortOffset);
            claim(taken, node, node.port, "port");
            claim(taken, node, node.controllerPort, "controller port");
            nodes.add(node);
        }
        return List.copyOf(nodes);
    }

    private static void claim(Map<String, String> taken, KafkaNode node, int p, String what) {
        String where = node.host.toLowerCase(Locale.ROOT) + " " + p;
        String mine = "node " + node.id + "'s " + what;
        String other = taken.putIfAbsent(where, mine);
        if (other != null) {
            throw new ProvisioningException(mine + " " + node.address(p) + " is already " + other
                    + ": give each node once, with ports apart by more than the controller port offset");
        }
    }

    private static void requirePort(String field, int p) {
        if (p < 1 || p > 65535) {
            throw new ProvisioningException(field + " must be 1..65535, found: " + p);
        }
    }
}
