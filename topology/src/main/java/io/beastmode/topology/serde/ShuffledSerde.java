package io.beastmode.topology.serde;

import io.beastmode.topology.model.Shuffled;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;

import java.nio.ByteBuffer;

/**
 * Serde of the repartition topic's union: observations keep the {@link ObservationSerde} bytes (format byte 1), a
 * watermark is format byte 2 followed by the source partition (int) and the watermark (long).
 */
public final class ShuffledSerde extends SelfSerde<Shuffled> {

    static final byte FORMAT_WATERMARK = 2;
    private final ObservationSerde observations = new ObservationSerde();

    @Override
    public byte[] serialize(String topic, Shuffled s) {
        if (s == null) {
            return null;
        }
        if (!s.isWatermark()) {
            return observations.serialize(topic, s.observation());
        }
        return ByteBuffer.allocate(13).put(FORMAT_WATERMARK).putInt(s.watermark().sourcePartition())
                .putLong(s.watermark().watermarkMs()).array();
    }

    @Override
    public Shuffled deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > 0 && data[0] == FORMAT_WATERMARK) {
            if (data.length != 13) {
                throw new SerializationException("corrupt watermark bytes on " + topic);
            }
            ByteBuffer b = ByteBuffer.wrap(data, 1, 12);
            return Shuffled.watermark(b.getInt(), b.getLong());
        }
        return Shuffled.of(observations.deserialize(topic, data));
    }
}
