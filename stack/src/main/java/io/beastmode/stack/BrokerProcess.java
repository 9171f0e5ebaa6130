package io.beastmode.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft broker ({@link BrokerMain}) in a child process of this JVM on fixed loopback ports with its data
 * in a fixed directory, so it can be stopped (gracefully or with SIGKILL) and started again as the same broker: same
 * address, same cluster id, same logs. The in-process {@link EmbeddedKafka} cannot be killed without killing its
 * clients; fault tests need this one. The child runs from this JVM's classpath and dies with it (shutdown hook).
 */
public final class BrokerProcess implements AutoCloseable {
    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String classpath;
    private final Path log;
    private final Thread hook = new Thread(this::kill, "beast-broker-process-stop");
    private Process process;
    private int starts;

    private BrokerProcess(Path dataDir, int port, int controllerPort, String classpath) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.classpath = classpath;
        this.log = dataDir.resolve("broker.log");
    }

    /** Starts a broker on free loopback ports with its data (and log, {@code broker.log}) under {@code dataDir}. */
    public static BrokerProcess start(Path dataDir, Duration timeout) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int attempt = 1; ; attempt++) {
            BrokerProcess b = new BrokerProcess(dataDir, Ports.freePort(), Ports.freePort(), System.getProperty("java.class.path"));
            Runtime.getRuntime().addShutdownHook(b.hook);
            try {
                b.startProcess(timeout);
                return b;
            } catch (IllegalStateException e) {
                // Free ports are only free a moment ago; another process may take one first. Fresh ports, once more.
                Runtime.getRuntime().removeShutdownHook(b.hook);
                b.kill();
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    /** How often the broker process was started (1 after {@link #start}, +1 per restart). */
    public int starts() {
        return starts;
    }

    /**
     * Stops the broker, SIGTERM ({@code force} false: a clean shutdown) or SIGKILL ({@code force} true: a crash, the
     * logs are recovered at the next start), and waits until the process is gone and its ports are free.
     */
    public void stop(boolean force, Duration timeout) {
        if (process == null || !process.isAlive()) {
            return;
        }
        if (force) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the broker", e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((Ports.isListening(Ports.LOOPBACK, port) || Ports.isListening(Ports.LOOPBACK, controllerPort))
                && System.nanoTime() < deadline) {
            EmbeddedKafka.sleep(100);
        }
    }

    /** {@link #stop}, then the same broker again; returns when it listens. */
    public void restart(boolean force, Duration timeout) {
        stop(force, timeout);
        startProcess(timeout);
    }

    private void startProcess(Duration timeout) {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xms128m", "-Xmx768m", "-cp", classpath,
                BrokerMain.class.getName(), "--data-dir", dataDir.resolve("kafka").toString(),
                "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort)));
        process = startLogged(cmd, log, "starting broker");
        starts++;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Ports.isListening(Ports.LOOPBACK, port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker process exited with " + process.exitValue() + " (log: " + log + ")");
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException("the broker did not listen on " + bootstrapServers() + " within " + timeout
                        + " (log: " + log + ")");
            }
            EmbeddedKafka.sleep(100);
        }
    }

    /** The java launcher of this JVM. */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Starts {@code cmd} with stdin from /dev/null and stdout and stderr appended to {@code log} after a banner line. */
    public static Process startLogged(List<String> cmd, Path log, String banner) {
        try {
            Files.writeString(log, "---- " + Instant.now() + " " + banner + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + cmd, e);
        }
    }

    private void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the broker cleanly; the data directory stays (its owner deletes it). */
    @Override
    public void close() {
        stop(false, Duration.ofSeconds(30));
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
