package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.analytics.v1.WindowMetrics;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Serde of the internal single-key repartition topic: a tag byte ('W' window, 'A' ack) and the record in plain Avro
 * binary with its compiled schema. Internal topics are written and read by the same build, so no registry subject
 * (and no registration race) is needed for them.
 */
public final class InsightInputSerde implements Serde<InsightInput> {

    private static final byte WINDOW = 'W';
    private static final byte ACK = 'A';

    @Override
    public Serializer<InsightInput> serializer() {
        return (topic, in) -> {
            if (in == null) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            out.write(in.window() != null ? WINDOW : ACK);
            try {
                if (in.window() != null) {
                    write(out, in.window(), new SpecificDatumWriter<>(WindowMetrics.class));
                } else {
                    write(out, in.ack(), new SpecificDatumWriter<>(RoutingAck.class));
                }
            } catch (IOException e) {
                throw new SerializationException("cannot encode insight input", e);
            }
            return out.toByteArray();
        };
    }

    private static <T extends SpecificRecord> void write(ByteArrayOutputStream out, T record,
                                                         SpecificDatumWriter<T> writer) throws IOException {
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(record, encoder);
        encoder.flush();
    }

    @Override
    public Deserializer<InsightInput> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length == 0) {
                throw new SerializationException("empty insight input");
            }
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 1, bytes.length - 1, null);
            try {
                return switch (bytes[0]) {
                    case WINDOW -> InsightInput.of(new SpecificDatumReader<>(WindowMetrics.class).read(null, decoder));
                    case ACK -> InsightInput.of(new SpecificDatumReader<>(RoutingAck.class).read(null, decoder));
                    default -> throw new SerializationException("unknown insight input tag " + bytes[0]);
                };
            } catch (IOException e) {
                throw new SerializationException("cannot decode insight input", e);
            }
        };
    }
}
