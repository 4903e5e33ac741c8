package org.rts.tallycentre;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.rts.protocol.files.ElectionFiles;
import org.rts.tallycentre.http.HttpReceiver;
import org.rts.tallycentre.intake.Intake;
import org.rts.tallycentre.mqtt.MqttReceiver;
import org.rts.tallycentre.store.ReceivedStore;
import org.rts.tallycentre.verification.Verifier;

/**
 * The tally centre's side of forwarding, as a reference: takes forwarded messages by HTTPS POST and from its MQTT
 * broker, verifies each on its own (the device's signature against the signed registry, the hub's receipt
 * against the hub's certificate, one for the other), and stores each idempotency key once, counting copies. It
 * answers only once the message is stored (HTTP 200, MQTT acknowledgement), a message that does not verify with
 * HTTP 400, and a store failure with HTTP 503.
 */
public final class Receiver implements AutoCloseable {
    private final ReceivedStore store;
    private HttpReceiver http;
    private MqttReceiver mqtt;
    private Intake intake;

    private Receiver(ReceivedStore store) {
        this.store = store;
    }

    /**
     * Starts receiving for the election in {@code files} (its public files: CA and hub certificates, signed ballot
     * and registry): by HTTPS on {@code httpsPort} when {@code serverTls} is given (plain HTTP otherwise; null port:
     * none) and from {@code mqttUrl} (null: none).
     */
    public static Receiver start(ElectionFiles files, Path dbFile, Integer httpsPort, SSLContext serverTls,
                                 String mqttUrl, SSLContext clientTls, Clock clock) {
        Verifier verifier = new Verifier(files, clock);
        Receiver r = new Receiver(ReceivedStore.open(dbFile));
        Intake intake = new Intake(verifier, r.store, clock);
        r.intake = intake;
        try {
            if (httpsPort != null) {
                r.http = HttpReceiver.start(httpsPort, serverTls, intake);
            }
            if (mqttUrl != null) {
                r.mqtt = MqttReceiver.start(mqttUrl, clientTls, verifier.electionId(), intake);
            }
            return r;
        } catch (IOException | TallyCentreException e) {
            r.close();
            throw new TallyCentreException("cannot start the receiver: " + e.getMessage(), e);
        }
    }

    /** The port the HTTP(S) server listens on. */
    public int port() {
        return http.port();
    }

    /** Copies received per idempotency key. */
    public Map<String, Integer> copies() {
        return store.copies();
    }

    /** The results the hub's audit notices put under audit, {@code station/race}. */
    public java.util.Set<String> underAudit() {
        return intake.underAudit();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        if (mqtt != null) {
            mqtt.close();
        }
        store.close();
    }
}
