package org.rts.hub.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.rts.hub.HubException;

/** Makes the election's reports topic when it is not there: replicated on three nodes, two in sync to write. */
final class ReportsTopic {
    private ReportsTopic() {
    }

    /** Returns once the topic exists; throws naming the cause when the cluster does not answer in 30 s. */
    static void ensure(KafkaFeed feed, String topic) {
        try (Admin admin = Admin.create(feed.with(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000")))) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            int nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            short replicas = (short) Math.min(3, nodes);
            NewTopic t = new NewTopic(topic, feed.partitions(), replicas).configs(Map.of(
                    "min.insync.replicas", Integer.toString(Math.min(2, replicas)),
                    "unclean.leader.election.enable", "false"));
            admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new HubException("cannot make the Kafka topic " + topic + ": " + e.getCause());
            }
        } catch (TimeoutException e) {
            throw new HubException("the Kafka cluster at " + feed.client().getProperty("bootstrap.servers")
                    + " did not answer in 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("interrupted while making the Kafka topic " + topic);
        }
    }
}
