package org.rts.protocol.pki;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import javax.net.SocketFactory;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.junit.jupiter.api.Test;

/** The MQTT clients' sockets send each small packet at once instead of waiting for the peer's acknowledgement. */
class NoDelaySocketsTest {
    @Test
    void a_units_tls_sockets_have_nagle_off_once_the_handshake_is_done() throws Exception {
        var key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder ca = CertificateIssuer.selfSignedCa("el-2026", key, Instant.now(), Duration.ofDays(1));
        javax.net.ssl.SSLServerSocketFactory serverSide = TlsContexts.context(key, ca, java.util.List.of(ca))
                .getServerSocketFactory();
        SocketFactory tls = TlsContexts.client(key, ca, ca);
        try (ServerSocket server = serverSide.createServerSocket(0, 1, InetAddress.getLoopbackAddress());
             javax.net.ssl.SSLSocket client = (javax.net.ssl.SSLSocket) tls.createSocket()) {
            Thread accept = Thread.ofVirtual().start(() -> {
                try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) server.accept()) {
                    s.startHandshake();
                    s.getInputStream().read();
                } catch (java.io.IOException e) {
                    // the client has gone
                }
            });
            client.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            assertFalse(client.getTcpNoDelay(), "during the handshake the broker's alert must be read, not raced");
            client.startHandshake();
            long deadline = System.nanoTime() + 10_000_000_000L; // the JDK tells listeners on a thread of its own
            while (!client.getTcpNoDelay() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(client.getTcpNoDelay(), "once connected each small packet goes at once");
            client.close();
            accept.join();
        }
    }

    @Test
    void plain_sockets_have_nagle_off() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket unconnected = NoDelaySockets.plain().createSocket();
             Socket connected = NoDelaySockets.plain().createSocket(InetAddress.getLoopbackAddress(),
                     server.getLocalPort())) {
            assertTrue(unconnected.getTcpNoDelay());
            assertTrue(connected.getTcpNoDelay());
        }
    }
}
