package io.beastmode.simulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a simulation run. Fluent setters and same-named getters, so a CLI (picocli in the cli module) can fill
 * it field by field; {@link #parse} reads the plain {@code --option value} form for {@link SimulatorRunner#main}.
 */
public final class SimulatorOptions {
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
    public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081/apis/ccompat/v7";

    private String bootstrapServers = DEFAULT_BOOTSTRAP;
    private String schemaRegistry = DEFAULT_REGISTRY;
    private long maxEvents = 0;
    private long seed = 42;
    private double speed = 0;
    private double requestRate = 0;
    private Path dataDir = defaultDataDir();
    private Instant start;
    private boolean json;
    private boolean progress = true;
    private int partitions = 3;
    private boolean createTopics = true;
    private String topicPrefix = "";
    private List<Incident.Spec> incidents = new ArrayList<>(Incident.defaults());
    private Map<String, Double> cheapShare = new HashMap<>(Router.StaticShare.defaultShares());
    private final Map<String, Object> producerProperties = new LinkedHashMap<>();
    private String router = ROUTER_STATIC;

    /** The static share router (default). */
    public static final String ROUTER_STATIC = "static";
    /** The static router plus the proposals applied from the proposals topic, acknowledged on the acks topic. */
    public static final String ROUTER_PROPOSALS = "proposals";

    /** {@code beast.shared.data} when set (tests), else {@code ../shared/data} relative to the working directory. */
    public static Path defaultDataDir() {
        String prop = System.getProperty("beast.shared.data");
        return Path.of(prop != null ? prop : "../shared/data");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public SimulatorOptions bootstrapServers(String v) {
        this.bootstrapServers = Objects.requireNonNull(v);
        return this;
    }

    /** Confluent-compatible registry URL (for Apicurio: {@code .../apis/ccompat/v7}). */
    public String schemaRegistry() {
        return schemaRegistry;
    }

    public SimulatorOptions schemaRegistry(String v) {
        this.schemaRegistry = Objects.requireNonNull(v);
        return this;
    }

    /** Events to publish; 0 = one pass over the trace. More than one pass replays the trace again, shifted in time. */
    public long maxEvents() {
        return maxEvents;
    }

    public SimulatorOptions maxEvents(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("--max-events must be >= 0");
        }
        this.maxEvents = v;
        return this;
    }

    public long seed() {
        return seed;
    }

    public SimulatorOptions seed(long v) {
        this.seed = v;
        return this;
    }

    /** Replay speed against event time (60 = one trace minute per wall second); 0 = as fast as possible. */
    public double speed() {
        return speed;
    }

    public SimulatorOptions speed(double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("--speed must be a finite number >= 0");
        }
        this.speed = v;
        return this;
    }

    /**
     * Requests per second of event time; 0 (the default) keeps the trace's own spacing. Otherwise every arrival's
     * offset from the trace start is scaled so the arrivals come at this mean rate, in trace order; a request's own
     * latencies are not scaled, so at a high rate requests overlap as they do at a busy gateway. The throughput bench
     * uses it to load at the production request rate.
     */
    public double requestRate() {
        return requestRate;
    }

    public SimulatorOptions requestRate(double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("request rate must be a finite number >= 0");
        }
        this.requestRate = v;
        return this;
    }

    /** Root of the shared data ({@code llm/...} below it); the bundled sample is used when it is not there. */
    public Path dataDir() {
        return dataDir;
    }

    public SimulatorOptions dataDir(Path v) {
        this.dataDir = v;
        return this;
    }

    /** Event time of the first arrival; null = the trace's own time (2023-11-16 for Azure). */
    public Instant start() {
        return start;
    }

    public SimulatorOptions start(Instant v) {
        this.start = v;
        return this;
    }

    public boolean json() {
        return json;
    }

    public SimulatorOptions json(boolean v) {
        this.json = v;
        return this;
    }

    /** Whether a progress line is written to stderr. */
    public boolean progress() {
        return progress;
    }

    public SimulatorOptions progress(boolean v) {
        this.progress = v;
        return this;
    }

    /** Partitions of topics the runner creates when they are missing. */
    public int partitions() {
        return partitions;
    }

    public SimulatorOptions partitions(int v) {
        if (v < 1) {
            throw new IllegalArgumentException("--partitions must be >= 1");
        }
        this.partitions = v;
        return this;
    }

    public boolean createTopics() {
        return createTopics;
    }

    public SimulatorOptions createTopics(boolean v) {
        this.createTopics = v;
        return this;
    }

    /** Prepended to every topic name (isolated test runs); empty for the contract topics. */
    public String topicPrefix() {
        return topicPrefix;
    }

    public SimulatorOptions topicPrefix(String v) {
        this.topicPrefix = Objects.requireNonNull(v);
        return this;
    }

    public List<Incident.Spec> incidents() {
        return List.copyOf(incidents);
    }

    public SimulatorOptions incidents(List<Incident.Spec> v) {
        this.incidents = new ArrayList<>(v);
        return this;
    }

    /** Share of each request type the default router sends to the cheap model. */
    public Map<String, Double> cheapShare() {
        return Map.copyOf(cheapShare);
    }

    public SimulatorOptions cheapShare(Map<String, Double> v) {
        v.forEach((k, s) -> {
            if (!(s >= 0 && s <= 1)) {
                throw new IllegalArgumentException("cheap share of " + k + " must be in [0,1], was " + s);
            }
        });
        this.cheapShare = new HashMap<>(v);
        return this;
    }

    /** {@link #ROUTER_STATIC} or {@link #ROUTER_PROPOSALS}. */
    public String router() {
        return router;
    }

    public SimulatorOptions router(String v) {
        if (!ROUTER_STATIC.equals(v) && !ROUTER_PROPOSALS.equals(v)) {
            throw new IllegalArgumentException("--router must be " + ROUTER_STATIC + " or " + ROUTER_PROPOSALS + ": " + v);
        }
        this.router = v;
        return this;
    }

    public Map<String, Object> producerProperties() {
        return Map.copyOf(producerProperties);
    }

    /** Extra producer settings (security, tuning), applied over the publisher's defaults. */
    public SimulatorOptions producerProperty(String key, Object value) {
        producerProperties.put(key, value);
        return this;
    }

    /** Resolves {@link #dataDir()} to a directory with the traces, or null when the bundled sample must be used. */
    public Path resolvedDataDir() {
        return dataDir != null && Files.isRegularFile(dataDir.resolve(TraceFiles.MARKER)) ? dataDir : null;
    }

    public static String usage() {
        return String.join("\n",
                "Usage: simulate [options]",
                "  --bootstrap-servers HOST:PORT  Kafka (default " + DEFAULT_BOOTSTRAP + ")",
                "  --schema-registry URL          Confluent-compatible registry (default " + DEFAULT_REGISTRY + ")",
                "  --max-events N                 events to publish; 0 = one pass over the trace (default 0)",
                "  --seed N                       seed of every random choice (default 42)",
                "  --speed X                      replay speed against event time; 0 = as fast as possible (default 0)",
                "  --data DIR                     shared data root with llm/... (default ../shared/data; bundled sample if absent)",
                "  --start ISO-INSTANT            event time of the first arrival (default: the trace's own time)",
                "  --incidents SPEC|none          kind:target@offset/duration[*magnitude],... (default "
                        + String.join(",", Incident.defaults().stream().map(Incident.Spec::toString).toList()) + ")",
                "  --cheap-share TYPE=X,...       share of each request type routed to the cheap model",
                "  --router static|proposals      proposals: also apply proposals from beast.proposals.v1 and ack them (default static)",
                "  --partitions N                 partitions of topics created when missing (default 3)",
                "  --no-create-topics             do not create missing topics",
                "  --topic-prefix P               prefix every topic name",
                "  --producer-property K=V        extra producer setting (repeatable)",
                "  --no-progress                  no progress line on stderr",
                "  --json                         final summary as JSON on stdout");
    }

    /** Parses {@code --option value} arguments; throws IllegalArgumentException naming a bad or unknown option. */
    public static SimulatorOptions parse(String... args) {
        SimulatorOptions o = new SimulatorOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--json" -> o.json(true);
                case "--no-progress" -> o.progress(false);
                case "--no-create-topics" -> o.createTopics(false);
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("option " + arg + " needs a value");
                        }
                        value = args[++i];
                    }
                    apply(o, arg, value);
                }
            }
        }
        return o;
    }

    private static void apply(SimulatorOptions o, String option, String value) {
        try {
            switch (option) {
                case "--bootstrap-servers" -> o.bootstrapServers(value);
                case "--schema-registry" -> o.schemaRegistry(value);
                case "--max-events" -> o.maxEvents(Long.parseLong(value));
                case "--seed" -> o.seed(Long.parseLong(value));
                case "--speed" -> o.speed(Double.parseDouble(value));
                case "--data" -> o.dataDir(Path.of(value));
                case "--start" -> o.start(Instant.parse(value));
                case "--incidents" -> o.incidents(Incident.Spec.parseList(value));
                case "--partitions" -> o.partitions(Integer.parseInt(value));
                case "--router" -> o.router(value);
                case "--topic-prefix" -> o.topicPrefix(value);
                case "--cheap-share" -> {
                    Map<String, Double> shares = new HashMap<>(o.cheapShare());
                    for (String kv : value.split(",")) {
                        String[] p = kv.split("=", 2);
                        shares.put(p[0].trim(), Double.parseDouble(p[1].trim()));
                    }
                    o.cheapShare(shares);
                }
                case "--producer-property" -> {
                    String[] p = value.split("=", 2);
                    o.producerProperty(p[0].trim(), p[1].trim());
                }
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("bad value '" + value + "' for " + option + ": " + e.getMessage(), e);
        }
    }
}
