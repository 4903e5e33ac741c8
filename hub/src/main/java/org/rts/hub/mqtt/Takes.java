package org.rts.hub.mqtt;

/** Which of the units' topics a connection takes (besides its own probe). */
public enum Takes {
    /** A hub on its broker. */
    REPORTS_AND_HEALTH,
    /** A bridge: the reports go on to Kafka. */
    REPORTS,
    /** A Kafka-fed hub on one edge: the units' health, and the receipts out. */
    HEALTH
}
