package org.rts.demo;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** An in-process MQTT v5 broker (HiveMQ Community Edition) on 127.0.0.1, for the demonstration. */
public final class EmbeddedBroker implements AutoCloseable {
    private final EmbeddedHiveMQ hivemq;
    private final int port;

    private EmbeddedBroker(EmbeddedHiveMQ hivemq, int port) {
        this.hivemq = hivemq;
        this.port = port;
    }

    /** Starts a broker on a free port, keeping its files under {@code dir}. */
    public static EmbeddedBroker start(Path dir) throws IOException {
        int port = freePort();
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  <persistence><mode>in-memory</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        // the broker reconfigures logback from its own folder: give it the demonstration's configuration
        try (var in = EmbeddedBroker.class.getResourceAsStream("/demo-logback.xml")) {
            Files.write(conf.resolve("logback.xml"), in.readAllBytes());
        }
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf)
                .withDataFolder(dir.resolve("data")).withExtensionsFolder(dir.resolve("extensions")).build();
        hivemq.start().join();
        return new EmbeddedBroker(hivemq, port);
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        hivemq.stop().join();
        hivemq.close();
    }
}
