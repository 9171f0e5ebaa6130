package io.beastmode.testing;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Small record schemas for evolution tests: v1, v1 plus an optional field, v1 plus a required field. */
public final class TestSchemas {
    private TestSchemas() {
    }

    /** {@code name} with fields id (string) and count (int). */
    public static Schema v1(String name) {
        return SchemaBuilder.record(name).namespace("io.beastmode.test").fields()
                .requiredString("id")
                .requiredInt("count")
                .endRecord();
    }

    /** v1 plus an optional {@code note} (union with null, default null): BACKWARD compatible. */
    public static Schema withOptionalField(String name) {
        return SchemaBuilder.record(name).namespace("io.beastmode.test").fields()
                .requiredString("id")
                .requiredInt("count")
                .optionalString("note")
                .endRecord();
    }

    /** v1 plus a required {@code owner} without default: new readers cannot read old data, so not BACKWARD. */
    public static Schema withRequiredField(String name) {
        return SchemaBuilder.record(name).namespace("io.beastmode.test").fields()
                .requiredString("id")
                .requiredInt("count")
                .requiredString("owner")
                .endRecord();
    }

    /** v1 with {@code count} changed from int to string: not BACKWARD. */
    public static Schema withTypeChange(String name) {
        return SchemaBuilder.record(name).namespace("io.beastmode.test").fields()
                .requiredString("id")
                .requiredString("count")
                .endRecord();
    }

    /** A generic record of {@code schema} from alternating field names and values. */
    public static GenericRecord record(Schema schema, Object... namesAndValues) {
        GenericRecord record = new GenericData.Record(schema);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            record.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return record;
    }
}
