package io.beastmode.cli;

/** A service the command needs did not answer; maps to exit code {@link ExitCodes#NOT_READY}. */
public class NotReadyException extends RuntimeException {
    public NotReadyException(String message) {
        super(message);
    }
}
