package org.rts.hub.intake;

import java.util.List;
import java.util.function.Function;

/** Where the intake keeps its decisions: what a batch needs to be decided, and the batch written at once. */
public interface IntakeStore {
    /**
     * Decides and writes one batch in one transaction: locks and reads what {@code keys} name, hands it to
     * {@code decide}, writes the decisions and the log's leaves it returns and commits. Returns the decisions once
     * they are on disk.
     */
    List<Decision> commitBatch(String election, BatchKeys keys, Function<BatchState, Batch> decide);
}
