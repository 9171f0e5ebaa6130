package io.beastmode.clients;

/**
 * An event was refused before it was sent because a field breaks the contract. The message names the event type,
 * the field, the rule and the offending value, so a gateway developer can fix the producer without reading the broker
 * logs or the DLQ.
 */
public final class InvalidEventException extends IllegalArgumentException {
    private final String eventType;
    private final String field;

    public InvalidEventException(String eventType, String field, String problem) {
        super(eventType + "." + field + " " + problem);
        this.eventType = eventType;
        this.field = field;
    }

    /** Simple name of the Avro record type, e.g. {@code RequestEvent}. */
    public String eventType() {
        return eventType;
    }

    /** The field that broke a rule, e.g. {@code latencyMs}. */
    public String field() {
        return field;
    }
}
