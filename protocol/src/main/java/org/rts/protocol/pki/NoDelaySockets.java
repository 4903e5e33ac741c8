package org.rts.protocol.pki;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets with Nagle's algorithm off. MQTT's exchanges are small packets answered by small packets (a report,
 * its PUBACK, the receipt): with Nagle on, each waits for the peer's delayed acknowledgement, about 40 ms a turn on
 * Linux, which made most of a unit's confirm-to-receipt time. Paho has no option for it, so its socket factory sets it.
 */
public final class NoDelaySockets extends SSLSocketFactory {
    private final SSLSocketFactory tls;

    NoDelaySockets(SSLSocketFactory tls) {
        this.tls = tls;
    }

    /** Plain TCP sockets with Nagle's algorithm off, for {@code tcp://} brokers (a loopback or a lab). */
    public static SocketFactory plain() {
        return new SocketFactory() {
            @Override
            public Socket createSocket() throws IOException {
                return noDelay(new Socket());
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return noDelay(new Socket(host, port));
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                    throws IOException {
                return noDelay(new Socket(host, port, localHost, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return noDelay(new Socket(host, port));
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return noDelay(new Socket(address, port, localAddress, localPort));
            }
        };
    }

    private static Socket noDelay(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }

    /**
     * Nagle off once the TLS handshake is done, not before: a client whose certificate the broker refuses (revoked,
     * or its CRL lapsed) must read the broker's alert to tell the officer why, and with Nagle off during the
     * handshake it is still writing when the alert comes and sees only a broken pipe.
     */
    private static Socket afterHandshake(Socket socket) {
        if (socket instanceof javax.net.ssl.SSLSocket tls) {
            tls.addHandshakeCompletedListener(done -> {
                try {
                    done.getSocket().setTcpNoDelay(true);
                } catch (IOException e) {
                    // the connection is closing: nothing to tune
                }
            });
        }
        return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
        return afterHandshake(tls.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return afterHandshake(tls.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
        return afterHandshake(tls.createSocket(s, consumed, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return afterHandshake(tls.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return afterHandshake(tls.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return afterHandshake(tls.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return afterHandshake(tls.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }
}
