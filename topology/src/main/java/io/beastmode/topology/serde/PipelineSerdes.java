package io.beastmode.topology.serde;

import io.beastmode.analytics.v1.DeadLetter;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.serde.BeastSerdes;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.model.Observation;
import io.beastmode.topology.model.Shuffled;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.util.Map;

/**
 * Every serde of the pipeline in one place, so the topology names one at each step and tests produce and read with
 * exactly the same ones. Registry serdes are configured from {@link PipelineConfig#serdeConfigMap()}.
 */
public final class PipelineSerdes {

    private final Map<String, Object> registryConfigs;

    public PipelineSerdes(Map<String, ?> registryConfigs) {
        this.registryConfigs = Map.copyOf(registryConfigs);
    }

    public static PipelineSerdes of(PipelineConfig config) {
        return new PipelineSerdes(config.serdeConfigMap());
    }

    /** Input keys (requestId as the producer wrote it) and raw input values: decoded by hand to catch bad bytes. */
    public Serde<byte[]> bytes() {
        return Serdes.ByteArray();
    }

    /** Dimension keys of the repartition topic and stores, and the metrics topic's record key. */
    public Serde<String> string() {
        return Serdes.String();
    }

    public Serde<Observation> observation() {
        return new ObservationSerde();
    }

    /** Values of the by-dimension repartition topic: observations and upstream watermarks. */
    public Serde<Shuffled> shuffled() {
        return new ShuffledSerde();
    }

    public Serde<WindowAggregate> aggregate() {
        return new WindowAggregateSerde();
    }

    public Serde<WindowMetrics> windowMetrics() {
        return avro(WindowMetrics.class);
    }

    public Serde<DeadLetter> deadLetter() {
        return avro(DeadLetter.class);
    }

    public Serde<RequestEvent> requestEvent() {
        return avro(RequestEvent.class);
    }

    public Serde<CacheEvent> cacheEvent() {
        return avro(CacheEvent.class);
    }

    public Serde<SelectionEvent> selectionEvent() {
        return avro(SelectionEvent.class);
    }

    public Serde<CostEvent> costEvent() {
        return avro(CostEvent.class);
    }

    public Serde<? extends SpecificRecord> event(Observation.Kind kind) {
        return switch (kind) {
            case REQUEST -> requestEvent();
            case CACHE -> cacheEvent();
            case SELECTION -> selectionEvent();
            case COST -> costEvent();
        };
    }

    /** A value serde for a generated Avro class, through the configured registry. */
    public <T extends SpecificRecord> Serde<T> avro(Class<T> type) {
        return BeastSerdes.specific(type, registryConfigs, false);
    }
}
