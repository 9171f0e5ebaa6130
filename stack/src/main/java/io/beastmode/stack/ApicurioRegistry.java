package io.beastmode.stack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Apicurio Registry 2.6 (from Maven Central, {@code io.apicurio:apicurio-registry-app}, classifier {@code all}) run
 * as a child process on 127.0.0.1 with in-memory storage. Its Confluent-compatible API is at {@link #confluentUrl()}.
 */
public final class ApicurioRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApicurioRegistry.class);

    public static final String VERSION = "2.6.13.Final";
    public static final String CONFLUENT_PATH = "/apis/ccompat/v7";
    private static final String RUNNER = "apicurio-registry-app-" + VERSION + "-runner.jar";

    private final Process process;
    private final int port;
    private final Path logFile;

    private ApicurioRegistry(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
    }

    /** Starts the registry on a free loopback port, logging to a temporary file. */
    public static ApicurioRegistry start() {
        try {
            return start(Ports.freePort(), Files.createTempFile("beast-apicurio-", ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the registry on {@code port} and waits until its Confluent API answers. */
    public static ApicurioRegistry start(int port, Path logFile) {
        List<String> command = command(port);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            ApicurioRegistry registry = new ApicurioRegistry(process, port, logFile);
            try {
                registry.awaitReady(Duration.ofSeconds(90));
            } catch (RuntimeException e) {
                registry.close();
                throw e;
            }
            log.info("Apicurio Registry ready at {} (log {})", registry.confluentUrl(), logFile);
            return registry;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Apicurio Registry: " + command, e);
        }
    }

    /** The java command line that runs the registry bound to 127.0.0.1 only, management interface included. */
    public static List<String> command(int port) {
        Path runner = home().resolve(RUNNER);
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx384m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dquarkus.http.host=" + Ports.LOOPBACK);
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.management.enabled=false");
        cmd.add("-Dquarkus.management.host=" + Ports.LOOPBACK);
        // Narayana's default process id opens a listening socket on a random port; a UUID needs no port.
        cmd.add("-DCoreEnvironmentBean.processImplementationClassName=com.arjuna.ats.internal.arjuna.utils.UuidProcessId");
        cmd.add("-Dquarkus.log.console.format=%d{HH:mm:ss.SSS} %-5p [%c{2.}] %s%e%n");
        cmd.add("-jar");
        cmd.add(runner.toString());
        return cmd;
    }

    /**
     * Where the unpacked distribution lives: system property {@code beast.apicurio.home}, environment
     * {@code BEAST_APICURIO_HOME}, {@code stack/target/apicurio} of the source tree we run from, or else unpacked
     * once from the local Maven repository into {@code ~/.cache/beast-mode}.
     */
    public static Path home() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("beast.apicurio.home")).map(Paths::get).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv("BEAST_APICURIO_HOME")).map(Paths::get).ifPresent(candidates::add);
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            candidates.add(dir.resolve("stack/target/apicurio"));
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate.resolve(RUNNER))) {
                return candidate;
            }
        }
        return unpackFromLocalRepository();
    }

    private static Path unpackFromLocalRepository() {
        Path m2 = Paths.get(System.getProperty("user.home"), ".m2", "repository");
        Path zip = m2.resolve("io/apicurio/apicurio-registry-app/" + VERSION + "/apicurio-registry-app-" + VERSION + "-all.zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("Apicurio Registry " + VERSION + " not found: build the project first "
                    + "(mvn install downloads it from Maven Central) or set BEAST_APICURIO_HOME. Looked for " + zip);
        }
        Path target = Paths.get(System.getProperty("user.home"), ".cache", "beast-mode", "apicurio-" + VERSION);
        if (Files.isRegularFile(target.resolve(RUNNER))) {
            return target;
        }
        try {
            Path partial = Files.createDirectories(target.resolveSibling(target.getFileName() + ".partial"));
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    Path out = partial.resolve(entry.getName()).normalize();
                    if (!out.startsWith(partial)) {
                        throw new IOException("zip entry escapes target: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack " + zip + " into " + target, e);
        }
    }

    private void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + "; last log lines:\n" + tail());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(confluentUrl() + "/subjects"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
            }
            EmbeddedKafka.sleep(100);
        }
        throw new IllegalStateException("Apicurio Registry did not answer on " + confluentUrl() + " within " + timeout + "; log:\n" + tail());
    }

    private String tail() {
        try (Stream<String> lines = Files.lines(logFile)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
    public String confluentUrl() {
        return "http://" + Ports.LOOPBACK + ":" + port + CONFLUENT_PATH;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
