package org.rts.e2e;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between a client and the broker that reads the client's MQTT v5 packets and, when armed, cuts the
 * connection at the client's next PUBLISH on a topic containing a given text (following topic aliases): the hub's
 * connection dropped right after a decision, with its receipt and acknowledgement lost on the way.
 */
final class CuttingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String brokerHost;
    private final int brokerPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicInteger cuts = new AtomicInteger();
    private volatile String topicPart = "";
    private final Thread acceptor;

    CuttingProxy(String brokerHost, int brokerPort) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.brokerHost = brokerHost;
        this.brokerPort = brokerPort;
        this.acceptor = new Thread(this::accept, "proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Cuts at the next client PUBLISH whose topic contains {@code part}. */
    void armOnPublish(String part) {
        topicPart = part;
        armed.set(true);
    }

    boolean armed() {
        return armed.get();
    }

    int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Socket broker = new Socket(brokerHost, brokerPort);
                sockets.add(client);
                sockets.add(broker);
                start(() -> upstream(client, broker));
                start(() -> copy(broker, client));
            } catch (IOException brokerDown) {
                close(client); // as if the broker itself refused: the client tries again
            }
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Client to broker, packet by packet, so that a PUBLISH can be recognised and cut before it is forwarded. */
    private void upstream(Socket client, Socket broker) {
        java.util.Map<Integer, String> aliases = new java.util.HashMap<>();
        try (DataInputStream in = new DataInputStream(client.getInputStream());
             OutputStream out = broker.getOutputStream()) {
            while (true) {
                int first = in.readUnsignedByte();
                int length = 0;
                int multiplier = 1;
                java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
                header.write(first);
                int b;
                do {
                    b = in.readUnsignedByte();
                    header.write(b);
                    length += (b & 0x7F) * multiplier;
                    multiplier *= 128;
                } while ((b & 0x80) != 0);
                byte[] body = new byte[length];
                in.readFully(body);
                // every PUBLISH is read, so that the topic aliases it sets up are known when one is used
                String topic = (first >> 4) == 3 ? topic(first, body, aliases) : "";
                if (topic.contains(topicPart) && (first >> 4) == 3 && armed.compareAndSet(true, false)) {
                    cuts.incrementAndGet();
                    close(client);
                    close(broker);
                    return;
                }
                out.write(header.toByteArray());
                out.write(body);
                out.flush();
            }
        } catch (EOFException e) {
            close(broker);
        } catch (IOException e) {
            close(broker);
            close(client);
        }
    }

    /** The topic of a PUBLISH, resolving (and recording) its topic alias property. */
    private static String topic(int first, byte[] body, java.util.Map<Integer, String> aliases) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
        String topic = new String(body, 2, b.getShort() & 0xFFFF, StandardCharsets.UTF_8);
        b.position(2 + topic.getBytes(StandardCharsets.UTF_8).length);
        if (((first >> 1) & 3) > 0) {
            b.getShort(); // packet identifier
        }
        int end = varint(b);
        end += b.position();
        while (b.position() < end) {
            int id = b.get() & 0xFF;
            switch (id) {
                case 0x23 -> {
                    int alias = b.getShort() & 0xFFFF;
                    if (topic.isEmpty()) {
                        topic = aliases.getOrDefault(alias, "");
                    } else {
                        aliases.put(alias, topic);
                    }
                }
                case 0x01 -> b.get();
                case 0x02 -> b.getInt();
                case 0x0B -> varint(b);
                case 0x03, 0x08, 0x09 -> b.position(b.position() + (b.getShort() & 0xFFFF));
                case 0x26 -> {
                    b.position(b.position() + (b.getShort() & 0xFFFF));
                    b.position(b.position() + (b.getShort() & 0xFFFF));
                }
                default -> throw new IllegalStateException("PUBLISH property " + id + " not expected");
            }
        }
        return topic;
    }

    private static int varint(java.nio.ByteBuffer b) {
        int value = 0;
        int multiplier = 1;
        int x;
        do {
            x = b.get() & 0xFF;
            value += (x & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((x & 0x80) != 0);
        return value;
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // one side closed
        } finally {
            close(to);
            close(from);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(CuttingProxy::close);
    }
}
