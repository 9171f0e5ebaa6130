package io.beastmode.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beastmode.topology.PipelineMetrics;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.http.InsightView;
import io.beastmode.topology.http.PrometheusHandler;
import io.beastmode.topology.model.Observation;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files cannot run here (no Docker, no Kubernetes), so what can be checked is checked: every YAML and
 * JSON file parses, every BEAST_* variable given to a container is an option of the beast command it runs (or one
 * of the few variables the launcher reads), the ports agree between services, Prometheus and the pipeline, the
 * Kubernetes objects reference each other, and the Grafana queries name metrics the pipeline exports.
 */
class DeployFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Read by scripts/beast or log4j2.xml rather than by an option; each must still be used where claimed. */
    private static final Map<String, String> LAUNCHER_VARIABLES = Map.of(
            "BEAST_JAVA_OPTS", "../scripts/beast",
            "BEAST_LOG_LEVEL", "src/main/resources/log4j2.xml",
            "BEAST_KAFKA_LOG_LEVEL", "src/main/resources/log4j2.xml");

    private static Path deploy() {
        Path p = Path.of("..", "deploy");
        return Files.isDirectory(p) ? p : Path.of("deploy");
    }

    private static JsonNode yaml(String relative) throws IOException {
        List<JsonNode> docs = yamlDocuments(deploy().resolve(relative));
        assertThat(docs).as(relative).hasSize(1);
        return docs.get(0);
    }

    /** SnakeYAML, strict about duplicate keys, with merge keys resolved as Compose does; as Jackson trees. */
    private static List<JsonNode> yamlDocuments(Path file) throws IOException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<JsonNode> docs = new ArrayList<>();
        for (Object d : new Yaml(options).loadAll(Files.readString(file))) {
            if (d != null) {
                docs.add(JSON.valueToTree(d));
            }
        }
        return docs;
    }

    /** The environment variables of a picocli command path such as ["topics", "create"]. */
    private static Set<String> variablesOf(List<String> commandPath) {
        CommandLine cl = BeastCli.commandLine();
        for (String name : commandPath) {
            CommandLine sub = cl.getSubcommands().get(name);
            if (sub == null) {
                break;
            }
            cl = sub;
        }
        assertThat(cl.getCommandName()).as("a beast command in " + commandPath).isNotEqualTo("beast");
        Set<String> vars = new HashSet<>();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            vars.add(EnvDefaults.variableFor(o));
        }
        return vars;
    }

    private static List<String> commandPath(JsonNode command) {
        List<String> path = new ArrayList<>();
        for (JsonNode c : command) {
            if (c.asText().startsWith("-")) {
                break;
            }
            path.add(c.asText());
        }
        return path;
    }

    private static void assertVariablesAreOptions(String where, JsonNode command, Map<String, String> env) {
        List<String> path = commandPath(command);
        Set<String> known = variablesOf(path);
        // Flags in the command itself must be options too.
        for (JsonNode c : command) {
            if (c.asText().startsWith("--")) {
                assertThat(known).as(where + ": flag " + c.asText())
                        .contains("BEAST_" + c.asText().substring(2).toUpperCase().replace('-', '_'));
            }
        }
        env.keySet().stream().filter(k -> k.startsWith("BEAST_")).forEach(k -> {
            if (!known.contains(k)) {
                assertThat(LAUNCHER_VARIABLES).as(where + ": " + k + " is no option of `beast "
                        + String.join(" ", path) + "`").containsKey(k);
            }
        });
    }

    private static Map<String, String> env(JsonNode environment) {
        Map<String, String> m = new LinkedHashMap<>();
        if (environment.isArray()) { // k8s: [{name, value}] ; compose list form: ["K=V"]
            for (JsonNode e : environment) {
                if (e.isTextual()) {
                    String[] kv = e.asText().split("=", 2);
                    m.put(kv[0], kv.length > 1 ? kv[1] : "");
                } else {
                    m.put(e.path("name").asText(), e.path("value").asText(null));
                }
            }
        } else {
            environment.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        }
        return m;
    }

    @Test
    void everyYamlAndJsonFileParses() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(deploy())) {
            files = s.filter(Files::isRegularFile).toList();
        }
        int yamls = 0;
        for (Path f : files) {
            String n = f.getFileName().toString();
            if (n.endsWith(".yml") || n.endsWith(".yaml")) {
                assertThat(yamlDocuments(f)).as(f.toString()).isNotEmpty();
                yamls++;
            } else if (n.endsWith(".json")) {
                assertThat(new ObjectMapper().readTree(f.toFile()).isObject()).as(f.toString()).isTrue();
            }
        }
        assertThat(yamls).isGreaterThanOrEqualTo(7);
        for (String launcherFile : LAUNCHER_VARIABLES.keySet()) {
            assertThat(Files.readString(Path.of(LAUNCHER_VARIABLES.get(launcherFile)))).contains(launcherFile);
        }
    }

    @Test
    void composeVariablesAreOptionsAndPortsAgree() throws IOException {
        JsonNode services = yaml("docker-compose.yml").path("services");
        Set<String> kafka = new HashSet<>();
        services.fieldNames().forEachRemaining(n -> {
            if (n.startsWith("kafka-")) {
                kafka.add(n);
            }
        });
        assertThat(kafka).as("three KRaft brokers").hasSize(3);
        for (String k : kafka) {
            Map<String, String> e = env(services.path(k).path("environment"));
            assertThat(e.get("KAFKA_PROCESS_ROLES")).contains("controller").contains("broker");
            assertThat(e.get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")).hasSize(3)
                    .contains(e.get("KAFKA_NODE_ID") + "@" + k + ":9093");
            assertThat(e.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://" + k + ":9092");
        }
        assertThat(services.path("apicurio").path("image").asText()).contains("apicurio-registry").contains(":2.6.");

        List<String> pipelines = new ArrayList<>();
        Map<String, Integer> pipelinePorts = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            JsonNode svc = s.getValue();
            if (!"beast-mode:dev".equals(svc.path("image").asText())) {
                continue;
            }
            Map<String, String> e = env(svc.path("environment"));
            assertVariablesAreOptions("compose " + s.getKey(), svc.path("command"), e);
            // Cluster addresses name real services on their listener ports.
            for (String b : e.get("BEAST_BOOTSTRAP_SERVERS").split(",")) {
                assertThat(kafka).contains(b.split(":")[0]);
                assertThat(b).endsWith(":9092");
            }
            URI registry = URI.create(e.get("BEAST_SCHEMA_REGISTRY"));
            assertThat(registry.getHost()).isEqualTo("apicurio");
            assertThat(services.path("apicurio").path("ports").get(0).asText()).endsWith(":" + registry.getPort());
            if (!"run".equals(svc.path("command").get(0).asText())) {
                continue;
            }
            pipelines.add(s.getKey());
            int port = Integer.parseInt(e.get("BEAST_HTTP_PORT"));
            assertThat(port).as("the pipeline's default HTTP port").isEqualTo(PipelineConfig.DEFAULT_HTTP_PORT);
            pipelinePorts.put(s.getKey(), port);
            assertThat(e.get("BEAST_HTTP_HOST")).as("reachable from other containers").isEqualTo("0.0.0.0");
            assertThat(e.get("BEAST_APPLICATION_SERVER")).isEqualTo(s.getKey() + ":" + port);
            assertThat(svc.path("ports").get(0).asText()).endsWith(":" + port);
            assertThat(svc.path("healthcheck").path("test").toString()).contains(":" + port + "/api/health");
            assertThat(svc.path("volumes").toString()).contains(":" + e.get("BEAST_STATE_DIR"))
                    .contains(":" + e.get("BEAST_CONFIG"));
            assertThat(e.get("BEAST_APPLICATION_ID")).isEqualTo("beast-metrics");
        }
        assertThat(pipelines).as("two pipeline instances").hasSize(2);

        // Prometheus scrapes exactly the pipelines, on their HTTP port, at /metrics.
        JsonNode scrape = yaml("prometheus/prometheus.yml").path("scrape_configs").get(0);
        assertThat(scrape.path("metrics_path").asText()).isEqualTo("/metrics");
        List<String> targets = new ArrayList<>();
        scrape.path("static_configs").get(0).path("targets").forEach(t -> targets.add(t.asText()));
        assertThat(targets).containsExactlyInAnyOrderElementsOf(
                pipelines.stream().map(p -> p + ":" + pipelinePorts.get(p)).toList());
        assertThat(services.path("prometheus").path("ports").get(0).asText()).isEqualTo("9090:9090");
        assertThat(services.path("prometheus").path("volumes").toString()).contains("./prometheus/prometheus.yml:");

        // Grafana reaches Prometheus on its port and loads the dashboard the provider points at.
        JsonNode ds = yaml("grafana/provisioning/datasources/prometheus.yml").path("datasources").get(0);
        assertThat(ds.path("url").asText()).isEqualTo("http://prometheus:9090");
        String dashboardDir = yaml("grafana/provisioning/dashboards/beast.yml").path("providers").get(0)
                .path("options").path("path").asText();
        assertThat(services.path("grafana").path("volumes").toString())
                .contains("./grafana/beast-dashboard.json:" + dashboardDir + "/beast-dashboard.json")
                .contains("./grafana/provisioning:/etc/grafana/provisioning");
        JsonNode dashboard = new ObjectMapper().readTree(deploy().resolve("grafana/beast-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                assertThat(t.path("datasource").path("uid").asText()).isEqualTo(ds.path("uid").asText());
            }
        }
    }

    @Test
    void kubernetesStatefulSetServicesAndConfigAgree() throws IOException {
        JsonNode sts = yaml("k8s/statefulset.yaml");
        assertThat(sts.path("kind").asText()).isEqualTo("StatefulSet");
        JsonNode container = sts.path("spec").path("template").path("spec").path("containers").get(0);
        Map<String, String> e = env(container.path("env"));
        assertVariablesAreOptions("k8s pipeline", container.path("args"), e);
        int port = Integer.parseInt(e.get("BEAST_HTTP_PORT"));
        assertThat(port).as("the pipeline's default HTTP port").isEqualTo(PipelineConfig.DEFAULT_HTTP_PORT);
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(port);
        String portName = container.path("ports").get(0).path("name").asText();
        JsonNode readiness = container.path("readinessProbe").path("httpGet");
        assertThat(readiness.path("path").asText()).isEqualTo("/api/health");
        assertThat(readiness.path("port").asText()).isIn(portName, String.valueOf(port));
        JsonNode annotations = sts.path("spec").path("template").path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(port));
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");

        // Each pod advertises its stable DNS name under the headless service, on the API port.
        String headless = sts.path("spec").path("serviceName").asText();
        assertThat(e.get("BEAST_APPLICATION_SERVER"))
                .isEqualTo("$(POD_NAME)." + headless + ".$(POD_NAMESPACE).svc.cluster.local:" + port);
        Map<String, JsonNode> services = new HashMap<>();
        for (JsonNode s : yamlDocuments(deploy().resolve("k8s/services.yaml"))) {
            services.put(s.path("metadata").path("name").asText(), s);
        }
        JsonNode h = services.get(headless);
        assertThat(h).as("headless service " + headless).isNotNull();
        assertThat(h.path("spec").path("clusterIP").asText()).isEqualTo("None");
        JsonNode labels = sts.path("spec").path("template").path("metadata").path("labels");
        for (JsonNode s : services.values()) {
            assertThat(s.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(port);
            assertThat(s.path("spec").path("ports").get(0).path("targetPort").asText()).isIn(portName, "" + port);
            s.path("spec").path("selector").fields().forEachRemaining(sel ->
                    assertThat(labels.path(sel.getKey()).asText()).isEqualTo(sel.getValue().asText()));
        }

        // RocksDB state on a persistent volume at the state dir; the config file from the ConfigMap.
        JsonNode claim = sts.path("spec").path("volumeClaimTemplates").get(0);
        Map<String, String> mounts = new HashMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        assertThat(mounts.get(claim.path("metadata").path("name").asText())).isEqualTo(e.get("BEAST_STATE_DIR"));
        JsonNode cm = yaml("k8s/configmap.yaml");
        String configMapName = sts.path("spec").path("template").path("spec").path("volumes").get(0)
                .path("configMap").path("name").asText();
        assertThat(cm.path("metadata").path("name").asText()).isEqualTo(configMapName);
        assertThat(Path.of(e.get("BEAST_CONFIG")).getParent().toString()).isEqualTo(mounts.get("config"));
        Properties props = new Properties();
        props.load(new StringReader(cm.path("data").path(Path.of(e.get("BEAST_CONFIG")).getFileName().toString())
                .asText()));
        assertPipelineProperties("k8s ConfigMap", props);
        Properties compose = new Properties();
        compose.load(new StringReader(Files.readString(deploy().resolve("pipeline.properties"))));
        assertPipelineProperties("compose pipeline.properties", compose);
    }

    /** Every key is a pipeline setting (or a streams./serde./topic. pass-through); one standby replica. */
    private static void assertPipelineProperties(String where, Properties props) {
        Set<String> keys = new HashSet<>();
        for (String line : PipelineConfig.describeDefaults().split("\n")) {
            if (line.indexOf('=') > 0) {
                keys.add(line.substring(0, line.indexOf('=')));
            }
        }
        for (String k : props.stringPropertyNames()) {
            assertThat(keys.contains(k) || k.startsWith(PipelineConfig.STREAMS_PREFIX)
                    || k.startsWith(PipelineConfig.SERDE_PREFIX) || k.startsWith("topic.")).as(where + ": " + k).isTrue();
        }
        assertThat(props.getProperty("streams." + StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).as(where).isEqualTo("1");
        assertThat(PipelineConfig.fromProperties(props)).as(where + " loads").isNotNull();
    }

    /** Names in the Grafana queries must be exported by /metrics, or the panels stay empty for ever. */
    @Test
    void grafanaQueriesNameExportedMetrics() throws Exception {
        PipelineMetrics pm = new PipelineMetrics();
        pm.eventIn(Observation.Kind.REQUEST);
        pm.eventValid(Observation.Kind.REQUEST, 1L);
        pm.deadLetter("late-event");
        pm.windowEmitted("metrics-tumbling");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "deploy-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"); // never started
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("deploy-test").toString());
        StreamsBuilder b = new StreamsBuilder();
        b.stream("in", Consumed.with(Serdes.String(), Serdes.String())).to("out");
        String scrape;
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        try {
            // With the insight counters, registered as BeastPipeline does when the insight application runs.
            scrape = new PrometheusHandler(() -> streams, pm).register(new InsightView()::collect).scrape();
        } finally {
            streams.close(Duration.ofSeconds(5));
        }
        Set<String> exported = new HashSet<>();
        Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(scrape);
        while (type.find()) {
            exported.add(type.group(1));
        }
        JsonNode dashboard = new ObjectMapper().readTree(deploy().resolve("grafana/beast-dashboard.json").toFile());
        Pattern metric = Pattern.compile("\\b((?:beast|kafka|jvm|process)_[a-z0-9_]+)\\b");
        int checked = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                Matcher m = metric.matcher(t.path("expr").asText());
                while (m.find()) {
                    assertThat(exported).as(panel.path("title").asText()).contains(m.group(1));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
        // The issue's counters each have a panel: events in, dead letters, windows, proposals, outcomes, anomalies.
        String exprs = dashboard.findValuesAsText("expr").toString();
        assertThat(exprs).contains("beast_events_in_total", "beast_dead_letters_total", "beast_windows_emitted_total",
                "beast_proposals_total", "beast_outcomes_total", "beast_anomalies_total");
    }
}
