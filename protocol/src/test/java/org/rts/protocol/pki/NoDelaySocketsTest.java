package org.rts.protocol.pki;

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
    void a_units_tls_sockets_have_nagle_off_before_and_after_connecting() throws Exception {
        var key = (ECPrivateKeyParameters) Keys.generate().getPrivate();
        X509CertificateHolder ca = CertificateIssuer.selfSignedCa("el-2026", key, Instant.now(), Duration.ofDays(1));
        SocketFactory tls = TlsContexts.client(key, ca, ca);
        try (Socket unconnected = tls.createSocket()) {
            assertTrue(unconnected.getTcpNoDelay(), "the socket Paho connects itself");
        }
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket connected = tls.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            assertTrue(connected.getTcpNoDelay());
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
