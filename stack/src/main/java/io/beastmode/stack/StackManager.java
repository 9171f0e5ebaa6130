package io.beastmode.stack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code beast stack up|down|status}: a KRaft broker ({@link BrokerMain}) and Apicurio Registry as background
 * processes that outlive the command, with data, logs and PID files under one directory.
 *
 * <p>Layout of the stack directory: {@code kafka/} (broker data), {@code registry/} (H2 database of the registry),
 * {@code kafka.log}, {@code registry.log}, {@code kafka.pid}, {@code registry.pid} and {@code stack.properties} (the
 * ports in use, so {@code status} and {@code down} find them without flags). Every process carries
 * {@code -Dbeast.stack.dir=<dir>} on its command line; {@code down} kills a PID only when its command line still
 * shows that marker, so a recycled PID is never killed.
 */
public final class StackManager {

    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_CONTROLLER_PORT = 9093;
    public static final int DEFAULT_REGISTRY_PORT = 8081;
    static final String MARKER = "-Dbeast.stack.dir=";
    private static final String STATE_FILE = "stack.properties";

    /** The two services of the stack. */
    public enum Service {
        KAFKA("kafka"), REGISTRY("registry");

        private final String id;

        Service(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /** Where the stack lives and on which loopback ports; {@code classpath} is what the broker process runs with. */
    public record Config(Path dir, int kafkaPort, int controllerPort, int registryPort, Duration timeout, String classpath) {
        public Config {
            dir = dir.toAbsolutePath().normalize();
        }

        public static Config defaults(Path dir) {
            return new Config(dir, DEFAULT_KAFKA_PORT, DEFAULT_CONTROLLER_PORT, DEFAULT_REGISTRY_PORT,
                    Duration.ofSeconds(90), System.getProperty("java.class.path"));
        }

        public Config withPorts(int kafka, int controller, int registry) {
            return new Config(dir, kafka, controller, registry, timeout, classpath);
        }

        public Config withTimeout(Duration t) {
            return new Config(dir, kafkaPort, controllerPort, registryPort, t, classpath);
        }
    }

    /** One service as seen now. {@code pid} is empty when no live process of ours runs it. */
    public record ServiceStatus(Service service, Optional<Long> pid, String address, boolean ready, Path logFile,
                                String note) {
        public boolean running() {
            return pid.isPresent();
        }
    }

    /** What {@link #up} did: the services it started, those already running, and the final status of both. */
    public record UpResult(List<Service> started, List<Service> alreadyRunning, List<ServiceStatus> status) {
    }

    /** A service did not answer within the timeout (exit code 3 in the CLI). */
    public static final class NotReadyException extends RuntimeException {
        public NotReadyException(String message) {
            super(message);
        }
    }

    private final Config config;

    public StackManager(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------------------- up

    /**
     * Starts whatever is not running yet and waits until both services answer. Idempotent: services already running
     * from this directory are left alone (on the ports they were started with).
     */
    public synchronized UpResult up() {
        try {
            Files.createDirectories(config.dir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create stack directory " + config.dir(), e);
        }
        Properties ports = effectivePorts();
        List<Service> started = new ArrayList<>();
        List<Service> already = new ArrayList<>();
        for (Service s : Service.values()) {
            if (livePid(s).isPresent()) {
                already.add(s);
            } else {
                deletePidFile(s);
            }
        }
        if (already.isEmpty()) {
            // Nothing of ours runs: the ports asked for now are the ones to use.
            ports = requestedPorts();
        }
        for (Service s : Service.values()) {
            if (already.contains(s)) {
                continue;
            }
            for (int port : portsOf(s, ports)) {
                if (Ports.isListening(Ports.LOOPBACK, port)) {
                    throw new IllegalStateException("port " + Ports.LOOPBACK + ":" + port + " needed by " + s.id()
                            + " is already in use by a process this stack did not start (see `ss -ltnp`)");
                }
            }
        }
        writeState(ports);
        Map<Service, Process> processes = new EnumMap<>(Service.class);
        for (Service s : Service.values()) {
            if (!already.contains(s)) {
                processes.put(s, start(s, ports));
                started.add(s);
            }
        }
        awaitReady(ports, processes);
        return new UpResult(started, already, status());
    }

    private Process start(Service s, Properties ports) {
        List<String> cmd = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            // A session of its own: Ctrl-C or closing the terminal that ran `stack up` does not reach it.
            cmd.add("/usr/bin/setsid");
        }
        cmd.addAll(s == Service.KAFKA ? brokerCommand(ports) : registryCommand(ports));
        Path log = logFile(s);
        try {
            Files.writeString(log, "---- " + java.time.Instant.now() + " starting " + s.id() + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Process p = new ProcessBuilder(cmd)
                    .directory(config.dir().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Files.writeString(pidFile(s), p.pid() + "\n", StandardCharsets.UTF_8);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + s.id() + ": " + cmd, e);
        }
    }

    List<String> brokerCommand(Properties ports) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin());
        cmd.add(MARKER + config.dir());
        cmd.add("-Xms256m");
        cmd.add("-Xmx1g");
        cmd.add("-cp");
        cmd.add(privateClasspath());
        cmd.add(BrokerMain.class.getName());
        cmd.add("--data-dir");
        cmd.add(config.dir().resolve("kafka").toString());
        cmd.add("--port");
        cmd.add(ports.getProperty("kafka.port"));
        cmd.add("--controller-port");
        cmd.add(ports.getProperty("controller.port"));
        return cmd;
    }

    /**
     * The broker outlives the command, so it must not run from jars a rebuild deletes or rewrites (copy-dependencies,
     * mvn clean): jars of the classpath are hard-linked (or copied) into {@code <dir>/lib} and run from there.
     * A single-entry classpath (a launcher's manifest jar) is kept as it is.
     */
    String privateClasspath() {
        String[] entries = config.classpath().split(File.pathSeparator);
        if (entries.length < 2) {
            return config.classpath();
        }
        Path lib = config.dir().resolve("lib");
        List<String> out = new ArrayList<>();
        try {
            if (Files.isDirectory(lib)) {
                try (Stream<Path> old = Files.list(lib)) {
                    for (Path p : old.toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(lib);
            int i = 0;
            for (String entry : entries) {
                Path source = Paths.get(entry);
                if (!Files.isRegularFile(source) || !entry.endsWith(".jar")) {
                    out.add(entry); // class directories (tests) stay where they are
                    continue;
                }
                // An index prefix keeps the classpath order and two jars of the same name apart.
                Path target = lib.resolve(String.format("%03d-%s", i++, source.getFileName()));
                try {
                    Files.createLink(target, source);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(source, target);
                }
                out.add(target.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the broker's libraries in " + lib, e);
        }
        return String.join(File.pathSeparator, out);
    }

    List<String> registryCommand(Properties ports) {
        List<String> base = new ArrayList<>(ApicurioRegistry.command(Integer.parseInt(ports.getProperty("registry.port"))));
        int jar = base.indexOf("-jar");
        // Persist schemas in an H2 file next to the broker's data, so ids written into topics survive a restart.
        // (The registry's own properties read this variable; as a system property it outranks their in-memory default.)
        // FILE_LOCK=FS: an OS lock dies with the process, so an `up` right after a `down` that had to KILL the registry
        // does not find H2's lock file still claiming the database (one registry per stack dir is ensured by PID).
        base.add(jar, "-DREGISTRY_DATASOURCE_URL=jdbc:h2:file:" + config.dir().resolve("registry").resolve("registry_db")
                + ";FILE_LOCK=FS");
        base.add(1, MARKER + config.dir());
        return base;
    }

    private static String javaBin() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * @param started the processes this call started. Until one has exec'd its java command line (spawn helper,
     * setsid) {@link #livePid} does not recognize it, so whether it is alive is asked of the process itself: judging
     * by the command line alone failed a CI run with "registry exited during start" and an empty log.
     */
    private void awaitReady(Properties ports, Map<Service, Process> started) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        boolean kafkaReady = false;
        boolean registryReady = false;
        while (true) {
            for (Service s : Service.values()) {
                Process p = started.get(s);
                boolean alive = p != null ? p.isAlive() : livePid(s).isPresent();
                if (!alive) {
                    throw new IllegalStateException(s.id() + " exited during start; last lines of " + logFile(s) + ":\n" + tail(logFile(s), 25));
                }
            }
            kafkaReady = kafkaReady || kafkaReady(ports);
            registryReady = registryReady || registryReady(ports);
            if (kafkaReady && registryReady) {
                return;
            }
            if (System.nanoTime() > deadline) {
                StringBuilder msg = new StringBuilder("stack did not become ready within " + config.timeout() + ":");
                if (!kafkaReady) {
                    msg.append("\n  kafka on ").append(kafkaAddress(ports)).append(" not answering; log ").append(logFile(Service.KAFKA))
                            .append(":\n").append(tail(logFile(Service.KAFKA), 15));
                }
                if (!registryReady) {
                    msg.append("\n  registry on ").append(registryAddress(ports)).append(" not answering; log ").append(logFile(Service.REGISTRY))
                            .append(":\n").append(tail(logFile(Service.REGISTRY), 15));
                }
                throw new NotReadyException(msg.toString());
            }
            EmbeddedKafka.sleep(250);
        }
    }

    // -------------------------------------------------------------------------------------------------- down

    /** Stops the processes this directory's PID files name (TERM, then KILL after the timeout); returns those stopped. */
    public synchronized List<Service> down() {
        List<Service> stopped = new ArrayList<>();
        // Registry first: it does not depend on the broker, but stopping clients before the broker is the habit.
        for (Service s : new Service[]{Service.REGISTRY, Service.KAFKA}) {
            Optional<Long> pid = livePid(s);
            if (pid.isPresent()) {
                stop(s, pid.get());
                stopped.add(s);
            }
            deletePidFile(s);
        }
        return stopped;
    }

    private void stop(Service s, long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return;
        }
        ProcessHandle h = handle.get();
        h.destroy();
        if (!waitForExit(h, config.timeout())) {
            // Still the same process (checked by livePid above), it ignored TERM for too long.
            h.destroyForcibly();
            if (!waitForExit(h, Duration.ofSeconds(10))) {
                throw new IllegalStateException(s.id() + " (pid " + pid + ") did not exit after SIGKILL");
            }
        }
    }

    private static boolean waitForExit(ProcessHandle h, Duration timeout) {
        try {
            h.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.isAlive();
        }
    }

    // ------------------------------------------------------------------------------------------------ status

    /** What runs, where, and whether it answers right now. */
    public List<ServiceStatus> status() {
        Properties ports = effectivePorts();
        List<ServiceStatus> out = new ArrayList<>();
        for (Service s : Service.values()) {
            Optional<Long> pid = livePid(s);
            String address = s == Service.KAFKA ? kafkaAddress(ports) : registryAddress(ports);
            boolean ready = false;
            String note;
            if (pid.isEmpty()) {
                note = Files.exists(pidFile(s)) ? "stale pid file (process gone)" : "not running";
            } else {
                ready = s == Service.KAFKA ? kafkaReady(ports) : registryReady(ports);
                note = ready ? "ready" : "starting or not answering";
            }
            out.add(new ServiceStatus(s, pid, address, ready, logFile(s), note));
        }
        return out;
    }

    public String bootstrapServers() {
        return kafkaAddress(effectivePorts());
    }

    /** Base URL of the registry's Confluent-compatible API. */
    public String registryUrl() {
        return registryAddress(effectivePorts());
    }

    private static String kafkaAddress(Properties ports) {
        return Ports.LOOPBACK + ":" + ports.getProperty("kafka.port");
    }

    private static String registryAddress(Properties ports) {
        return "http://" + Ports.LOOPBACK + ":" + ports.getProperty("registry.port") + ApicurioRegistry.CONFLUENT_PATH;
    }

    static boolean kafkaReady(Properties ports) {
        Map<String, Object> props = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaAddress(ports),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        if (!Ports.isListening(Ports.LOOPBACK, Integer.parseInt(ports.getProperty("kafka.port")))) {
            return false; // saves an admin client (and its warnings) while the port is still closed
        }
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes()
                    .get(4, TimeUnit.SECONDS).size() > 0;
        } catch (Exception e) {
            return false;
        }
    }

    static boolean registryReady(Properties ports) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(registryAddress(ports) + "/subjects"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ----------------------------------------------------------------------------------------- pids and state

    /** The PID in the service's PID file, when that process is alive and still one of ours for this directory. */
    public Optional<Long> livePid(Service s) {
        Path file = pidFile(s);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(file).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        Optional<String> cmdline = commandLine(pid);
        if (cmdline.isEmpty()) {
            return Optional.empty();
        }
        String expected = s == Service.KAFKA ? BrokerMain.class.getName() : "apicurio-registry-app";
        String c = cmdline.get();
        boolean ours = c.contains(MARKER + config.dir()) && c.contains(expected);
        return ours ? Optional.of(pid) : Optional.empty();
    }

    /** The process's command line, arguments joined by spaces; empty when no such process (or a zombie). */
    static Optional<String> commandLine(long pid) {
        Path proc = Paths.get("/proc", Long.toString(pid), "cmdline");
        if (Files.isDirectory(Paths.get("/proc/self"))) {
            try {
                byte[] raw = Files.readAllBytes(proc);
                if (raw.length == 0) {
                    return Optional.empty(); // zombie or kernel thread
                }
                return Optional.of(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim());
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .flatMap(h -> h.info().commandLine());
    }

    public Path pidFile(Service s) {
        return config.dir().resolve(s.id() + ".pid");
    }

    public Path logFile(Service s) {
        return config.dir().resolve(s.id() + ".log");
    }

    private void deletePidFile(Service s) {
        try {
            Files.deleteIfExists(pidFile(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Properties requestedPorts() {
        Properties p = new Properties();
        p.setProperty("kafka.port", Integer.toString(config.kafkaPort()));
        p.setProperty("controller.port", Integer.toString(config.controllerPort()));
        p.setProperty("registry.port", Integer.toString(config.registryPort()));
        return p;
    }

    /** The ports recorded by the last {@code up} of this directory, else those of the config. */
    private Properties effectivePorts() {
        Properties p = requestedPorts();
        Path state = config.dir().resolve(STATE_FILE);
        if (Files.isRegularFile(state)) {
            try (InputStream in = Files.newInputStream(state)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + state, e);
            }
        }
        return p;
    }

    private void writeState(Properties ports) {
        try (OutputStream out = Files.newOutputStream(config.dir().resolve(STATE_FILE))) {
            ports.store(out, "ports of the running beast stack (written by stack up)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] portsOf(Service s, Properties ports) {
        return s == Service.KAFKA
                ? new int[]{Integer.parseInt(ports.getProperty("kafka.port")), Integer.parseInt(ports.getProperty("controller.port"))}
                : new int[]{Integer.parseInt(ports.getProperty("registry.port"))};
    }

    static String tail(Path file, int lines) {
        try (Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
            List<String> all = s.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
