package io.beastmode.serde;

import io.beastmode.registry.SchemaRegistryClient;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/** {@link BeastAvroSerializer} and {@link BeastAvroDeserializer} as one Kafka Streams {@link Serde}. */
public class BeastAvroSerde<T> implements Serde<T> {
    private final BeastAvroSerializer<T> serializer;
    private final BeastAvroDeserializer<T> deserializer;

    /** Generic records (or, with {@code specific.avro.reader=true}, the classes named by the writer schemas). */
    public BeastAvroSerde() {
        this(null, null);
    }

    /** Records of the generated class {@code type}. */
    public BeastAvroSerde(Class<T> type) {
        this(null, type);
    }

    /** Uses {@code client} (which the caller closes) instead of one built from the configs. */
    public BeastAvroSerde(SchemaRegistryClient client, Class<T> type) {
        this.serializer = client == null ? new BeastAvroSerializer<>() : new BeastAvroSerializer<>(client);
        this.deserializer = new BeastAvroDeserializer<>(client, type);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
