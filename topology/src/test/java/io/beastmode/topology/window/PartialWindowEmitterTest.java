package io.beastmode.topology.window;

import io.beastmode.processors.metrics.RequestObservation;
import io.beastmode.topology.model.Decoded;
import io.beastmode.topology.model.DimensionKeys;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.model.Shuffled;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The combining half of {@link PartialWindowEmitter}, on a mock context (the commit hook is called directly). */
class PartialWindowEmitterTest {

    private static final long MIN = 60_000L;
    private static final long T0 = 1_704_067_200_000L; // 2024-01-01T00:00:00Z
    private static final long GRACE = 30_000L;
    private static final List<String> KEYS = List.of(DimensionKeys.ALL, "MODEL|m1", "TENANT|acme");

    private MockProcessorContext<String, Shuffled> context;
    private CommitHookStore hook;
    private KeyValueStore<Integer, Long> sent;
    private long offset;

    @BeforeEach
    void setUp() {
        context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(1_000_000L);
        hook = new CommitHookStore("hook");
        sent = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("sent"), Serdes.Integer(), Serdes.Long())
                .withLoggingDisabled().build();
        sent.init(context.getStateStoreContext(), sent);
        context.addStateStore(hook);
        context.addStateStore(sent);
    }

    private PartialWindowEmitter started() {
        return started(Duration.ofHours(1), List.of("requests"));
    }

    private PartialWindowEmitter started(Duration idle, List<String> inputTopics) {
        PartialWindowEmitter emitter = new PartialWindowEmitter(GRACE, MIN, Duration.ofMillis(100),
                idle.toMillis(), 0.02, inputTopics, InputBacklog.EVERY_TOPIC, "hook", "sent");
        emitter.init(context);
        return emitter;
    }

    private void event(PartialWindowEmitter emitter, long t) {
        event(emitter, "requests", t);
    }

    private void event(PartialWindowEmitter emitter, String topic, long t) {
        context.setRecordMetadata(topic, 0, offset++);
        Observation o = Observation.of(new RequestObservation(t, "acme", "code", "m1", false, null, 200.0, null, 10, 10))
                .withProvenance(new Observation.Provenance("requests", 0, offset, t, null));
        emitter.process(new Record<>(null, Decoded.valid(o, KEYS), t));
    }

    private List<Record<String, Shuffled>> drain() {
        List<Record<String, Shuffled>> out = context.forwarded().stream()
                .map(f -> new Record<String, Shuffled>(f.record().key(), f.record().value(), f.record().timestamp()))
                .toList();
        context.resetForwards();
        return out;
    }

    @Test
    void eventsOfAnOpenWindowAreHeldAndSentAsOnePartialPerKeyBeforeTheCommit() {
        PartialWindowEmitter emitter = started();
        event(emitter, T0 + 40_000);
        List<Record<String, Shuffled>> first = drain();
        assertThat(first).as("the first event after start goes out uncombined, then a watermark").hasSize(4);
        assertThat(first.subList(0, 3)).allMatch(r -> r.value().observation() != null);
        assertThat(first.get(0).value().observation().provenance()).as("ALL copy keeps provenance").isNotNull();
        assertThat(first.get(3).value().watermark().watermarkMs()).isEqualTo(T0 + 10_000);

        for (int i = 0; i < 5; i++) {
            event(emitter, T0 + 41_000 + i);
        }
        assertThat(drain()).as("held until the commit").isEmpty();

        hook.flushCache();
        List<Record<String, Shuffled>> partials = drain();
        assertThat(partials).extracting(Record::key).containsExactlyInAnyOrderElementsOf(KEYS);
        for (Record<String, Shuffled> r : partials) {
            assertThat(r.value().partial().windowStartMs()).isEqualTo(T0);
            assertThat(r.value().partial().observations()).isEqualTo(5);
            assertThat(r.value().partial().aggregate().requestCount()).isEqualTo(5);
            assertThat(r.timestamp()).isEqualTo(T0);
        }
        hook.flushCache();
        assertThat(drain()).as("nothing twice").isEmpty();
    }

    @Test
    void aWatermarkPassingAWindowGoesOutAfterThatWindowsPartialsAndLeavesLaterWindowsHeld() {
        PartialWindowEmitter emitter = started();
        event(emitter, T0 + 40_000);
        drain();
        event(emitter, T0 + 50_000);           // window T0, held
        event(emitter, T0 + MIN + 10_000);     // window T0+1m, held; watermark T0+40s: no boundary crossed
        assertThat(drain()).isEmpty();

        event(emitter, T0 + MIN + 40_000);     // watermark T0+1m10s passes the end of window T0
        List<Record<String, Shuffled>> out = drain();
        assertThat(out).hasSize(4);
        assertThat(out.subList(0, 3)).allMatch(r -> r.value().isPartial()
                && r.value().partial().windowStartMs() == T0 && r.value().partial().observations() == 1);
        assertThat(out.get(3).value().watermark().watermarkMs()).isEqualTo(T0 + MIN + 10_000);

        hook.flushCache();
        assertThat(drain()).hasSize(3).allMatch(r -> r.value().partial().windowStartMs() == T0 + MIN
                && r.value().partial().observations() == 2);
    }

    @Test
    void anEventAtOrBehindTheWatermarkSentGoesOutUncombinedAlsoAfterARestart() {
        PartialWindowEmitter emitter = started();
        event(emitter, T0 + 3 * MIN);          // watermark T0+2m30s
        drain();
        event(emitter, T0 + 10_000);           // window T0 ended before the watermark: downstream may have closed it
        assertThat(drain()).hasSize(3).allMatch(r -> r.value().observation() != null);
        assertThat(sent.get(0)).isEqualTo(T0 + 3 * MIN - GRACE);

        // A restarted task knows its watermark from the store, and announces itself before it combines again.
        emitter.close();
        PartialWindowEmitter restarted = started();
        event(restarted, T0 + 2 * MIN + 10_000);
        List<Record<String, Shuffled>> out = drain();
        assertThat(out).hasSize(4);
        assertThat(out.subList(0, 3)).allMatch(r -> r.value().observation() != null);
        assertThat(out.get(3).value().watermark().watermarkMs()).isEqualTo(T0 + 3 * MIN - GRACE);
        event(restarted, T0 + 3 * MIN + 10_000);
        assertThat(drain()).isEmpty();
        hook.flushCache();
        assertThat(drain()).hasSize(3).allMatch(r -> r.value().isPartial());
    }

    @Test
    void anInputTopicNotSeenYetHoldsTheWatermarkUntilItShowsUp() {
        PartialWindowEmitter emitter = started(Duration.ofHours(1), List.of("requests", "cost"));
        event(emitter, T0 + 40_000);
        List<Record<String, Shuffled>> first = drain();
        assertThat(first).hasSize(4);
        assertThat(first.get(3).value().watermark().watermarkMs()).as("running, no watermark yet")
                .isEqualTo(Long.MIN_VALUE);

        // Requests race three windows ahead while the cost topic has not been fetched: nothing may close.
        event(emitter, T0 + 3 * MIN);
        assertThat(drain()).as("combined, and no watermark").isEmpty();
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(1_000_050L);
        assertThat(drain()).as("the punctuation sends none either").isEmpty();

        // The cost topic's first record is old: its window is still open downstream, so it is combined, not late.
        event(emitter, "cost", T0 + 10_000);
        List<Record<String, Shuffled>> out = drain();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).value().watermark().watermarkMs()).isEqualTo(T0 + 10_000 - GRACE);
        hook.flushCache();
        assertThat(drain()).hasSize(6).allMatch(r -> r.value().isPartial());
    }

    @Test
    void anInputTopicSilentSinceInitStopsHoldingTheWatermarkAfterTheIdleTime() {
        PartialWindowEmitter emitter = started(Duration.ofSeconds(5), List.of("requests", "cost"));
        event(emitter, T0 + 3 * MIN);
        drain();
        long wall = 1_000_000L;
        var punctuator = context.scheduledPunctuators().get(0).getPunctuator();
        for (int i = 0; i < 2; i++) {
            wall += 2_000;
            context.setCurrentSystemTimeMs(wall);
            event(emitter, T0 + 3 * MIN + i); // the request topic stays active
            punctuator.punctuate(wall);
        }
        assertThat(drain()).as("4 s of 5: still held").isEmpty();
        wall += 2_000;
        context.setCurrentSystemTimeMs(wall);
        event(emitter, T0 + 3 * MIN + 5);
        List<Record<String, Shuffled>> out = drain();
        assertThat(out).last().satisfies(r ->
                assertThat(r.value().watermark().watermarkMs()).isEqualTo(T0 + 3 * MIN + 5 - GRACE));
    }
}
