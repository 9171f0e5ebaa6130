package io.beastmode.serde;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import java.util.HashMap;
import java.util.Map;

/** Configured serdes in one call, e.g. {@code BeastSerdes.specific(RequestEvent.class, configs, false)}. */
public final class BeastSerdes {

    private BeastSerdes() {
    }

    /** A serde for the generated class {@code type}, configured with {@code configs} ({@link BeastSerdeConfig} keys). */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, Map<String, ?> configs, boolean isKey) {
        BeastAvroSerde<T> serde = new BeastAvroSerde<>(type);
        serde.configure(configs, isKey);
        return serde;
    }

    /** A serde for generic records in the writer's schema (whatever {@code specific.avro.reader} says). */
    public static Serde<GenericRecord> generic(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> genericConfigs = new HashMap<>(configs);
        genericConfigs.put(BeastSerdeConfig.SPECIFIC_AVRO_READER, false);
        BeastAvroSerde<GenericRecord> serde = new BeastAvroSerde<>();
        serde.configure(genericConfigs, isKey);
        return serde;
    }
}
