package org.rts.hub.mqtt;

import java.lang.reflect.Field;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.internal.MqttConnectionState;

/**
 * Stops Paho from replacing the topic of what a client publishes by an MQTT v5 topic alias. Paho 1.2.5 assigns an
 * outgoing alias before it checks its in-flight window, and without a lock ({@code ClientState.send}): a publish
 * refused as "too many publishes in progress" leaves the alias unknown to the broker, and the next publish on that
 * topic carries the alias alone, which the broker answers by closing the connection (Mosquitto logs "disconnected
 * due to protocol error"); two threads publishing at once can give one alias to two topics. No option turns it off:
 * the broker's CONNACK sets the maximum, so this resets it after each connect, before the first publish.
 */
public final class TopicAliases {
    private static final Field CONNECTION_STATE;

    static {
        try {
            CONNECTION_STATE = MqttAsyncClient.class.getDeclaredField("mqttConnection");
            CONNECTION_STATE.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("this Paho version keeps its connection state elsewhere: check"
                    + " whether it still assigns topic aliases before its in-flight check (" + e + ")");
        }
    }

    private TopicAliases() {
    }

    /** Publishes of {@code client} on its current connection carry their topic name, never an alias. */
    public static void disable(MqttAsyncClient client) {
        try {
            ((MqttConnectionState) CONNECTION_STATE.get(client)).setOutgoingTopicAliasMaximum(0);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot turn off Paho's topic aliases: " + e, e);
        }
    }
}
