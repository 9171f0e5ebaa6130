package io.beastmode.topology.insight;

import io.beastmode.topology.model.MetricsMapper;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under exactly-once Kafka Streams handles a corrupted task (an aborted transaction) by closing it dirty, wiping its
 * stores, restoring them from the changelog and calling {@code init} again on the same processor objects. What the
 * processor keeps in memory must then be read again from the restored stores, as the window processors do.
 */
class InsightProcessorReviveTest {

    private static final String KEY = "MODEL|m1";

    private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    private final KeyValueStore<String, byte[]> detectors = store(context, InsightProcessor.DETECTORS);
    private final KeyValueStore<String, byte[]> engine = store(context, InsightProcessor.ENGINE);

    private static KeyValueStore<String, byte[]> store(MockProcessorContext<String, SpecificRecord> context,
                                                       String name) {
        KeyValueStore<String, byte[]> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        s.init(context.getStateStoreContext(), s);
        context.addStateStore(s);
        return s;
    }

    private static Record<String, InsightInput> window(int minute) {
        var snapshot = W.minute(minute).requests(600, 6, 800).cost(600, 1.2).build();
        return new Record<>(KEY, InsightInput.of(MetricsMapper.toWindowMetrics(KEY, snapshot, true,
                InsightFixture.NOW)), W.end(minute));
    }

    private static Map<String, String> contents(KeyValueStore<String, byte[]> s) {
        Map<String, String> out = new TreeMap<>();
        try (KeyValueIterator<String, byte[]> it = s.all()) {
            it.forEachRemaining(kv -> out.put(kv.key, HexFormat.of().formatHex(kv.value)));
        }
        return out;
    }

    private static void wipe(KeyValueStore<String, byte[]> s) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = s.all()) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        keys.forEach(s::delete);
    }

    @Test
    void aRevivedProcessorReadsItsStateFromTheRestoredStoresAgain() {
        InsightProcessor p = new InsightProcessor(InsightConfig.defaults(), () -> InsightFixture.NOW);
        p.init(context);
        p.process(window(0));
        Map<String, String> engineAfterOneWindow = contents(engine);
        Map<String, String> detectorsAfterOneWindow = contents(detectors);
        assertThat(engineAfterOneWindow).isNotEmpty();

        // The transaction of windows 1 and 2 aborts: the task is closed dirty, its stores restored to what the
        // changelog holds (window 0 only), the processor initialised again, and the records read again from window 1.
        p.process(window(1));
        p.process(window(2));
        p.close();
        wipe(engine);
        wipe(detectors);
        engineAfterOneWindow.forEach((k, v) -> engine.put(k, HexFormat.of().parseHex(v)));
        detectorsAfterOneWindow.forEach((k, v) -> detectors.put(k, HexFormat.of().parseHex(v)));
        p.init(context);
        p.process(window(1));

        // The same as a processor that saw windows 0 and 1 once each (not one that remembers window 2).
        MockProcessorContext<String, SpecificRecord> cleanContext = new MockProcessorContext<>();
        KeyValueStore<String, byte[]> cleanDetectors = store(cleanContext, InsightProcessor.DETECTORS);
        KeyValueStore<String, byte[]> cleanEngine = store(cleanContext, InsightProcessor.ENGINE);
        InsightProcessor clean = new InsightProcessor(InsightConfig.defaults(), () -> InsightFixture.NOW);
        clean.init(cleanContext);
        clean.process(window(0));
        clean.process(window(1));

        assertThat(contents(engine)).isEqualTo(contents(cleanEngine));
        assertThat(contents(detectors)).isEqualTo(contents(cleanDetectors));
    }
}
