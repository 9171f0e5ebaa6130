package io.beastmode.registry;

/**
 * A registry call failed. The message names the subject and/or schema id involved, the HTTP status and the
 * registry's own {@code error_code} and {@code message}, so a log line alone says what went wrong.
 */
public class SchemaRegistryException extends RuntimeException {
    /** Confluent error codes the callers branch on. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    /** Status used when no HTTP answer arrived at all (connection refused, timeout). */
    public static final int NO_RESPONSE = -1;

    private final String subject;
    private final Integer schemaId;
    private final int httpStatus;
    private final int errorCode;
    private final String registryMessage;

    public SchemaRegistryException(String operation, String subject, Integer schemaId, int httpStatus, int errorCode,
                                   String registryMessage, Throwable cause) {
        super(describe(operation, subject, schemaId, httpStatus, errorCode, registryMessage), cause);
        this.subject = subject;
        this.schemaId = schemaId;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    private static String describe(String operation, String subject, Integer schemaId, int httpStatus, int errorCode,
                                   String registryMessage) {
        StringBuilder text = new StringBuilder("schema registry ").append(operation).append(" failed");
        if (subject != null) {
            text.append(" for subject '").append(subject).append('\'');
        }
        if (schemaId != null) {
            text.append(subject == null ? " for" : ",").append(" schema id ").append(schemaId);
        }
        text.append(": ");
        if (httpStatus == NO_RESPONSE) {
            text.append("no response");
        } else {
            text.append("HTTP ").append(httpStatus);
        }
        if (errorCode != 0) {
            text.append(", error_code ").append(errorCode);
        }
        if (registryMessage != null && !registryMessage.isBlank()) {
            text.append(", message: ").append(registryMessage);
        }
        return text.toString();
    }

    public String subject() {
        return subject;
    }

    /** The schema id involved, or null. */
    public Integer schemaId() {
        return schemaId;
    }

    /** The HTTP status, or {@link #NO_RESPONSE}. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (e.g. 40401), or 0 when it sent none. */
    public int errorCode() {
        return errorCode;
    }

    public String registryMessage() {
        return registryMessage;
    }

    /** True when the registry could not be reached or answered 5xx/429 even after retries. */
    public boolean isUnavailable() {
        return httpStatus == NO_RESPONSE || httpStatus >= 500 || httpStatus == 429;
    }

    /** True when the subject, version or schema asked for does not exist. */
    public boolean isNotFound() {
        return httpStatus == 404 || errorCode / 100 == 404;
    }

    /** True when the registry refused a schema as incompatible with the subject's earlier versions. */
    public boolean isIncompatible() {
        return httpStatus == 409;
    }
}
