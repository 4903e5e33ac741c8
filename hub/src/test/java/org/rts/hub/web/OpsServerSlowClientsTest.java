package org.rts.hub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 2,000 connections that trickle a request line a byte at a time, or send nothing: the room holds at most its cap of
 * them, closes the rest, closes the held ones after the request time, and an operator still signs in and watches
 * live events. The room runs in a process of its own (the JDK's server reads its limits once per process), so its
 * file descriptors are counted apart from the test's 2,000 sockets. A connection the kernel gave up before the room
 * accepted it (its queue of 64 was full) is reset on its next byte, and counts as closed too: it cost the room nothing.
 */
class OpsServerSlowClientsTest {
    private static final int CLIENTS = 2_000;
    private static final int CAP = 64;
    /** Connections that send nothing at all. */
    private static final int SILENT = 16;
    /** Descriptors the room may open besides its connections after warming up (a jar read late, a log file). */
    private static final int MARGIN = 32;
    private static final byte[] TRICKLE = ("GET /login?wait=" + "a".repeat(4000)).getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private Process room;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private int port;

    /** The room alone in its process: writes its port to a file, serves until its standard input ends. */
    public static final class Room {
        public static void main(String[] args) throws Exception {
            OpsRoom room = new OpsRoom("127.0.0.1", 0, Path.of(args[0]), null, null, null,
                    new OpsRoom.Limits(Integer.parseInt(args[1]), Duration.ofSeconds(1), Duration.ofSeconds(30)));
            try (OpsServer server = OpsServer.start(room, new EmptyViews(), () -> new byte[0], Sessions.inMemory(),
                    Clock.systemUTC())) {
                Path written = Files.writeString(Path.of(args[2] + ".new"), String.valueOf(server.port()));
                Files.move(written, Path.of(args[2]), StandardCopyOption.ATOMIC_MOVE);
                while (System.in.read() >= 0) {
                    // serve until the test ends
                }
            }
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (room != null) {
            room.destroy();
            room.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(300)
    void trickling_clients_are_capped_and_closed_and_an_operator_is_still_served() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts the room's descriptors in /proc");
        assumeTrue(openFilesLimit() >= CLIENTS + 500, "this test holds " + CLIENTS + " sockets: raise ulimit -n");
        startRoom();
        long pid = room.pid();
        assertEquals(200, answered(() -> get("/login", null)).statusCode()); // warm up before counting
        int baseline = descriptors(pid);

        Selector selector = Selector.open();
        List<SocketChannel> clients = new ArrayList<>();
        try {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            for (int i = 0; i < SILENT; i++) {
                // connected one at a time, so that the room surely accepts them
                SocketChannel c = SocketChannel.open(address);
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ, new int[] {-1});
                clients.add(c);
            }
            for (int i = SILENT; i < CLIENTS; i++) {
                // all at once, each sending a byte of the request line a round
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                c.connect(address);
                c.register(selector, SelectionKey.OP_CONNECT | SelectionKey.OP_READ, new int[] {0});
                clients.add(c);
            }
            CompletableFuture<String> operator = CompletableFuture.supplyAsync(this::operatorWatches);
            int most = baseline;
            int closed = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            ByteBuffer buffer = ByteBuffer.allocate(512);
            while ((closed < CLIENTS || !operator.isDone()) && System.nanoTime() < deadline) {
                most = Math.max(most, descriptors(pid));
                for (SelectionKey key : selector.keys()) {
                    if (key.isValid() && !trickle(key)) {
                        key.cancel();
                        closed++;
                    }
                }
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && !connected(key, buffer)) {
                        key.cancel();
                        closed++;
                    }
                }
                selector.selectedKeys().clear();
            }
            assertTrue(most <= baseline + CAP + MARGIN, "the room held " + (most - baseline)
                    + " descriptors more than before the trickle, for a cap of " + CAP);
            assertEquals(CLIENTS, closed, "trickling connections the room closed");
            assertTrue(operator.isDone(), "the operator was never served");
            assertTrue(operator.get().startsWith("data: "), operator.get());
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
            selector.close();
        }
    }

    /** One more byte of the request line, unless the key is a silent one; false once the room has closed it. */
    private static boolean trickle(SelectionKey key) {
        int[] sent = (int[]) key.attachment();
        if (sent[0] < 0 || !((SocketChannel) key.channel()).isConnected()) {
            return true;
        }
        try {
            ((SocketChannel) key.channel()).write(ByteBuffer.wrap(TRICKLE, sent[0]++ % TRICKLE.length, 1));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Completes the connection, or reads what the room sent (an error page at most); false once the room has
     * closed the connection (or refused it).
     */
    private static boolean connected(SelectionKey key, ByteBuffer buffer) {
        SocketChannel c = (SocketChannel) key.channel();
        try {
            if (c.isConnectionPending()) {
                if (c.finishConnect()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
                return true;
            }
            buffer.clear();
            return c.read(buffer) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Signs in, opens the page and reads the second event of the live stream, retrying while the room is full. */
    private String operatorWatches() {
        try {
            HttpResponse<String> form = answered(() -> get("/login", null));
            String login = cookie(form, OpsServer.LOGIN_COOKIE);
            HttpResponse<String> signedIn = answered(() -> post("/login", login, "csrf=" + hidden(form.body())
                    + "&user=amal&password=correct+horse"));
            assertEquals(303, signedIn.statusCode(), signedIn.body());
            String session = cookie(signedIn, OpsServer.COOKIE);
            assertEquals(200, answered(() -> get("/", session)).statusCode());
            HttpResponse<InputStream> stream = answered(() -> http.send(HttpRequest.newBuilder(uri("/api/events"))
                    .header("Cookie", session).build(), HttpResponse.BodyHandlers.ofInputStream()));
            assertEquals(200, stream.statusCode());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                // the second snapshot comes an interval after the first, longer than the request time
                int events = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("data: ") && ++events == 2) {
                        return line;
                    }
                }
                throw new AssertionError("the live-events stream ended after " + events + " events");
            }
        } catch (Exception e) {
            throw new AssertionError("the operator was not served", e);
        }
    }

    /** {@code request}'s answer, asked again while the room closes the connection (it is at its cap). */
    private static <T> T answered(Callable<T> request) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                return request.call();
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private void startRoom() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, Users.line("amal", "correct horse".toCharArray()) + "\n");
        Path log = dir.resolve("room.log");
        Path portFile = dir.resolve("port");
        room = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), Room.class.getName(), users.toString(), String.valueOf(CAP),
                portFile.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        while (!Files.exists(portFile)) {
            assertTrue(room.isAlive(), () -> "the room did not start: " + read(log));
            Thread.sleep(50);
        }
        port = Integer.parseInt(Files.readString(portFile));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int descriptors(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) fds.count();
        }
    }

    private static long openFilesLimit() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                .map(l -> l.substring("Max open files".length()).strip().split("\\s+")[0])
                .mapToLong(Long::parseLong).findFirst().orElse(Long.MAX_VALUE);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String cookie, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String cookie(HttpResponse<?> r, String name) {
        String set = r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + ": " + r.headers()));
        return set.substring(0, set.indexOf(';'));
    }

    private static String hidden(String html) {
        String marker = "name=\"csrf\" value=\"";
        int at = html.indexOf(marker);
        assertTrue(at >= 0, html);
        return html.substring(at + marker.length(), html.indexOf('"', at + marker.length()));
    }
}
