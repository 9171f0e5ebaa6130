package io.beastmode.serde;

import io.beastmode.registry.RegistryClientConfig;
import io.beastmode.registry.SchemaRegistryClient;
import io.beastmode.registry.SchemaRegistryClients;
import io.beastmode.registry.SchemaRegistryException;
import io.beastmode.serde.WireFormatException.Reason;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.EOFException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Confluent wire-format Avro. The writer schema comes from the registry by the id in the header (cached);
 * in specific mode ({@code specific.avro.reader}, default true when a target class is given) the record is
 * resolved to the generated class's schema, so data written with an older or newer compatible schema still reads.
 * In generic mode it returns {@link org.apache.avro.generic.GenericRecord} in the writer's schema. Unreadable
 * payloads throw {@link WireFormatException} with a stable {@link Reason}. null reads as null. Thread-safe.
 */
public class BeastAvroDeserializer<T> implements Deserializer<T> {

    private final Class<T> targetType;
    private SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean specificReader;
    private final Map<Integer, DatumReader<Object>> readersBySchemaId = new ConcurrentHashMap<>();

    /** Generic unless {@code specific.avro.reader=true}, then the generated class named by the writer schema. */
    public BeastAvroDeserializer() {
        this(null, null);
    }

    /** Reads into {@code targetType} (a generated class) unless {@code specific.avro.reader=false}. */
    public BeastAvroDeserializer(Class<T> targetType) {
        this(null, targetType);
    }

    /** Uses {@code client} (which the caller closes); {@code targetType} may be null for generic records. */
    public BeastAvroDeserializer(SchemaRegistryClient client, Class<T> targetType) {
        this.client = client;
        this.targetType = targetType;
        this.specificReader = isGeneratedClass(targetType);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        specificReader = RegistryClientConfig.bool(configs, BeastSerdeConfig.SPECIFIC_AVRO_READER, isGeneratedClass(targetType));
        if (client == null) {
            client = SchemaRegistryClients.create(configs);
            ownsClient = true;
        }
        readersBySchemaId.clear();
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException("BeastAvroDeserializer is not configured: call configure() with " + BeastSerdeConfig.SCHEMA_REGISTRY_URL);
        }
        int schemaId = WireFormat.schemaId(topic, data);
        DatumReader<Object> reader = readersBySchemaId.computeIfAbsent(schemaId, id -> readerFor(topic, id));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, null);
        Object record;
        try {
            record = reader.read(null, decoder);
        } catch (EOFException e) {
            throw new WireFormatException(Reason.TRUNCATED, topic, schemaId,
                    "Avro body of " + (data.length - WireFormat.HEADER_SIZE) + " bytes ends before the record does", e);
        } catch (Exception e) {
            // Garbage shows up as any of AvroRuntimeException, IOException, IndexOutOfBounds, NegativeArraySize...
            throw new WireFormatException(Reason.AVRO_DECODE, topic, schemaId,
                    "Avro body is not a valid record of the writer schema: " + e, e);
        }
        int trailing = remaining(decoder);
        if (trailing > 0) {
            throw new WireFormatException(Reason.AVRO_DECODE, topic, schemaId,
                    trailing + " bytes left after the record: the body does not match the writer schema", null);
        }
        return (T) record;
    }

    private DatumReader<Object> readerFor(String topic, int schemaId) {
        Schema writerSchema;
        try {
            writerSchema = client.getById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new WireFormatException(Reason.UNKNOWN_SCHEMA_ID, topic, schemaId,
                        "the registry has no schema with id " + schemaId, e);
            }
            throw new WireFormatException(Reason.REGISTRY_UNAVAILABLE, topic, schemaId,
                    "could not fetch the writer schema: " + e.getMessage(), e);
        }
        if (!specificReader) {
            return new GenericDatumReader<>(writerSchema, writerSchema, GenericData.get());
        }
        Class<?> readerClass = targetType != null ? targetType : generatedClassNamed(writerSchema, topic, schemaId);
        SpecificData model = SpecificData.getForClass(readerClass);
        Schema readerSchema = model.getSchema(readerClass);
        GeneratedClassTrust.trustNamedTypesOf(readerSchema);
        return new SpecificDatumReader<>(writerSchema, readerSchema, model);
    }

    /** The generated class named by the writer schema; only SpecificRecord classes qualify (never arbitrary ones). */
    private static Class<?> generatedClassNamed(Schema writerSchema, String topic, int schemaId) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : new ClassLoader[]{context, BeastAvroDeserializer.class.getClassLoader()}) {
            try {
                Class<?> type = Class.forName(writerSchema.getFullName(), false, loader);
                if (SpecificRecord.class.isAssignableFrom(type)) {
                    return type;
                }
            } catch (ClassNotFoundException | LinkageError e) {
                // try the next loader, then explain below
            }
        }
        throw new SerializationException("no generated class for " + writerSchema.getFullName() + " (schema id " + schemaId
                + ", topic '" + topic + "') on the classpath; set " + BeastSerdeConfig.SPECIFIC_AVRO_READER + "=false to read generic records");
    }

    private static int remaining(BinaryDecoder decoder) {
        try {
            return decoder.isEnd() ? 0 : decoder.inputStream().available();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static boolean isGeneratedClass(Class<?> type) {
        return type != null && SpecificRecord.class.isAssignableFrom(type);
    }

    /** The generated class records are read into, or null in generic mode. */
    public Class<T> targetType() {
        return targetType;
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
