package io.beastmode.cli;

import io.beastmode.topology.config.PipelineConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The pipeline's settings as flags: each {@link PipelineConfig} property key {@code a.b.c} is the flag
 * {@code --a-b-c} and so the variable {@code BEAST_A_B_C}, the same name {@link PipelineConfig#envName} gives it.
 * Generated from one table so a new pipeline setting is one line here, and flags, variables and the properties file
 * can never disagree.
 */
final class PipelineOptions {

    /** key, parameter label, description. */
    private static final String[][] SETTINGS = {
            {PipelineConfig.APPLICATION_ID, "ID", "Kafka Streams application id (also the consumer group and the prefix of internal topics)."},
            {PipelineConfig.STATE_DIR, "DIR", "Where RocksDB state lives."},
            {PipelineConfig.NUM_STREAM_THREADS, "N", "Stream threads of this instance."},
            {PipelineConfig.PROCESSING_GUARANTEE, "GUARANTEE", "exactly_once_v2 or at_least_once."},
            {PipelineConfig.TUMBLING_WINDOW, "DURATION", "Tumbling window size (PT1M, 60s, 1m, or ms)."},
            {PipelineConfig.HOPPING_WINDOW, "DURATION", "Hopping window size."},
            {PipelineConfig.HOPPING_ADVANCE, "DURATION", "Hopping window advance."},
            {PipelineConfig.GRACE, "DURATION", "How late an event may arrive and still count in its window."},
            {PipelineConfig.INTERIM_RESULTS, "BOOL", "Also emit early interim results while a window is open (for dashboards)."},
            {PipelineConfig.MAX_FUTURE_SKEW, "DURATION", "Events further in the future than this go to the DLQ."},
            {PipelineConfig.MIN_EVENT_TIME, "INSTANT", "Events older than this (ISO-8601 or epoch ms) go to the DLQ."},
            {PipelineConfig.STORE_RETENTION, "DURATION", "How long windows stay queryable."},
            {PipelineConfig.HTTP_HOST, "HOST", "Address of the JSON API."},
            {PipelineConfig.HTTP_PORT, "PORT", "Port of the JSON API (0 = any free port, -1 = off)."},
            {PipelineConfig.APPLICATION_SERVER, "HOST:PORT", "How other instances reach this one's API (several instances)."},
            {PipelineConfig.ROCKSDB_BLOCK_CACHE_BYTES, "BYTES", "Shared RocksDB block cache."},
            {PipelineConfig.ROCKSDB_WRITE_BUFFER_BYTES, "BYTES", "RocksDB write buffer manager limit."},
            {PipelineConfig.COMMIT_INTERVAL, "DURATION", "Streams commit interval (with exactly-once also the output latency)."},
            {PipelineConfig.INSIGHT_COMMIT_INTERVAL, "DURATION", "Commit interval of the insight app (anomalies, proposals); short, as it commits only after a closed window's burst."},
            {PipelineConfig.CACHE_USD_PER_MILLION_TOKENS, "USD", "Price that turns cache-saved tokens into USD saved."},
            {PipelineConfig.QUALITY_TOLERANCE, "X", "A selection is accurate when its quality is within this of the best candidate's."},
            {PipelineConfig.WATERMARK_IDLE, "DURATION", "An input partition or topic silent this long (wall clock) no longer holds windows open."},
            {PipelineConfig.REPLICATION_FACTOR, "N", "Replication factor of the internal (repartition, changelog) topics; -1 = the broker default. 3 on a cluster (then min ISR 2)."},
            {PipelineConfig.NUM_STANDBY_REPLICAS, "N", "Warm standby copies of each state store on other instances (1 with several instances: fast fail-over)."},
    };

    private PipelineOptions() {
    }

    static String flag(String key) {
        return "--" + key.replace('.', '-');
    }

    /** Adds one option per pipeline setting, plus --config FILE, to {@code spec}. */
    static void addTo(CommandSpec spec) {
        Map<String, String> defaults = defaults();
        for (String[] s : SETTINGS) {
            String def = defaults.get(s[0]);
            spec.addOption(OptionSpec.builder(flag(s[0])).paramLabel(s[1]).type(String.class)
                    .description(s[2] + (def == null ? "" : " (default: " + def + ")")).build());
        }
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(Path.class)
                .description("A properties file of pipeline settings (keys as in PipelineConfig: window.grace=30s, "
                        + "streams.<kafka streams property>, serde.<registry config>, topic.<name>); flags win over it.")
                .build());
    }

    /** The pipeline's properties: the --config file first, then every flag or variable that was set. */
    static Map<String, String> properties(CommandSpec spec) {
        Map<String, String> props = new LinkedHashMap<>();
        OptionSpec config = spec.findOption("--config");
        Path file = config == null ? null : config.getValue();
        if (file != null) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read --config " + file, e);
            }
            p.stringPropertyNames().forEach(n -> props.put(n, p.getProperty(n)));
        }
        for (String[] s : SETTINGS) {
            String value = spec.findOption(flag(s[0])).getValue();
            if (value != null) {
                props.put(s[0], value);
            }
        }
        return props;
    }

    private static Map<String, String> defaults() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : PipelineConfig.describeDefaults().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }
}
