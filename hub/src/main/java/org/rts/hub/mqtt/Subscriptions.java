package org.rts.hub.mqtt;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.rts.hub.HubException;
import org.rts.protocol.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a hub's incoming connection subscribes to, and how a refusal is told. */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(HubMqtt.class);

    private Subscriptions() {
    }

    /**
     * Subscribes the incoming connection to what {@code settings} take, then to the hub's probe topic and the
     * photos' topic, each alone, so that an older ACL refusing either still lets the reports in. Returns whether
     * the probe was granted.
     */
    static boolean subscribe(MqttAsyncClient c, HubMqtt.Settings settings) throws MqttException {
        // reports are shared among the hubs of a group; every hub hears every unit's health, so each knows them all
        List<String> filters = new ArrayList<>();
        if (settings.takes() != Takes.HEALTH) {
            Topics.reportFilters(settings.election()).forEach(filter -> filters.add(settings.shareGroup() == null
                    ? filter : "$share/" + settings.shareGroup() + "/" + filter));
        }
        if (settings.takes() != Takes.REPORTS) {
            filters.addAll(Topics.healthFilters(settings.election()));
        }
        MqttSubscription[] subscriptions = filters.stream()
                .map(filter -> new MqttSubscription(filter, 1)).toArray(MqttSubscription[]::new);
        IMqttToken token = c.subscribe(subscriptions, null, null, (MqttProperties) null);
        token.waitForCompletion(15_000);
        int[] codes = token.getReasonCodes();
        for (int i = 0; codes != null && i < codes.length; i++) {
            if (codes[i] > 2) {
                throw new MqttException(codes[i], new HubException("the broker refused the subscription to "
                        + subscriptions[i].getTopic() + " (reason " + codes[i] + "): check the hub's ACL entry"));
            }
        }
        int probeCode = granted(c, settings.probeTopic(), 1);
        boolean probing = probeCode <= 2;
        if (!probing) {
            LOG.warn("the broker refused the probe topic {} (reason {}): the hub cannot check that deliveries still"
                    + " flow; write the broker configuration again with 'provisioning broker'",
                    settings.probeTopic(), probeCode);
        }
        // the photos' pieces at QoS 0: each is answered and sent again unanswered, so the broker never queues them
        // for a hub away; hubs that share the units (a group, or Kafka-fed hubs on one edge) share them too
        String photoGroup = settings.shareGroup() != null ? settings.shareGroup()
                : settings.takes() == Takes.HEALTH ? "rts-photos" : null;
        String photos = (photoGroup == null ? "" : "$share/" + photoGroup + "/")
                + Topics.photoFilter(settings.election());
        if (settings.takes() != Takes.REPORTS && granted(c, photos, 0) > 2) {
            LOG.warn("the broker refused the topic of the forms' photos (an older ACL): the photos cannot reach this"
                    + " hub; write the broker configuration again with 'provisioning broker'");
        }
        LOG.info("subscribed at {} as {}", settings.brokerUrl(), settings.clientId());
        return probing;
    }

    /** Subscribes to {@code topic} alone; returns the broker's reason code (above 2: refused). */
    private static int granted(MqttAsyncClient c, String topic, int qos) throws MqttException {
        IMqttToken token = c.subscribe(new MqttSubscription[] {new MqttSubscription(topic, qos)}, null, null,
                (MqttProperties) null);
        token.waitForCompletion(15_000);
        int[] codes = token.getReasonCodes();
        return codes == null || codes.length == 0 ? 0 : codes[0];
    }
}
