package org.rts.hub.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.rts.hub.HubException;
import org.rts.protocol.Ids;
import org.rts.protocol.files.DeviceConfig;

/**
 * Where the units' reports travel between the MQTT edges and the hubs in a national deployment: one Kafka topic
 * per election, keyed by device id so that a unit's messages stay in order in one partition.
 *
 * @param client    the Kafka client settings {@code provisioning kafka} writes ({@code bootstrap.servers}, TLS)
 * @param edges     the MQTT edges by name, in the order given: a receipt goes back through the edge its report
 *                  came from
 * @param partitions partitions of the topic when a bridge or hub creates it (at least 12 for a nation)
 */
public record KafkaFeed(Properties client, Map<String, String> edges, int partitions) {
    /** Kafka record headers the bridges write. */
    public static final String TOPIC_HEADER = "mqtt-topic";
    public static final String EDGE_HEADER = "edge";
    public static final int DEFAULT_PARTITIONS = 12;

    public KafkaFeed {
        if (client == null || client.getProperty("bootstrap.servers", "").isBlank()) {
            throw new HubException("the Kafka client settings name no bootstrap.servers");
        }
        if (edges == null || edges.isEmpty()) {
            throw new HubException("a Kafka-fed hub needs at least one --edge NAME=URL to send receipts through");
        }
        edges.forEach((name, url) -> {
            Ids.require("edge", name);
            DeviceConfig.requireBrokerUrl("edge " + name, url);
        });
        edges = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(edges));
        if (partitions < 1 || partitions > 10_000) {
            throw new HubException("partitions must be 1..10000, found: " + partitions);
        }
        Properties copy = new Properties();
        copy.putAll(client);
        client = copy;
    }

    /** Reads the client settings file; a missing or unreadable file is named in the error. */
    public static Properties readClient(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new HubException("cannot read the Kafka client settings " + file + ": " + e.getMessage());
        }
        return p;
    }

    /** Parses {@code NAME=URL} edge arguments, refusing a repeated name. */
    public static Map<String, String> parseEdges(Iterable<String> args) {
        Map<String, String> edges = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq < 1) {
                throw new HubException("--edge must look like NAME=ssl://host:port, found: " + a);
            }
            if (edges.put(a.substring(0, eq), a.substring(eq + 1)) != null) {
                throw new HubException("edge " + a.substring(0, eq) + " is given twice");
            }
        }
        return edges;
    }

    /** The topic of an election's reports. */
    public static String topic(String election) {
        return "rts." + Ids.require("election", election) + ".reports";
    }

    /** The consumer group of an election's hubs. */
    public static String group(String election) {
        return "rts-hubs-" + Ids.require("election", election);
    }

    /** Settings for a producer or consumer: the client file's, then {@code overrides}. */
    Properties with(Map<String, Object> overrides) {
        Properties p = new Properties();
        p.putAll(client);
        p.putAll(overrides);
        return p;
    }
}
