package org.rts.hub.admission;

/**
 * One message from the hub's source (the broker today), with the means to answer and acknowledge it. Nothing is
 * acknowledged before it is stored: the source delivers an unacknowledged message again.
 */
public interface Delivery {
    String topic();

    byte[] payload();

    /**
     * The connection it came on, increasing: when one of a connection's messages is refused, every later one of
     * that connection is refused too, so that no unit's later message overtakes an earlier one. Negative: a
     * message of no connection (relayed from a phone), refused alone.
     */
    long connection();

    /**
     * The way it came, recorded with the message: {@code mqtt} (the broker), {@code mqtt:<edge>} (an edge of a
     * national deployment, through Kafka), {@code usb} (a stick carried to a district centre).
     */
    default String path() {
        return "mqtt";
    }

    /** Acknowledges it without an answer (dropped, or given up on: its unit sends it again). */
    void ack();

    /** Publishes {@code receipt} on {@code topic}, then acknowledges this message once the source has it. */
    void answer(String topic, byte[] receipt);
}
