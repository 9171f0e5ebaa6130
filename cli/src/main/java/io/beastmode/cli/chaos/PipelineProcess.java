package io.beastmode.cli.chaos;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import io.beastmode.stack.BrokerProcess;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The metrics pipeline as a child process: the very {@code beast run} main ({@code io.beastmode.cli.BeastCli run}) on
 * this JVM's classpath, so that it can be killed with SIGKILL ({@link Process#destroyForcibly()}) like a crashed
 * machine and started again with the same application id and state directory. Its output goes to a log file.
 */
final class PipelineProcess implements AutoCloseable {
    /** A JVM flag that picks the garbage collector, such as -XX:+UseParallelGC. */
    private static final Pattern COLLECTOR_FLAG = Pattern.compile("-XX:\\+Use[A-Za-z0-9]+GC");

    private final String applicationId;
    private final List<String> runArgs;
    private final Path log;
    private final String heap;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread hook = new Thread(this::killQuietly, "beast-chaos-pipeline-stop");
    /** Set by the shutdown hook: no start after it (the control loop must not outlive its JVM's children). */
    private volatile boolean shuttingDown;
    private Process process;
    private int starts;

    PipelineProcess(String applicationId, List<String> runArgs, int httpPort, Path log, String heap) {
        this.applicationId = applicationId;
        this.runArgs = List.copyOf(runArgs);
        this.httpPort = httpPort;
        this.log = log;
        this.heap = heap;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    void start() {
        if (shuttingDown) {
            throw new IllegalStateException("shutting down");
        }
        List<String> cmd = new ArrayList<>(List.of(BrokerProcess.javaBin(), "-Xmx" + heap));
        cmd.addAll(collectorFlags(ManagementFactory.getRuntimeMXBean().getInputArguments()));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.beastmode.cli.BeastCli", "run"));
        cmd.addAll(runArgs);
        process = BrokerProcess.startLogged(cmd, log, "start #" + (starts + 1));
        starts++;
    }

    /**
     * The garbage collector flags among this JVM's arguments ({@code -XX:+Use...GC}): scripts/beast picks the
     * collector, and the pipeline child runs with the one {@code beast run} would have.
     */
    static List<String> collectorFlags(List<String> jvmArguments) {
        return jvmArguments.stream().filter(a -> COLLECTOR_FLAG.matcher(a).matches()).toList();
    }

    /** SIGKILL, as a crash: no shutdown hook, no commit, no state flush. Waits until the process is gone. */
    void kill9() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGTERM: the pipeline's shutdown hook closes Kafka Streams cleanly. */
    void stop(Duration timeout) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill9();
            }
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int exitValue() {
        return process.exitValue();
    }

    long pid() {
        return process.pid();
    }

    String applicationId() {
        return applicationId;
    }

    int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    /** Waits until {@code GET /api/health} answers 200 (Kafka Streams RUNNING or REBALANCING). */
    boolean awaitHealthy(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                return false;
            }
            try {
                if (get("/api/health").statusCode() == 200) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        return false;
    }

    /**
     * Waits until Kafka Streams is RUNNING: every task restored and processing (the health check also accepts
     * REBALANCING, during which a restoring task's store is not queryable yet).
     */
    boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!alive()) {
                return false;
            }
            try {
                HttpResponse<String> r = get("/api/health");
                if (r.statusCode() == 200 && r.body().replace(" ", "").contains("\"state\":\"RUNNING\"")) {
                    return true;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        return false;
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private void killQuietly() {
        shuttingDown = true;
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(30));
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook kills the child
        }
    }
}
