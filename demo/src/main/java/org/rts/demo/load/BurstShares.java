package org.rts.demo.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.rts.protocol.jws.Jws;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.merkle.TreeHead;

/**
 * Each hub's part of a burst: how many reports its receipt log took and what each cost it, so that several hubs'
 * summed CPU per report can be told apart into hubs that cost more per report and hubs that were given more. A hub's
 * receipt log is named by its client id.
 */
final class BurstShares {
    private final List<HubProcess> hubs;
    private final List<String> logs;
    private final long[] cpu;
    private final long[] compilers;

    /** Starts counting the CPU of {@code hubs}, the i-th of which (from 1) keeps the receipt log prefix + i. */
    BurstShares(List<HubProcess> hubs, String prefix) throws IOException {
        this.hubs = hubs;
        this.logs = IntStream.rangeClosed(1, hubs.size()).mapToObj(i -> prefix + i).toList();
        this.cpu = new long[hubs.size()];
        this.compilers = new long[hubs.size()];
        for (int i = 0; i < hubs.size(); i++) {
            cpu[i] = hubs.get(i).cpuMicros();
            compilers[i] = hubs.get(i).compilerMicros();
        }
    }

    /** Prints, when there are several hubs, each one's reports among {@code outcomes} and its CPU per report. */
    void print(List<Traffic.Outcome> outcomes) throws IOException {
        if (hubs.size() < 2) {
            return;
        }
        Map<String, Long> byLog = outcomes.stream().collect(Collectors.groupingBy(BurstShares::log,
                Collectors.counting()));
        StringBuilder line = new StringBuilder("  each hub:");
        for (int i = 0; i < hubs.size(); i++) {
            long reports = byLog.getOrDefault(logs.get(i), 0L);
            long used = hubs.get(i).cpuMicros() - cpu[i];
            long compiling = hubs.get(i).compilerMicros() - compilers[i];
            line.append(String.format(" %s %,d reports, %s%s", logs.get(i), reports, reports == 0
                    ? String.format("%,d ms of CPU", used / 1000)
                    : String.format("%.0f µs each (%.0f compiling)", (double) used / reports,
                    (double) compiling / reports), i < hubs.size() - 1 ? ";" : ""));
        }
        System.out.println(line);
    }

    private static String log(Traffic.Outcome outcome) {
        String head = LoggedReceipt.decode(outcome.receiptBytes()).head();
        return TreeHead.decode(Jws.parse(head.getBytes(StandardCharsets.US_ASCII)).payload()).log();
    }
}
