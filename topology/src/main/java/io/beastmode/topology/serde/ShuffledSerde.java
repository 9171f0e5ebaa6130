package io.beastmode.topology.serde;

import io.beastmode.processors.metrics.WindowAggregate;
import io.beastmode.topology.model.Shuffled;
import org.apache.kafka.common.errors.SerializationException;

import java.nio.ByteBuffer;

/**
 * Serde of the repartition topic's union: observations keep the {@link ObservationSerde} bytes (format byte 1), a
 * watermark is format byte 2 followed by the source partition (int) and the watermark (long), a partial is format
 * byte 3 followed by the window start (long), the number of observations (int) and the aggregate's own bytes.
 */
public final class ShuffledSerde extends SelfSerde<Shuffled> {

    static final byte FORMAT_WATERMARK = 2;
    static final byte FORMAT_PARTIAL = 3;
    private static final int PARTIAL_HEADER = 1 + 8 + 4;
    private final ObservationSerde observations = new ObservationSerde();

    @Override
    public byte[] serialize(String topic, Shuffled s) {
        if (s == null) {
            return null;
        }
        if (s.isPartial()) {
            byte[] aggregate = s.partial().aggregate().toBytes();
            return ByteBuffer.allocate(PARTIAL_HEADER + aggregate.length).put(FORMAT_PARTIAL)
                    .putLong(s.partial().windowStartMs()).putInt(s.partial().observations()).put(aggregate).array();
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
        if (data.length > 0 && data[0] == FORMAT_PARTIAL) {
            if (data.length <= PARTIAL_HEADER) {
                throw new SerializationException("corrupt partial bytes on " + topic);
            }
            ByteBuffer b = ByteBuffer.wrap(data, 1, PARTIAL_HEADER - 1);
            long start = b.getLong();
            int count = b.getInt();
            try {
                return Shuffled.partial(start, count,
                        WindowAggregate.fromBytes(data, PARTIAL_HEADER, data.length - PARTIAL_HEADER));
            } catch (IllegalArgumentException e) {
                throw new SerializationException("corrupt partial aggregate on " + topic, e);
            }
        }
        return Shuffled.of(observations.deserialize(topic, data));
    }
}
