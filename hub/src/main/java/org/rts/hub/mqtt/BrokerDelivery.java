package org.rts.hub.mqtt;

/** A message and the means to acknowledge it on the connection that delivered it. */
record BrokerDelivery(String topic, byte[] payload, long connection, int messageId, int qos, HubMqtt via)
        implements org.rts.hub.admission.Delivery {
    /** Acknowledges to the broker, if the connection that delivered it is still the current one. */
    @Override
    public void ack() {
        via.acknowledge(this);
    }

    /** Publishes {@code receipt} on {@code topic}, then acknowledges this message once the broker has it. */
    @Override
    public void answer(String topic, byte[] receipt) {
        via.answer(this, topic, receipt);
    }
}
