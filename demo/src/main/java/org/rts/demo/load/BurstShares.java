package org.rts.demo.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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

    /** Prints the reports a batch and, when there are several hubs, each one's reports and its CPU per report. */
    void print(List<Traffic.Outcome> outcomes) throws IOException {
        Map<String, Long> byLog = batches(outcomes);
        if (hubs.size() < 2) {
            return;
        }
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

    /** Prints the reports each signed tree head (one a commit batch) covered, by log; returns the reports by log. */
    static Map<String, Long> batches(List<Traffic.Outcome> outcomes) {
        Map<String, Long> byLog = new TreeMap<>();
        Map<String, Set<Long>> heads = new TreeMap<>();
        for (Traffic.Outcome outcome : outcomes) {
            TreeHead head = head(outcome);
            byLog.merge(head.log(), 1L, Long::sum);
            heads.computeIfAbsent(head.log(), l -> new HashSet<>()).add(head.size());
        }
        System.out.println("  reports a commit batch (one signed tree head each): " + byLog.keySet().stream()
                .map(l -> String.format("%s %.1f", l, (double) byLog.get(l) / heads.get(l).size()))
                .collect(Collectors.joining(", ")));
        return byLog;
    }

    private static TreeHead head(Traffic.Outcome outcome) {
        String head = LoggedReceipt.decode(outcome.receiptBytes()).head();
        return TreeHead.decode(Jws.parse(head.getBytes(StandardCharsets.US_ASCII)).payload());
    }
}
