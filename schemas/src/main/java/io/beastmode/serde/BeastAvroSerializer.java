package io.beastmode.serde;

import io.beastmode.registry.RegisteredSchema;
import io.beastmode.registry.RegistryClientConfig;
import io.beastmode.registry.SchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClients;
import io.beastmode.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro records (generated classes or {@link org.apache.avro.generic.GenericRecord}) in the Confluent wire
 * format under the topic-name subject ({@code <topic>-value} / {@code <topic>-key}). With {@code
 * auto.register.schemas} (default) the record's schema is registered; otherwise it is looked up, or with {@code
 * use.latest.version} the subject's latest schema is used (fetched once per serializer instance: restart or
 * reconfigure to pick up a newer version). Ids and writers are cached per (subject, schema), so after a schema's
 * first record no registry call is made. null serializes to null (tombstones). Thread-safe.
 */
public class BeastAvroSerializer<T> implements Serializer<T> {

    /** How to write one record schema under one subject: the id for the header and the writer for the body. */
    private record SchemaWriter(int schemaId, Schema writerSchema, DatumWriter<Object> writer, Schema convertFrom) {
    }

    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister = BeastSerdeConfig.DEFAULT_AUTO_REGISTER_SCHEMAS;
    private boolean useLatestVersion = BeastSerdeConfig.DEFAULT_USE_LATEST_VERSION;
    private final Map<String, Map<Schema, SchemaWriter>> writersBySubject = new ConcurrentHashMap<>();

    /** For Kafka's config-driven instantiation: {@link #configure} creates the registry client. */
    public BeastAvroSerializer() {
    }

    /** Uses {@code client} (which the caller closes); {@link #configure} still reads the serde options. */
    public BeastAvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        this.autoRegister = RegistryClientConfig.bool(configs, BeastSerdeConfig.AUTO_REGISTER_SCHEMAS, BeastSerdeConfig.DEFAULT_AUTO_REGISTER_SCHEMAS);
        this.useLatestVersion = RegistryClientConfig.bool(configs, BeastSerdeConfig.USE_LATEST_VERSION, BeastSerdeConfig.DEFAULT_USE_LATEST_VERSION);
        if (client == null) {
            client = SchemaRegistryClients.create(configs);
            ownsClient = true;
        }
        writersBySubject.clear();
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("BeastAvroSerializer is not configured: call configure() with " + BeastSerdeConfig.SCHEMA_REGISTRY_URL);
        }
        if (!(data instanceof GenericContainer container)) {
            throw new SerializationException("BeastAvroSerializer writes Avro records only, got " + data.getClass().getName()
                    + " for topic '" + topic + "'");
        }
        String subject = subjectName(topic, isKey);
        Schema schema = container.getSchema();
        SchemaWriter writer = writersBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(schema, s -> schemaWriter(topic, subject, s, data));
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(WireFormat.header(writer.schemaId()));
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.writer().write(writer.convertFrom() == null ? data : convert(data, writer), encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("could not write " + schema.getFullName() + " for topic '" + topic
                    + "' with schema id " + writer.schemaId() + ": " + e.getMessage(), e);
        }
    }

    /** The topic-name strategy. */
    public static String subjectName(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    private SchemaWriter schemaWriter(String topic, String subject, Schema recordSchema, T sample) {
        try {
            if (autoRegister) {
                return new SchemaWriter(client.register(subject, recordSchema), recordSchema, writerFor(recordSchema, sample), null);
            }
            if (!useLatestVersion) {
                return new SchemaWriter(client.lookup(subject, recordSchema), recordSchema, writerFor(recordSchema, sample), null);
            }
            RegisteredSchema latest = client.getLatest(subject);
            if (latest.schema().equals(recordSchema)) {
                return new SchemaWriter(latest.id(), recordSchema, writerFor(recordSchema, sample), null);
            }
            // The record must be readable as the latest schema: convert it by Avro schema resolution, then write that.
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), recordSchema);
            if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new SerializationException("record schema " + recordSchema.getFullName() + " cannot be written as the latest "
                        + "schema (id " + latest.id() + ", version " + latest.version() + ") of subject '" + subject + "': "
                        + compatibility.getDescription());
            }
            return new SchemaWriter(latest.id(), latest.schema(), new GenericDatumWriter<>(latest.schema(), GenericData.get()), recordSchema);
        } catch (SchemaRegistryException e) {
            String action = autoRegister ? "register" : useLatestVersion ? "fetch the latest schema of" : "look up";
            throw new SerializationException("could not " + action + " subject '" + subject + "' for topic '" + topic
                    + "' (schema " + recordSchema.getFullName() + "): " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> writerFor(Schema schema, Object sample) {
        // Generated classes may carry logical-type conversions; their own SpecificData knows them.
        SpecificData model = sample instanceof SpecificRecord ? SpecificData.getForClass(sample.getClass()) : SpecificData.get();
        return (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(schema, model);
    }

    private static Object convert(Object data, SchemaWriter writer) throws IOException {
        ByteArrayOutputStream original = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(original, null);
        writerFor(writer.convertFrom(), data).write(data, encoder);
        encoder.flush();
        return new GenericDatumReader<>(writer.convertFrom(), writer.writerSchema(), GenericData.get())
                .read(null, DecoderFactory.get().binaryDecoder(original.toByteArray(), null));
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
