package io.beastmode.cli;

/** The exit codes every command documents (picocli's own usage-error code is 2 as well). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;
    /** A service (broker, registry, pipeline) did not become ready or is not running. */
    public static final int NOT_READY = 3;
    /** Stopped by Ctrl-C / SIGINT, as shells report it. */
    public static final int INTERRUPTED = 130;

    /** For picocli's exitCodeList on every command. */
    static final String[] LIST = {
            "0:ok",
            "1:failure (the message says what failed)",
            "2:usage error (unknown option, bad value)",
            "3:a service did not become ready in time or is not running",
            "130:interrupted (Ctrl-C)",
    };

    private ExitCodes() {
    }
}
