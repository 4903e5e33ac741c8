package org.rts.provisioning.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.rts.protocol.codec.MalformedMessageException;
import org.rts.protocol.codec.MessageCodec;
import org.rts.protocol.export.ExportFiles;
import org.rts.protocol.merkle.LoggedReceipt;
import org.rts.protocol.merkle.MerkleLog;
import org.rts.protocol.merkle.MerkleProofs;
import org.rts.protocol.merkle.TreeHead;
import org.rts.protocol.message.Receipt;

/**
 * The hubs' receipt logs an export carries: each log's leaves make the tree its last head (signed by the hub)
 * describes; every record's receipt is the leaf at its index, under a head consistent with the log; and a tree head
 * anyone kept (from a unit's receipt) is consistent with the exported log, so nothing it covered was removed since.
 * A leaf's line may carry the receipt it logs: a leaf no record claims is then traced to its unit.
 */
final class ExportLogs {
    private final LoggedReceipt.Checker heads;
    private final Consumer<String> problem;
    private final Map<String, Log> logs = new TreeMap<>();
    private final Map<TreeHead, Boolean> consistentHeads = new java.util.HashMap<>();

    private record Log(String name, Path file, TreeHead head, MerkleLog tree, BitSet claimed) {
    }

    private ExportLogs(LoggedReceipt.Checker heads, Consumer<String> problem) {
        this.heads = heads;
        this.problem = problem;
    }

    /** Reads every log of the export, reporting through {@code problem} those that do not hold together. */
    static ExportLogs read(ExportFiles f, LoggedReceipt.Checker heads, Consumer<String> problem) throws IOException {
        ExportLogs logs = new ExportLogs(heads, problem);
        if (Files.isDirectory(f.receiptLogs())) {
            List<Path> files;
            try (Stream<Path> list = Files.list(f.receiptLogs())) {
                files = list.sorted().toList();
            }
            for (Path file : files) {
                logs.load(f.dir().relativize(file).toString().replace('\\', '/'), file);
            }
        }
        return logs;
    }

