package io.beastmode.cli;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RecordFormatTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void windowedMetricKeysShowStartAndEnd() {
        assertThat(RecordFormat.key(b("MODEL|gpt-4o|60000@1764138360000")))
                .isEqualTo("[MODEL|gpt-4o@1764138360000/1764138420000]");
        // The dimension key may contain '|' itself; only the trailing size@start is the window.
        assertThat(RecordFormat.key(b("REQUEST_TYPE_MODEL|code|gpt-4o|300000@0")))
                .isEqualTo("[REQUEST_TYPE_MODEL|code|gpt-4o@0/300000]");
        assertThat(RecordFormat.key(b("r-1"))).isEqualTo("r-1");
        assertThat(RecordFormat.key(null)).isEqualTo("<null>");
    }

    @Test
    void printLineIsKsqlDbForm() {
        ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("t", 2, 7L, 1_764_138_392_150L,
                TimestampType.CREATE_TIME, 3, 5, b("k"), b("v"), new RecordHeaders(), Optional.empty());
        assertThat(RecordFormat.line(r, new RecordFormat.Decoded("{\"a\": 1}", null)))
                .isEqualTo("rowtime: 2025/11/26 06:26:32.150 Z, key: k, value: {\"a\": 1}, partition: 2");
        assertThat(RecordFormat.line(r, new RecordFormat.Decoded(null, "truncated")))
                .isEqualTo("rowtime: 2025/11/26 06:26:32.150 Z, key: k, value: <Failed to deserialize> (truncated), "
                        + "partition: 2");
        assertThat(RecordFormat.json(r, new RecordFormat.Decoded("{\"a\": 1}", null)))
                .isEqualTo("{\"topic\":\"t\",\"partition\":2,\"offset\":7,\"timestamp\":1764138392150,\"key\":\"k\","
                        + "\"value\":{\"a\":1}}");
    }
}
