package org.rts.hub.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rts.hub.HubException;

class KafkaFeedTest {
    @TempDir
    Path dir;

    private static Properties bootstrap() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", "k1:9093");
        return p;
    }

    @Test
    void edges_keep_their_order_and_settings_are_read_from_the_file() throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "bootstrap.servers=k1:9093,k2:9093\nsecurity.protocol=SSL\n");
        KafkaFeed feed = new KafkaFeed(KafkaFeed.readClient(file), KafkaFeed.parseEdges(List.of(
                "e2=ssl://edge-2:8883", "e1=ssl://edge-1:8883")), 12);
        assertEquals(List.of("e2", "e1"), List.copyOf(feed.edges().keySet()));
        assertEquals("SSL", feed.with(Map.of("client.id", "x")).getProperty("security.protocol"));
        assertEquals("rts.el-1.reports", KafkaFeed.topic("el-1"));
    }

    @Test
    void bad_settings_are_refused_naming_what_is_wrong() {
        HubException missing = assertThrows(HubException.class, () -> KafkaFeed.readClient(dir.resolve("none")));
        assertTrue(missing.getMessage().contains("cannot read the Kafka client settings"), missing.getMessage());
        HubException noEquals = assertThrows(HubException.class,
                () -> KafkaFeed.parseEdges(List.of("ssl://edge-1:8883")));
        assertTrue(noEquals.getMessage().contains("NAME=ssl://host:port"), noEquals.getMessage());
        HubException twice = assertThrows(HubException.class,
                () -> KafkaFeed.parseEdges(List.of("e1=ssl://a:1", "e1=ssl://b:1")));
        assertTrue(twice.getMessage().contains("edge e1 is given twice"), twice.getMessage());
        HubException noBootstrap = assertThrows(HubException.class,
                () -> new KafkaFeed(new Properties(), Map.of("e1", "ssl://a:1"), 12));
        assertTrue(noBootstrap.getMessage().contains("bootstrap.servers"), noBootstrap.getMessage());
        HubException noEdge = assertThrows(HubException.class, () -> new KafkaFeed(bootstrap(), Map.of(), 12));
        assertTrue(noEdge.getMessage().contains("--edge"), noEdge.getMessage());
        IllegalArgumentException badUrl = assertThrows(IllegalArgumentException.class,
                () -> new KafkaFeed(bootstrap(), Map.of("e1", "edge-1:8883"), 12));
        assertTrue(badUrl.getMessage().contains("edge e1"), badUrl.getMessage());
    }
}