    private void load(String name, Path file) throws IOException {
        TreeHead head;
        MerkleLog tree = new MerkleLog();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            String first = in.readLine();
            try {
                head = heads.head(first == null ? "" : first);
            } catch (MalformedMessageException | IllegalArgumentException e) {
                problem.accept(name + ": its tree head is not the hub's: " + e.getMessage());
                return;
            }
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                Leaf leaf = Leaf.parse(line);
                if (leaf == null) {
                    problem.accept(name + " line " + lineNo + ": not a base64url SHA-256, and the receipt it logs");
                    return;
                }
                tree.append(leaf.hash());
            }
        }
        if (logs.containsKey(head.log())) {
            problem.accept(name + ": a second file of receipt log " + head.log());
            return;
        }
        if (tree.size() != head.size() || !Arrays.equals(tree.root(tree.size()), head.rootHash())) {
            problem.accept(name + ": its " + tree.size() + " leaves do not make the tree of " + head.size()
                    + " its signed head describes (root " + head.root() + "): leaves were changed, added or removed");
            return;
        }
        logs.put(head.log(), new Log(name, file, head, tree, new BitSet()));
    }

    /** A line of a log file: the leaf hash, then (when the hub kept it) a space and the receipt, base64url. */
    private record Leaf(byte[] hash, byte[] receipt) {
        /** The line read, or null when it is not one (a receipt must hash to its leaf). */
        static Leaf parse(String line) {
            String[] parts = line.split(" ", -1);
            try {
                byte[] hash = java.util.Base64.getUrlDecoder().decode(parts[0]);
                byte[] receipt = parts.length == 2 ? java.util.Base64.getUrlDecoder().decode(parts[1]) : null;
                boolean whole = hash.length == MerkleProofs.HASH_BYTES && parts.length <= 2
                        && (receipt == null || Arrays.equals(MerkleProofs.leafHash(receipt), hash));
                return whole ? new Leaf(hash, receipt) : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /**
     * A record's receipt, checked under its own head: that head must be consistent with the exported log, and the
     * leaf at its index must be the receipt. Each leaf answers one record.
     */
    void claim(String at, LoggedReceipt receipt, LoggedReceipt.Checked checked) {
        TreeHead own = checked.head();
        Log log = logs.get(own.log());
        if (log == null) {
            problem.accept(at + ": its receipt is in receipt log " + own.log() + ", which the export does not hold");
            return;
        }
        if (!consistent(log, own)) {
            problem.accept(at + ": its receipt's tree head (" + own.size() + " leaves of " + own.log() + ") is not"
                    + " a state of the exported log: the log was changed since");
            return;
        }
        long index = receipt.index();
        if (!Arrays.equals(log.tree().leaf(index), MerkleProofs.leafHash(receipt.leaf()))) {
            problem.accept(at + ": leaf " + index + " of " + own.log() + " is not its receipt");
        } else if (log.claimed().get((int) index)) {
            problem.accept(at + ": leaf " + index + " of " + own.log() + " answers an earlier record already");
        } else {
            log.claimed().set((int) index);
        }
    }

    /**
     * A head someone kept, in {@code file}: the head itself (a compact JWS) or a receipt as a unit got it. Describes
     * it when the exported log contains the tree it signed; empty, with a problem, when not.
     */
    Optional<String> checkHeld(Path file) throws IOException {
        String source = file.toString();
        TreeHead held;
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            held = heads.head(text.startsWith("{") ? LoggedReceipt.decode(text.getBytes(StandardCharsets.US_ASCII))
                    .head() : text);
        } catch (MalformedMessageException | IllegalArgumentException e) {
            problem.accept(source + ": not a tree head signed by this election's hub: " + e.getMessage());
            return Optional.empty();
        }
        Log log = logs.get(held.log());
        if (log == null) {
            problem.accept(source + ": a head of receipt log " + held.log() + ", which the export does not hold");
            return Optional.empty();
        }
        if (!consistent(log, held)) {
            problem.accept(source + ": the hub signed " + held.size() + " leaves of " + held.log() + " with root "
                    + held.root() + " at " + held.time() + "; the export's log of " + log.head().size()
                    + " leaves is not a continuation of it: receipts were removed or changed");
            return Optional.empty();
        }
        return Optional.of(source + ": the tree head of " + held.size() + " leaves of " + held.log() + " signed at "
                + held.time() + " is consistent with the exported log of " + log.head().size() + " (RFC 9162 2.1.4)");
    }

    /** Whether {@code earlier} is a state of the log; each distinct head is proved once (a batch shares one). */
    private boolean consistent(Log log, TreeHead earlier) {
        return consistentHeads.computeIfAbsent(earlier, h -> proveConsistent(log, h));
    }

    private static boolean proveConsistent(Log log, TreeHead earlier) {
        long size = log.head().size();
        if (earlier.size() > size) {
            return false;
        }
        return MerkleProofs.verifyConsistency(earlier.size(), size, earlier.rootHash(), log.head().rootHash(),
                log.tree().consistencyProof(earlier.size(), size));
    }

    /**
     * Once every record claimed its leaf: the leaves left are the receipts of messages the hub answered but kept no
     * record of, which the manifest counts as {@code dropped} per unit (beyond the per-unit bound); none of those
     * is chained. A leaf left whose receipt is of a chained message, or more leaves left than a unit's dropped
     * messages, is a record removed, named by its unit. Reads the logs again (their receipts are not kept in memory).
     * Returns what the logs hold, for the report.
     */
    String accountFor(Map<String, Long> dropped) throws IOException {
        long unclaimed = 0;
        Map<String, Long> traced = new TreeMap<>();
        for (Log log : logs.values()) {
            unclaimed += log.head().size() - log.claimed().cardinality();
            try (BufferedReader in = Files.newBufferedReader(log.file(), StandardCharsets.US_ASCII)) {
                in.readLine();
                String line;
                for (int index = 0; (line = in.readLine()) != null; index++) {
                    Leaf leaf = log.claimed().get(index) ? null : Leaf.parse(line);
                    if (leaf != null && leaf.receipt() != null) {
                        trace(log, index, leaf.receipt(), traced);
                    }
                }
            }
        }
        long total = dropped.values().stream().mapToLong(Long::longValue).sum();
        traced.forEach((unit, n) -> {
            if (n > dropped.getOrDefault(unit, 0L)) {
                problem.accept("unit " + unit + ": " + n + " receipts of its unchained messages in the hubs' logs"
                        + " answer no record, and the manifest counts " + dropped.getOrDefault(unit, 0L) + " dropped"
                        + " beyond the per-unit bound: its records were removed");
            }
        });
        if (unclaimed != total) {
            problem.accept(unclaimed + " receipts of the hubs' logs answer no record of the export, and the manifest"
                    + " accounts for " + total + " messages dropped beyond the per-unit bound: records were"
                    + " removed");
        }
        StringBuilder s = new StringBuilder();
        logs.forEach((name, log) -> s.append(s.isEmpty() ? "" : "; ").append(name).append(": ")
                .append(log.head().size()).append(" leaves make the tree its head signed at ")
                .append(log.head().time()));
        return logs.size() + " receipt log" + (logs.size() == 1 ? "" : "s") + (logs.isEmpty() ? "" : " (" + s + ")")
                + "; each record's receipt is its own leaf; " + unclaimed + " leaves answer messages not kept ("
                + total + " dropped beyond the per-unit bound), none of them chained";
    }

    /** A leaf no record claims: a chained message removed, or counted against its unit's dropped messages. */
    private void trace(Log log, int index, byte[] leaf, Map<String, Long> traced) {
        Receipt receipt;
        try {
            receipt = MessageCodec.decodeReceipt(leaf);
        } catch (RuntimeException e) {
            problem.accept(log.name() + " leaf " + index + ": not a receipt (" + e.getMessage() + ")");
            return;
        }
        if (receipt.chained()) {
            problem.accept("unit " + receipt.device() + ": its chained message seq " + receipt.seq() + " ("
                    + receipt.msg() + ", " + receipt.status() + " at " + receipt.hubTime() + ") is leaf " + index
                    + " of receipt log " + log.head().log() + " but not in the export: its messages were removed");
        } else {
            traced.merge(receipt.device(), 1L, Long::sum);
        }
    }
}
