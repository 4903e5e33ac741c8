package org.rts.tallycentre.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.rts.protocol.codec.Json;
import org.rts.tallycentre.intake.Intake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes forwarded messages by POST on any path (the JDK's server, 4 threads, bodies up to 1 MiB) and answers once
 * the message is stored: 200 (with {@code "duplicate":true} for a copy), 400 with the reason for what does not
 * verify, 503 when the store fails, 405 for anything but POST.
 */
public final class HttpReceiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpReceiver.class);

    private final HttpServer server;
    private final ExecutorService threads;

    private HttpReceiver(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** Listens on {@code port} (0: any free port), by HTTPS when {@code tls} is given, plain HTTP otherwise. */
    public static HttpReceiver start(int port, SSLContext tls, Intake intake) throws IOException {
        InetSocketAddress address = new InetSocketAddress(port);
        HttpServer server;
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(address, 64);
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        server.setExecutor(threads);
        server.createContext("/", exchange -> handle(exchange, intake));
        server.start();
        HttpReceiver receiver = new HttpReceiver(server, threads);
        LOG.info("receiving forwarded messages by {} on port {}", tls != null ? "HTTPS" : "HTTP", receiver.port());
        return receiver;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void handle(HttpExchange exchange, Intake intake) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, "{\"error\":\"POST a forwarded message\"}");
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(1 << 20);
            }
            Intake.Outcome outcome = intake.take(body);
            switch (outcome.verdict()) {
                case STORED -> answer(exchange, 200, "{\"stored\":true}");
                case DUPLICATE -> answer(exchange, 200, "{\"stored\":true,\"duplicate\":true}");
                case INVALID -> answer(exchange, 400, Json.mapper().writeValueAsString(Map.of("error",
                        outcome.problem())));
                case UNAVAILABLE -> answer(exchange, 503, "{\"error\":\"store unavailable\"}");
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
