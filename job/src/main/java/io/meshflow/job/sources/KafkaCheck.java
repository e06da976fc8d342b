package io.meshflow.job.sources;

import io.meshflow.job.config.KafkaSettings;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks, before the job is submitted, that the broker answers and the topic exists. Flink's Kafka
 * source would otherwise wait and restart without end; a user starting the job wants one clear line
 * instead.
 */
public final class KafkaCheck {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private KafkaCheck() {}

    /** Throws {@link KafkaUnavailableException} saying which and why. */
    public static void verify(KafkaSettings settings) {
        String servers = settings.bootstrapServers();
        String topic = settings.topic();
        Properties properties = settings.clientProperties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        // Only consumer settings may have been given; the admin client warns about the rest,
        // harmlessly.
        try (Admin admin = Admin.create(properties)) {
            admin.describeTopics(
                            List.of(topic),
                            new DescribeTopicsOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .allTopicNames()
                    .get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                throw new KafkaUnavailableException(
                        "Kafka topic '" + topic + "' does not exist at " + servers);
            }
            throw new KafkaUnavailableException(
                    "cannot reach Kafka at " + servers + ": " + cause.getMessage());
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException(
                    "cannot reach Kafka at "
                            + servers
                            + ": no answer in "
                            + TIMEOUT.toSeconds()
                            + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while checking Kafka at " + servers);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new KafkaUnavailableException(
                    "cannot use Kafka at " + servers + ": " + e.getMessage());
        }
    }

    /** The broker or the topic cannot be used: the message is the one line the user sees. */
    public static final class KafkaUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public KafkaUnavailableException(String message) {
            super(message);
        }
    }
}
