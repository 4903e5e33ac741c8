package org.rts.demo.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.rts.demo.load.Fleet.Message;

/**
 * Junk posted at the hub's phone relay while the broker's burst runs, from 50 loopback addresses as a flood from many
 * phones would come: text that is no code, parts of messages no one completes, bodies over the size limit, and a
 * genuine message altered (which the intake verifies and rejects). Measures the MQTT intake's accepted rate in three
 * bursts of the same size, the second one under the junk, so that the noise between two quiet bursts shows beside it
 * (after a fifth as many posts first, so that the relay's code runs compiled as the intake's does).
 */
final class RelayJunk {
    private static final int ADDRESSES = 50;

    private RelayJunk() {
    }

    /**
     * Sends three bursts of {@code messages} (the fleet's next ones), the second with {@code posts} junk posts at the
     * relay on {@code port} spread over its expected length; prints the rates. Returns the answers now expected.
     */
    static int compare(Traffic traffic, Fleet fleet, int messages, int answered, int port, int posts,
                       byte[] genuine, List<HubProcess> hubs) throws Exception {
        int perUnit = messages / fleet.units().size();
        post(port, posts / 5, genuine, Duration.ZERO, new TreeMap<>()); // the relay's code compiled, as the intake's is
        double[] quiet = burst(traffic, fleet.sign(perUnit), answered, hubs);
        answered += messages;
        Map<Integer, Integer> statuses = new TreeMap<>();
        Duration spread = Duration.ofMillis((long) (1000 * messages / Math.max(1, quiet[0])));
        Thread flood = Thread.ofPlatform().name("relay-junk").start(() -> post(port, posts, genuine, spread,
                statuses));
        double[] flooded = burst(traffic, fleet.sign(perUnit), answered, hubs);
        flood.join();
        answered += messages;
        double[] after = burst(traffic, fleet.sign(perUnit), answered, hubs);
        answered += messages;
        System.out.printf("  MQTT intake beside the phone relay, three bursts of %,d: %,.0f msg/s, then %,.0f msg/s"
                + " with %,d junk relay posts during it (HTTP answers %s), then %,.0f msg/s; hub CPU per message %.0f,"
                + " %.0f, %.0f µs%n", messages, quiet[0], flooded[0], posts, statuses, after[0], quiet[1], flooded[1],
                after[1]);
        return answered;
    }

    /** Sends {@code burst} and waits for its answers: its accepted rate and the hubs' CPU per message. */
    private static double[] burst(Traffic traffic, List<Message> burst, int before, List<HubProcess> hubs)
            throws Exception {
        long cpu0 = HubProcess.cpuMicros(hubs, false);
        long t0 = System.nanoTime();
        traffic.send(burst);
        if (!traffic.awaitAnswers(before + burst.size(), Duration.ofMinutes(5))) {
            throw new IllegalStateException("the hub did not answer a burst in 5 minutes: see " + hubs.get(0).log());
        }
        List<Traffic.Outcome> outcomes = Bench.outcomes(traffic.outcomes(), burst);
        long last = outcomes.stream().mapToLong(Traffic.Outcome::answeredNanos).max().orElse(t0);
        long accepted = outcomes.stream().filter(o -> o.receipt().accepted()).count();
        long cpu = HubProcess.cpuMicros(hubs, false) - cpu0;
        return new double[] {accepted / ((last - t0) / 1e9), cpu / (double) outcomes.size()};
    }

    /**
     * {@code posts} junk posts, evenly over {@code spread}, each from the next of the loopback addresses; sixteen
     * at a time at most, as an altered message waits for the intake's answer behind the burst.
     */
    private static void post(int port, int posts, byte[] genuine, Duration spread, Map<Integer, Integer> statuses) {
        String altered = alter(new String(genuine, StandardCharsets.US_ASCII));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long start = System.nanoTime();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < posts; i++) {
                long wait = start + spread.toNanos() * i / posts - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                String body = switch (i % 4) {
                    case 0 -> "not a code " + i;
                    case 1 -> "RTSP1/1/3/" + hash(random) + "/" + "A".repeat(900);
                    case 2 -> "x".repeat(5000);
                    default -> altered;
                };
                String from = "127.0.0." + (2 + i % ADDRESSES);
                pool.execute(() -> {
                    int status;
                    try {
                        status = post(port, from, body);
                    } catch (IOException e) {
                        status = -1;
                    }
                    synchronized (statuses) {
                        statuses.merge(status, 1, Integer::sum);
                    }
                });
            }
        }
    }

    /** One POST /relay from {@code from}; its HTTP status. */
    private static int post(int port, String from, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            s.setSoTimeout(30_000);
            try {
                OutputStream out = s.getOutputStream();
                out.write(("POST /relay HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: text/plain\r\n"
                        + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                // answered and closed before the whole body was read (too large): the answer is still there
            }
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return status.startsWith("HTTP/1.1 ") ? Integer.parseInt(status.substring(9, 12)) : -1;
        }
    }

    /** The message with a character in the middle of its signature changed: well formed, and no longer genuine. */
    private static String alter(String jws) {
        int dot = jws.lastIndexOf('.');
        int at = dot + (jws.length() - dot) / 2;
        return jws.substring(0, at) + (jws.charAt(at) == 'A' ? 'B' : 'A') + jws.substring(at + 1);
    }

    private static String hash(ThreadLocalRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
