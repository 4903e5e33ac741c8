package org.rts.demo.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.rts.demo.load.Fleet.Message;
import org.rts.hub.receipt.ReceiptIssuer;
import org.rts.protocol.Topics;
import org.rts.protocol.jws.Es256Verifier;
import org.rts.protocol.jws.Jws;

/** The benchmark's reference rates: in-process verify and sign, and a plain subscriber through the broker. */
final class Rates {
    private Rates() {
    }

    static double verify(List<Message> burst, int threads) throws Exception {
        return parallelRate(burst, threads, m -> {
            if (!Es256Verifier.verify(Jws.parse(m.bytes()), m.unit().publicKey())) {
                throw new IllegalStateException("a pre-signed message does not verify");
            }
        });
    }

    static double receipts(List<Message> burst, ReceiptIssuer issuer, int threads) throws Exception {
        return parallelRate(burst, threads, m -> issuer.signer().sign(ReceiptIssuer.receipt(m.unit().id(), m.topic(),
                m.hash(), m.seq(), true, List.of(), List.of(), null, java.time.Instant.now())));
    }

    /** Items a second over {@code threads} threads, after a first pass to warm the code up. */
    private static double parallelRate(List<Message> items, int threads, Consumer<Message> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            run(pool, items.subList(0, Math.min(items.size(), 5000)), threads, work);
            long t = System.nanoTime();
            run(pool, items, threads, work);
            return items.size() / ((System.nanoTime() - t) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void run(ExecutorService pool, List<Message> items, int threads, Consumer<Message> work)
            throws Exception {
        List<Future<?>> parts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            List<Message> part = items.subList(items.size() * i / threads, items.size() * (i + 1) / threads);
            parts.add(pool.submit(() -> part.forEach(work)));
        }
        for (Future<?> f : parts) {
            f.get();
        }
    }

    /** Messages a second a plain subscriber receives when the burst is published through the broker. */
    static double passThrough(String broker, String election, List<Message> burst) throws Exception {
        try (Traffic traffic = new Traffic(broker, election, 8, Integer.MAX_VALUE, Duration.ofHours(1))) {
            traffic.watch(Topics.devices(election) + "+/" + Topics.TURNOUT);
            long t0 = System.nanoTime();
            traffic.blast(burst);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (traffic.watched() < burst.size() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            return traffic.watched() / ((traffic.lastWatchedNanos() - t0) / 1e9);
        }
    }

    /** The {@code p} quantile of nanosecond figures, in milliseconds. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    /**
     * Hands the messages to their units at {@code rate} a second, in slices every 5 ms. Returns the share of the
     * machine's cores that was busy meanwhile (every process's, from {@code /proc/stat}), in percent: a latency
     * measured on a machine near 100 % is mostly time spent waiting for a core.
     */
    static double runPaced(Traffic traffic, List<Message> messages, double rate) throws Exception {
        long[] before = machineTicks();
        long start = System.nanoTime();
        int sent = 0;
        while (sent < messages.size()) {
            double elapsed = (System.nanoTime() - start) / 1e9;
            int due = (int) Math.min(messages.size(), Math.floor(elapsed * rate) + 1);
            if (due > sent) {
                traffic.send(messages.subList(sent, due));
                sent = due;
            }
            Thread.sleep(5);
        }
        long[] after = machineTicks();
        return 100.0 * (after[0] - before[0]) / Math.max(1, after[1] - before[1]);
    }

    /** The busy and the total clock ticks of all cores so far (the first line of {@code /proc/stat}). */
    private static long[] machineTicks() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) { // user nice system idle iowait irq softirq steal
            total += Long.parseLong(f[i]);
        }
        return new long[] {total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
    }
}
