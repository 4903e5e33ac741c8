package org.rts.protocol.message;

/**
 * Stable reason codes the hub puts in a rejection. Reconciliation failures are sent as
 * {@code RECONCILIATION_FAILED:<rule>} (see {@code org.rts.protocol.reconciliation.Rule}).
 *
 * <p>Codes up to {@link #TOPIC_MISMATCH} and the three sequence codes are answered before the message joins its
 * device's chain ({@link Receipt#chained()} false): the device may send it again once the cause is mended. The
 * others reject the content of a chained message, which is final.
 */
public enum Reason {
    /** Not a JWS compact message, not canonical, not JSON, or a field missing or of the wrong type. */
    MALFORMED,
    /** Larger than the hub accepts (64 KiB). */
    PAYLOAD_TOO_LARGE,
    /** The signature does not verify with the certificate the message names. */
    SIGNATURE_INVALID,
    /** The message names a certificate the election CA did not issue (or the hub does not know). */
    CERTIFICATE_UNTRUSTED,
    /** The certificate was revoked. */
    DEVICE_REVOKED,
    /** Device id differs between topic, JWS header, payload and certificate. */
    DEVICE_MISMATCH,
    /** The station in the message is not the one the device's certificate is bound to. */
    STATION_MISMATCH,
    /** The election id is not the one this hub serves. */
    ELECTION_UNKNOWN,
    /** A drill message for a live election, or the reverse. */
    MODE_MISMATCH,
    /** The report's kind does not match the topic it arrived on. */
    TOPIC_MISMATCH,
    /** A sequence number the device already used, with other content. */
    SEQUENCE_REPLAY,
    /** A sequence number beyond the next expected one. */
    SEQUENCE_GAP,
    /** The next sequence number, but its {@code prev} is not the hash of the device's previous message. */
    CHAIN_BROKEN,
    /** A race the ballot definition does not have. */
    RACE_UNKNOWN,
    /** A race of the election that the station does not vote in (another constituency's, or not on its list). */
    RACE_NOT_ON_BALLOT,
    /** A station the ballot definition does not have. */
    STATION_UNKNOWN,
    /** More vote counts than the race has candidates. */
    CANDIDATE_UNKNOWN,
    /** Fewer vote counts than the race has candidates. */
    VOTES_INCOMPLETE,
    /** A count below zero or above any station's possible size. */
    COUNT_OUT_OF_RANGE,
    /** The time on the report is further ahead of the hub's clock than the election allows. */
    TIME_IN_FUTURE,
    /** A result counted, or received by the hub, before the polls closed: a count cannot be complete before. */
    RESULT_BEFORE_CLOSE,
    /** A different result for a station and race that already has an accepted one; kept for review. */
    CONFLICT,
    /** Prefix of {@code RECONCILIATION_FAILED:<rule>}. */
    RECONCILIATION_FAILED;

    /** Whether a rejection for this reason leaves the message out of the device's chain. */
    public boolean beforeChain() {
        return ordinal() <= CHAIN_BROKEN.ordinal();
    }
}
