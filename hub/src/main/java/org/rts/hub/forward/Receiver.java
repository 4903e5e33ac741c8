package org.rts.hub.forward;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.rts.hub.HubException;
import org.rts.protocol.codec.Json;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.election.Election;
import org.rts.protocol.files.ElectionFiles;
import org.rts.protocol.files.Registry;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.message.Receipt;
import org.rts.protocol.message.Report;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tally centre's side of forwarding, as a reference: takes forwarded messages by HTTPS POST and from its MQTT
 * broker, verifies each on its own (the device's signature against the signed registry, the hub's receipt
 * against the hub's certificate, one for the other), and stores each idempotency key once, counting copies. It
 * answers only once the message is stored (HTTP 200, MQTT acknowledgement), a message that does not verify with
 * HTTP 400, and a store failure with HTTP 503.
 */
public final class Receiver implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final ElectionFiles files;
    private final X509CertificateHolder ca;
    private final ECPublicKeyParameters hubKey;
    private final String hubThumbprint;
    private final String electionId;
    private final Clock clock;
    private final Connection db;
    private Map<String, Registry.Entry> certificates = new HashMap<>();
    private HttpServer http;
    private ExecutorService httpThreads;
    private MqttAsyncClient mqtt;

    private Receiver(ElectionFiles files, java.nio.file.Path dbFile, Clock clock) {
        this.files = files;
        this.clock = clock;
        this.ca = Pem.readCertificate(files.caCertificate());
        X509CertificateHolder hub = Pem.readCertificate(files.hubCertificate());
        Certificates.requireIssuedBy(hub, ca, clock.instant());
        this.hubKey = Certificates.publicKey(hub);
        this.hubThumbprint = Certificates.thumbprint(hub);
        this.electionId = Election.readSigned(files.ballot(), ca).id();
        try {
            this.db = DriverManager.getConnection("jdbc:sqlite:" + dbFile.toAbsolutePath());
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE IF NOT EXISTS received (key TEXT PRIMARY KEY, kind TEXT NOT NULL, device TEXT"
                        + " NOT NULL, station TEXT NOT NULL, jws TEXT NOT NULL, receipt TEXT NOT NULL, first_at TEXT"
                        + " NOT NULL, copies INTEGER NOT NULL)");
            }
        } catch (SQLException e) {
            throw new HubException("cannot open the receiver's store " + dbFile + ": " + e.getMessage(), e);
        }
        reloadRegistry();
    }

    /**
     * Starts receiving for the election in {@code files} (its public files: CA and hub certificates, signed ballot
     * and registry): by HTTPS on {@code httpsPort} when {@code serverTls} is given (plain HTTP otherwise; null port:
     * none) and from {@code mqttUrl} (null: none).
     */
    public static Receiver start(ElectionFiles files, java.nio.file.Path dbFile, Integer httpsPort,
                                 SSLContext serverTls, String mqttUrl, SSLContext clientTls, Clock clock) {
        Receiver r = new Receiver(files, dbFile, clock);
        try {
            if (httpsPort != null) {
                r.serveHttp(httpsPort, serverTls);
            }
            if (mqttUrl != null) {
                r.subscribe(mqttUrl, clientTls);
            }
            return r;
        } catch (IOException | MqttException e) {
            r.close();
            throw new HubException("cannot start the receiver: " + e.getMessage(), e);
        }
    }

    /** The port the HTTP(S) server listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** Copies received per idempotency key. */
    public synchronized Map<String, Integer> copies() {
        Map<String, Integer> map = new LinkedHashMap<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT key, copies FROM received"
                + " ORDER BY first_at, key")) {
            while (rs.next()) {
                map.put(rs.getString(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw new HubException("cannot read the receiver's store: " + e.getMessage(), e);
        }
        return map;
    }

    /** What became of one forwarded message. */
    enum Verdict {
        STORED,
        DUPLICATE,
        INVALID,
        UNAVAILABLE
    }

    /** Verifies and stores one forwarded message; {@code problem} gets the reason when it is not stored. */
    synchronized Verdict take(byte[] body, StringBuilder problem) {
        ForwardedMessage m;
        try {
            m = Json.mapper().readValue(body, ForwardedMessage.class);
            verify(m);
        } catch (IOException | RuntimeException e) {
            problem.append(e.getMessage());
            return Verdict.INVALID;
        }
        try (PreparedStatement update = db.prepareStatement("UPDATE received SET copies = copies + 1 WHERE key = ?")) {
            update.setString(1, m.idempotencyKey());
            if (update.executeUpdate() == 1) {
                return Verdict.DUPLICATE;
            }
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO received (key, kind, device, station, jws,"
                    + " receipt, first_at, copies) VALUES (?,?,?,?,?,?,?,1)")) {
                insert.setString(1, m.idempotencyKey());
                insert.setString(2, m.kind());
                insert.setString(3, m.device());
                insert.setString(4, m.station());
                insert.setString(5, m.jws());
                insert.setString(6, m.receipt());
                insert.setString(7, clock.instant().toString());
                insert.executeUpdate();
            }
            return Verdict.STORED;
        } catch (SQLException e) {
            problem.append("cannot store: ").append(e.getMessage());
            return Verdict.UNAVAILABLE;
        }
    }

    /** The device signed it, the hub accepted exactly it, and the key is its hash. Throws naming what fails. */
    private void verify(ForwardedMessage m) {
        if (m.jws() == null || m.receipt() == null || m.idempotencyKey() == null) {
            throw new IllegalArgumentException("jws, receipt and idempotencyKey are required");
        }
        byte[] jwsBytes = m.jws().getBytes(StandardCharsets.US_ASCII);
        String hash = Jws.hash(jwsBytes);
        if (!hash.equals(m.idempotencyKey())) {
            throw new IllegalArgumentException("idempotencyKey is not the hash of the message");
        }
        Jws receiptJws = Jws.parse(m.receipt().getBytes(StandardCharsets.US_ASCII));
        if (!receiptJws.header().x5tS256().equals(hubThumbprint) || !Es256Verifier.verify(receiptJws, hubKey)) {
            throw new IllegalArgumentException("the receipt is not signed by the hub");
        }
        Receipt receipt = MessageCodec.decodeReceipt(receiptJws.payload());
        if (!receipt.accepted() || !receipt.msg().equals(hash)) {
            throw new IllegalArgumentException("the receipt does not accept this message");
        }
        Jws jws = Jws.parse(jwsBytes);
        Registry.Entry entry = certificates.get(jws.header().x5tS256());
        if (entry == null) {
            reloadRegistry();
            entry = certificates.get(jws.header().x5tS256());
        }
        if (entry == null || !entry.device().equals(jws.header().kid())
                || !Es256Verifier.verify(jws, Certificates.publicKey(Pem.parseCertificate(entry.certificate())))) {
            throw new IllegalArgumentException("the message is not signed by a device of the registry");
        }
        Report report = MessageCodec.decodeReport(jws.payload());
        if (!report.election().equals(electionId) || !report.device().equals(m.device())
                || !report.station().equals(entry.station())) {
            throw new IllegalArgumentException("the message's election, device or station differs from its envelope"
                    + " or its certificate");
        }
    }

    private void reloadRegistry() {
        Map<String, Registry.Entry> map = new HashMap<>();
        for (Registry.Entry e : Registry.readSigned(files.registry(), ca).devices()) {
            map.put(Certificates.thumbprint(Pem.parseCertificate(e.certificate())), e);
        }
        certificates = map;
    }

    private void serveHttp(int port, SSLContext tls) throws IOException {
        InetSocketAddress address = new InetSocketAddress(port);
        if (tls != null) {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            http = https;
        } else {
            http = HttpServer.create(address, 64);
        }
        httpThreads = Executors.newFixedThreadPool(4);
        http.setExecutor(httpThreads);
        http.createContext("/", this::handle);
        http.start();
        LOG.info("receiving forwarded messages by {} on port {}", tls != null ? "HTTPS" : "HTTP", port());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                answer(exchange, 405, "{\"error\":\"POST a forwarded message\"}");
                return;
            }
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(1 << 20);
            }
            StringBuilder problem = new StringBuilder();
            switch (take(body, problem)) {
                case STORED -> answer(exchange, 200, "{\"stored\":true}");
                case DUPLICATE -> answer(exchange, 200, "{\"stored\":true,\"duplicate\":true}");
                case INVALID -> answer(exchange, 400, Json.mapper().writeValueAsString(Map.of("error",
                        problem.toString())));
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

    private void subscribe(String url, SSLContext tls) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, "rts-receiver-" + electionId, new MemoryPersistence());
        c.setManualAcks(true);
        c.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                StringBuilder problem = new StringBuilder();
                Verdict verdict = take(message.getPayload(), problem);
                if (verdict == Verdict.UNAVAILABLE) {
                    return; // not acknowledged: the broker delivers it again on the next session
                }
                if (verdict == Verdict.INVALID) {
                    LOG.warn("forwarded message on {} refused: {}", topic, problem);
                }
                try {
                    c.messageArrivedComplete(message.getId(), message.getQos());
                } catch (MqttException e) {
                    LOG.warn("acknowledgement failed: {}", e.getMessage());
                }
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
                LOG.warn("receiver lost its broker: {}", response.getReasonString());
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                LOG.warn("receiver MQTT error: {}", exception.getMessage());
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                try {
                    c.subscribe("rts/v1/" + electionId + "/tally/#", 1);
                } catch (MqttException e) {
                    LOG.warn("receiver cannot subscribe: {}", e.getMessage());
                }
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(7L * 24 * 3600);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 5);
        if (url.startsWith("ssl:") && tls != null) {
            options.setSocketFactory(tls.getSocketFactory());
        }
        c.connect(options).waitForCompletion(30_000);
        mqtt = c;
        LOG.info("receiving forwarded messages from {}", url);
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
            httpThreads.shutdownNow();
        }
        if (mqtt != null) {
            try {
                mqtt.disconnect().waitForCompletion(5_000);
            } catch (MqttException ignored) {
                // closing anyway
            }
            try {
                mqtt.close(true);
            } catch (MqttException ignored) {
                // closing anyway
            }
        }
        synchronized (this) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // nothing left to write
            }
        }
    }
}
