package org.rts.hub.web;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.rts.hub.HubException;
import org.rts.protocol.ProtocolException;
import org.rts.protocol.pki.Certificates;
import org.rts.protocol.pki.Keys;
import org.rts.protocol.pki.Pem;

/**
 * Where the operations room is served and who may sign in.
 *
 * @param bind        address to listen on (default 127.0.0.1); any other needs a certificate: the room is then
 *                    served over HTTPS only
 * @param port        port (0: any free one)
 * @param users       the users file kept with {@code hub users}
 * @param certificate PEM certificate of the room's web address, then any intermediates (null: plain HTTP, on a
 *                    loopback address only)
 * @param key         PEM EC private key of {@code certificate}
 * @param metricsToken the bearer token {@code /metrics} asks for (null: none asked; at least 16 printable ASCII
 *                    characters)
 * @param limits      how slow and idle clients are treated (null: {@link Limits#DEFAULT})
 */
public record OpsRoom(String bind, int port, Path users, Path certificate, Path key, String metricsToken,
                      Limits limits) {
    /**
     * Bounds on the room's clients, so that slow or silent connections cannot take the hub's threads and file
     * descriptors.
     *
     * @param maxConnections connections open at once, live-event streams included (default 256, at least 1); one
     *                       more is closed as soon as it is accepted
     * @param requestTime    time to receive a request's headers and body, whole seconds (default 10 s, at least
     *                       1 s); a connection that sends nothing is closed after it too. A response is not timed,
     *                       so live events are never cut
     * @param idle           time a kept-alive connection may wait for its next request, whole seconds (default
     *                       30 s, at least 1 s)
     */
    public record Limits(int maxConnections, Duration requestTime, Duration idle) {
        public static final Limits DEFAULT = new Limits(256, Duration.ofSeconds(10), Duration.ofSeconds(30));

        public Limits {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("ops maxConnections must be >= 1, found: " + maxConnections);
            }
            wholeSeconds("requestTime", requestTime);
            wholeSeconds("idle", idle);
        }

        private static void wholeSeconds(String name, Duration d) {
            if (d == null || d.toSeconds() < 1 || d.toNanos() % 1_000_000_000L != 0) {
                throw new IllegalArgumentException("ops " + name + " must be whole seconds, at least 1, found: " + d);
            }
        }
    }

    public OpsRoom {
        bind = bind == null || bind.isBlank() ? "127.0.0.1" : bind;
        limits = limits == null ? Limits.DEFAULT : limits;
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("ops port must be 0..65535, found: " + port);
        }
        if (users == null) {
            throw new IllegalArgumentException("the operations room needs a users file (hub users add)");
        }
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("the operations room's HTTPS needs both a certificate and its key,"
                    + " found only the " + (key == null ? "certificate " + certificate : "key " + key));
        }
        if (metricsToken != null && !metricsToken.matches("[!-~]{16,}")) {
            throw new IllegalArgumentException("the metrics token must be at least 16 printable ASCII characters"
                    + " without spaces, found " + metricsToken.length() + " characters");
        }
    }

    /** With the default {@link Limits}. */
    public OpsRoom(String bind, int port, Path users, Path certificate, Path key, String metricsToken) {
        this(bind, port, users, certificate, key, metricsToken, null);
    }

    /** Served over plain HTTP (on a loopback address only), {@code /metrics} without a token. */
    public OpsRoom(String bind, int port, Path users) {
        this(bind, port, users, null, null, null);
    }

    /** Never shows the metrics token. */
    @Override
    public String toString() {
        return "OpsRoom[bind=" + bind + ", port=" + port + ", users=" + users + ", certificate=" + certificate
                + ", key=" + key + ", metricsToken=" + (metricsToken == null ? "none" : "(set)") + ", limits=" + limits
                + "]";
    }

    /** The TLS context serving {@link #certificate}, or null without one. */
    public SSLContext tls() {
        if (certificate == null) {
            return null;
        }
        try {
            List<X509CertificateHolder> chain = Pem.readCertificates(certificate);
            ECPrivateKeyParameters ecKey = Pem.readPrivateKey(key);
            if (!Keys.samePublicKey(Keys.publicOf(ecKey), Certificates.publicKey(chain.get(0)))) {
                throw new HubException("the key " + key + " is not the key of the certificate " + certificate + " ("
                        + chain.get(0).getSubject() + ")");
            }
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            Certificate[] certs = new Certificate[chain.size()];
            for (int i = 0; i < certs.length; i++) {
                certs[i] = converter.getCertificate(chain.get(i));
            }
            PrivateKey privateKey = new JcaPEMKeyConverter().getPrivateKey(Keys.privateKeyInfo(ecKey));
            char[] inMemory = "in-memory".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("ops", privateKey, inMemory, certs);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, inMemory);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException | ProtocolException e) {
            throw new HubException("cannot serve the operations room over HTTPS with " + certificate + " and " + key
                    + ": " + e.getMessage(), e);
        }
    }
}
