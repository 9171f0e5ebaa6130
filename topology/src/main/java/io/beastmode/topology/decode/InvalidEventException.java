package io.beastmode.topology.decode;

/** A decoded event that fails validation; {@link #reason()} is a {@code DlqReason} code. */
public final class InvalidEventException extends RuntimeException {

    private final String reason;

    public InvalidEventException(String reason, String message) {
        super(message, null, false, false); // control flow for bad input: no stack trace needed
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
