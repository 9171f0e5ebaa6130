package io.beastmode.topology;

import io.beastmode.analytics.v1.DeadLetter;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.telemetry.v1.RequestEvent;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.beastmode.topology.MetricsTopologyTest.header;
import static io.beastmode.topology.TestEvents.cost;
import static io.beastmode.topology.TestEvents.request;
import static io.beastmode.topology.TopologyFixture.MIN;
import static io.beastmode.topology.TopologyFixture.NOW;
import static io.beastmode.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad input of every kind lands in the DLQ with its reason and source coordinates; good input around it counts. */
class DeadLetterRoutingTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyKindOfBadInputIsADeadLetterAndProcessingContinues() throws Exception {
        try (TopologyFixture f = new TopologyFixture()) {
            byte[] goodBytes = f.serdes.requestEvent().serializer()
                    .serialize(f.config.topics().requests(), request(T0, "code", "m", 1).build());
            // offset 0: valid
            f.send(request(T0 + 1_000, "code", "m", 100).build());
            // offset 1: not the wire format's magic byte
            f.rawRequests.pipeInput(utf8("k-magic"), utf8("{\"json\": true}"), T0);
            // offset 2: magic byte, then a schema id the registry never issued
            f.rawRequests.pipeInput(utf8("k-unknown"), new byte[]{0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 4, 6}, T0);
            // offset 3: a real record cut short
            byte[] truncated = java.util.Arrays.copyOf(goodBytes, goodBytes.length - 6);
            f.rawRequests.pipeInput(utf8("k-truncated"), truncated, T0);
            // offset 4: valid
            f.send(request(T0 + 2_000, "code", "m", 200).build());
            // offsets 5..10: decoded but invalid
            f.send(request(T0 + 3_000, "code", "m", -5).setRequestId("k-negative").build());
            f.send(request(T0 + 3_000, "code", "m", Double.NaN).setRequestId("k-nan").build());
            f.send(request(T0 + 3_000, "code", "m", 10).setTimeToFirstTokenMs(Double.POSITIVE_INFINITY)
                    .setRequestId("k-ttft").build());
            f.send(request(T0 + 3_000, "code", "m", 10).setTenant("").setRequestId("k-tenant").build());
            f.send(request(NOW + 16 * MIN, "code", "m", 10).setRequestId("k-future").build());
            f.send(request(Instant.parse("2014-12-31T23:59:59Z").toEpochMilli(), "code", "m", 10)
                    .setRequestId("k-past").build());
            // offset 11: tombstone
            f.rawRequests.pipeInput(utf8("k-null"), null, T0);
            // offset 12: valid, right at the skew limit (now + 15 min is still accepted)... but in its own window
            f.send(request(T0 + 4_000, "code", "m", 300).build());
            // cost topic offset 0: negative cost
            f.send(cost(T0 + 5_000, "acme", "m", -0.01, null).setRequestId("k-cost").build());
            f.flushTo(T0 + MIN + 30_000);

            List<TestRecord<byte[], DeadLetter>> dlq = f.drainDlq();
            Map<String, String> expected = new java.util.LinkedHashMap<>();
            expected.put("k-magic", "bad-magic-byte");
            expected.put("k-unknown", "unknown-schema-id");
            expected.put("k-truncated", "truncated");
            expected.put("k-negative", "invalid-latency");
            expected.put("k-nan", "invalid-latency");
            expected.put("k-ttft", "invalid-latency");
            expected.put("k-tenant", "missing-field");
            expected.put("k-future", "event-time-out-of-range");
            expected.put("k-past", "event-time-out-of-range");
            expected.put("k-null", "null-value");
            expected.put("k-cost", "invalid-cost");
            assertThat(dlq).extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(expected.keySet());
            long[] offsets = {1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 0};
            for (int i = 0; i < dlq.size(); i++) {
                TestRecord<byte[], DeadLetter> r = dlq.get(i);
                String key = new String(r.key(), StandardCharsets.UTF_8);
                String reason = expected.get(key);
                String topic = key.equals("k-cost") ? f.config.topics().cost() : f.config.topics().requests();
                assertThat(r.value().getReason()).as(key).isEqualTo(reason);
                assertThat(header(r, "beast.dlq.reason")).as(key).isEqualTo(reason);
                assertThat(header(r, "beast.source.topic")).as(key).isEqualTo(topic);
                assertThat(header(r, "beast.source.partition")).as(key).isEqualTo("0");
                assertThat(header(r, "beast.source.offset")).as(key).isEqualTo(Long.toString(offsets[i]));
                assertThat(r.value().getSourceTopic()).isEqualTo(topic);
                assertThat(r.value().getSourceOffset()).isEqualTo(offsets[i]);
                assertThat(r.value().getOriginalKey()).isEqualTo(ByteBuffer.wrap(r.key()));
                assertThat(r.value().getFailedAt()).isEqualTo(NOW);
                assertThat(r.value().getMessage()).isNotBlank();
            }
            DeadLetter magic = dlq.get(0).value();
            assertThat(magic.getOriginalValue()).isEqualTo(ByteBuffer.wrap(utf8("{\"json\": true}")));
            assertThat(dlq.get(9).value().getOriginalValue()).isNull();

            assertThat(f.metrics.deadLetters()).containsEntry("invalid-latency", 3L)
                    .containsEntry("event-time-out-of-range", 2L).containsEntry("bad-magic-byte", 1L);
            assertThat(f.metrics.totalDeadLetters()).isEqualTo(11);
            assertThat(f.metrics.eventsIn()).containsEntry("request", 14L).containsEntry("cost", 1L);
            // Kafka Streams metric per reason.
            double streamsCount = f.driver.metrics().values().stream()
                    .filter(m -> m.metricName().name().equals("dead-letters-total"))
                    .filter(m -> "invalid-latency".equals(m.metricName().tags().get("beast-dlq-id")))
                    .mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).sum();
            assertThat(streamsCount).isEqualTo(3.0);

            // The three valid requests (100, 200, 300) are all counted.
            WindowMetrics all = f.drainMetrics().get("ALL|*|" + MIN + "@" + T0);
            assertThat(all.getRequests().getCount()).isEqualTo(3);
            assertThat(all.getLatency().getMax()).isEqualTo(300);
            assertThat(all.getCost()).isNull();
        }
    }

    @Test
    void eventsWithinTheFutureSkewAreAccepted() throws Exception {
        try (TopologyFixture f = new TopologyFixture()) {
            RequestEvent edge = request(NOW + 15 * MIN, "code", "m", 10).build();
            f.send(edge);
            assertThat(f.drainDlq()).isEmpty();
            assertThat(f.metrics.eventsValid()).containsEntry("request", 1L);
        }
    }
}
