package io.beastmode.topology.serde;

import io.beastmode.processors.metrics.WindowAggregate;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Window store value serde: the aggregate's own versioned binary form. */
public final class WindowAggregateSerde implements Serde<WindowAggregate>, Serializer<WindowAggregate>,
        Deserializer<WindowAggregate> {

    @Override
    public Serializer<WindowAggregate> serializer() {
        return this;
    }

    @Override
    public Deserializer<WindowAggregate> deserializer() {
        return this;
    }

    @Override
    public byte[] serialize(String topic, WindowAggregate data) {
        return data == null ? null : data.toBytes();
    }

    @Override
    public WindowAggregate deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return WindowAggregate.fromBytes(data);
        } catch (IllegalArgumentException e) {
            throw new SerializationException("corrupt window aggregate on " + topic, e);
        }
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
    }

    @Override
    public void close() {
    }
}
