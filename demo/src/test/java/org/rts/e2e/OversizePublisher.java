package org.rts.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.SocketFactory;

/**
 * Sends one MQTT v5 PUBLISH far larger than any report, byte by byte on the wire as a misbehaving unit would
 * (client libraries refuse to build it), and tells how much the broker read before it hung up.
 */
final class OversizePublisher {
    private OversizePublisher() {
    }

    /** Connects with {@code socket}, announces {@code size} bytes on {@code topic}; returns payload bytes written. */
    static long publish(SocketFactory sockets, String host, int port, String clientId, String topic, long size)
            throws IOException {
        try (Socket socket = sockets.createSocket(host, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream connect = new ByteArrayOutputStream();
            connect.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 60, 0});
            string(connect, clientId);
            packet(out, 0x10, connect.toByteArray(), 0);
            out.flush();
            int type = in.read();
            if (type != 0x20) {
                throw new IOException("no CONNACK from the broker (first byte " + type + ")");
            }
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            string(header, topic);
            header.writeBytes(new byte[] {0, 1, 0}); // packet id 1, no properties
            packet(out, 0x32, header.toByteArray(), size);
            byte[] block = new byte[64 * 1024];
            long written = 0;
            try {
                while (written < size) {
                    int n = (int) Math.min(block.length, size - written);
                    out.write(block, 0, n);
                    written += n;
                }
                out.flush();
            } catch (IOException hungUp) {
                return written;
            }
            return written;
        }
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write(b.length >> 8);
        out.write(b.length & 0xFF);
        out.writeBytes(b);
    }

    /** Writes the fixed header and {@code head}; {@code more} bytes of payload are to follow. */
    private static void packet(OutputStream out, int first, byte[] head, long more) throws IOException {
        long length = head.length + more;
        out.write(first);
        do {
            int digit = (int) (length % 128);
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        out.write(head);
    }
}
