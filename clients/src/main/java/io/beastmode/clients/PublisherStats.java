package io.beastmode.clients;

import java.util.Map;

/**
 * Counters of a publisher at one moment, in total and per topic. {@code sent} counts records the broker
 * acknowledged, {@code failed} sends that ended in an error (serialization, broker, timeout), {@code rejected} events
 * refused by validation before send.
 */
public record PublisherStats(long sent, long failed, long rejected, Map<String, Long> sentByTopic,
                             Map<String, Long> failedByTopic) {
    public long sent(String topic) {
        return sentByTopic.getOrDefault(topic, 0L);
    }

    public long failed(String topic) {
        return failedByTopic.getOrDefault(topic, 0L);
    }

    /** Sends still waiting for the broker's answer. */
    public long inFlight(long published) {
        return published - sent - failed;
    }
}
