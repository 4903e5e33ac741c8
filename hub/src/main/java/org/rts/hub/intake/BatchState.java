package org.rts.hub.intake;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.rts.protocol.merkle.ReceiptLog;
import org.rts.protocol.message.ChainPosition;

/**
 * What the store holds for a batch's keys, read inside the batch's transaction (with the devices' and stations'
 * rows locked where the database has row locks), and brought up to date as the batch decides message after
 * message. Not thread-safe: the one ordered stage uses it.
 */
public final class BatchState {
    private final Map<String, ChainPosition> heads;
    private final Map<String, byte[]> receipts;
    private final Map<String, Integer> maxTurnout;
    private final Map<String, AcceptedResult> results;
    private final long logSize;
    private final ReceiptLog.Leaves leaves;

    /**
     * {@code logSize} is how many leaves the store holds in the batch's receipt log, and {@code leaves} reads them
     * in the batch's transaction.
     */
    public BatchState(Map<String, ChainPosition> heads, Map<String, byte[]> receipts, Map<String, Integer> maxTurnout,
                      Map<String, AcceptedResult> results, long logSize, ReceiptLog.Leaves leaves) {
        this.heads = new HashMap<>(heads);
        this.receipts = new HashMap<>(receipts);
        this.maxTurnout = new HashMap<>(maxTurnout);
        this.results = new HashMap<>(results);
        this.logSize = logSize;
        this.leaves = leaves;
    }

    /** Leaves the store holds in the batch's receipt log. */
    public long logSize() {
        return logSize;
    }

    public ReceiptLog.Leaves leaves() {
        return leaves;
    }

    /** The device's last chained message, or {@link ChainPosition#START}. */
    public ChainPosition head(String device) {
        return heads.getOrDefault(device, ChainPosition.START);
    }

    /** The receipt a chained message with this hash got, for an identical resend. */
    public Optional<byte[]> chainedReceipt(String hash) {
        return Optional.ofNullable(receipts.get(hash));
    }

    /** The station's highest accepted turnout so far. */
    public OptionalInt maxTurnout(String station) {
        Integer v = maxTurnout.get(station);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v);
    }

    /** The first accepted result of a station for a race. */
    public Optional<AcceptedResult> result(String station, String race) {
        return Optional.ofNullable(results.get(station + "\n" + race));
    }

    /** A message joined its device's chain (and got {@code receipt}). */
    public void chained(String device, long seq, String hash, byte[] receipt) {
        heads.put(device, new ChainPosition(seq, hash));
        receipts.put(hash, receipt);
    }

    public void turnoutAccepted(String station, int voters) {
        maxTurnout.merge(station, voters, Math::max);
    }

    public void resultAccepted(AcceptedResult result) {
        results.putIfAbsent(result.station() + "\n" + result.race(), result);
    }

    public static String resultKey(String station, String race) {
        return station + "\n" + race;
    }
}
