package org.rts.protocol.reconciliation;

/**
 * Reconciliation rules. Errors refuse transmission on the device and are rejected by the hub as
 * {@code RECONCILIATION_FAILED:<rule>}; warnings are transmitted, flagged and shown to operations.
 */
public enum Rule {
    /** Registered voters on the form differ from the station list in the ballot definition. */
    REGISTERED_MISMATCH(true),
    /** Ballots received differ from unused + spoiled + in box by more than the tolerance. */
    BALLOT_ACCOUNTING(true),
    /** Ballots in the box differ from valid + invalid votes by more than the tolerance percentage. */
    BOX_VS_VOTES(true),
    /** Valid + invalid votes exceed registered voters by more than the tolerance. */
    OVER_VOTING(true),
    /** A turnout report above registered voters. */
    TURNOUT_ABOVE_REGISTERED(true),
    /** A turnout report below the station's previous one. */
    TURNOUT_DECREASING(true),
    /** Invalid ballots at or above the warning percentage of votes counted. */
    INVALID_SHARE_HIGH(false),
    /** No votes counted at all. */
    ZERO_VOTES_CAST(false);

    private final boolean error;

    Rule(boolean error) {
        this.error = error;
    }

    public boolean isError() {
        return error;
    }

    /** The code on the wire: {@code RECONCILIATION_FAILED:<rule>} for errors, the rule name for warnings. */
    public String code() {
        return error ? "RECONCILIATION_FAILED:" + name() : name();
    }
}
