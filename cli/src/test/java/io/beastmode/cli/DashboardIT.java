package io.beastmode.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.beastmode.analytics.v1.Anomaly;
import io.beastmode.analytics.v1.Severity;
import io.beastmode.schemas.Topics;
import io.beastmode.serde.BeastAvroSerializer;
import io.beastmode.simulator.SimulationSummary;
import io.beastmode.simulator.SimulatorOptions;
import io.beastmode.simulator.SimulatorRunner;
import io.beastmode.topology.http.InsightView;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import io.beastmode.serde.BeastSerdeConfig;
import io.beastmode.stack.BeastTestStack;
import io.beastmode.telemetry.v1.BudgetPeriod;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CacheOutcome;
import io.beastmode.telemetry.v1.CacheTier;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.topology.BeastPipeline;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.config.PipelineTopics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live dashboard in headless Chromium (Debian's chromium + chromium-driver; .ci/run installs them): a short
 * pipeline run of requests, cache lookups and costs, then the page must load, draw its plots from that data and log
 * no console errors. The screenshots are kept at cli/target/dashboard.png and cli/target/dashboard-replay.png.
 */
class DashboardIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final long MIN = 60_000L;

    private static void assumeBrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
    }

    @Test
    void thePageDrawsThePipelinesWindowsWithoutConsoleErrors() throws Exception {
        assumeBrowser();
        String bootstrap = BeastTestStack.bootstrapServers();
        String registry = BeastTestStack.registryUrl();
        String prefix = "dash-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        PipelineConfig config = TestPipelines.config(prefix);
        PipelineTopics topics = config.topics();
        BeastAvroSerializer<SpecificRecord> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        long base = (System.currentTimeMillis() - 3_600_000L) / MIN * MIN;
        int perKind = 600; // ten minutes of event time, one event a second per kind
        Path screenshot = Path.of("target", "dashboard.png");
        try (BeastPipeline pipeline = BeastPipeline.start(config);
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), serializer)) {
            publish(producer, topics, base, perKind);
            long deadline = System.currentTimeMillis() + 90_000;
            while (pipeline.metrics().eventsValid().values().stream().mapToLong(Long::longValue).sum() < 3L * perKind
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(300);
            }
            assertThat(pipeline.metrics().eventsValid()).containsEntry("request", (long) perKind);

            ChromeDriver driver = chrome();
            try {
                driver.get("http://127.0.0.1:" + pipeline.httpPort() + "/");
                assertThat(driver.getCurrentUrl()).endsWith("/dashboard/");
                assertThat(driver.getTitle()).contains("Beast Mode");
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
                // Open windows reach the queryable store once per commit interval and the page polls every 5 s, so
                // wait for the last windows rather than the first ones.
                wait.until(d -> points(d.findElement(By.cssSelector("#latency-model-p95 svg"))) >= 30
                        && points(d.findElement(By.cssSelector("#cost-savings svg"))) > 0);
                // Plots, not tables: each chart an SVG with one path per series, drawn from the windows.
                WebElement p95 = driver.findElement(By.cssSelector("#latency-model-p95 svg"));
                assertThat(Integer.parseInt(p95.getAttribute("data-series"))).as("one line per model").isEqualTo(3);
                assertThat(points(p95)).as("10 one-minute windows for each of 3 models").isEqualTo(30);
                assertThat(p95.findElements(By.cssSelector("path.series"))).hasSize(3);
                assertThat(p95.findElement(By.cssSelector("path.series")).getAttribute("d")).matches("M[0-9.,]+( L[0-9.,]+){9}");
                assertThat(Integer.parseInt(driver.findElement(By.cssSelector("#latency-type-p99 svg"))
                        .getAttribute("data-series"))).as("one line per request type").isEqualTo(2);
                WebElement tiers = driver.findElement(By.cssSelector("#cache-hit-rate svg"));
                assertThat(Integer.parseInt(tiers.getAttribute("data-series"))).as("EXACT and SEMANTIC").isEqualTo(2);
                assertThat(points(driver.findElement(By.cssSelector("#budget-burn svg")))).isPositive();
                assertThat(points(driver.findElement(By.cssSelector("#throughput svg")))).isPositive();
                assertThat(driver.findElement(By.id("status")).getText()).contains("RUNNING")
                        .contains("events in " + 3 * perKind);
                // No insight endpoints in this pipeline yet: the empty state, not an error.
                assertThat(driver.findElement(By.id("proposal-plots")).getText()).contains("not part of this pipeline");
                screenshotWithCleanConsole(driver, screenshot);
            } finally {
                driver.quit();
            }
            // The windows that closed (10 minutes of events, 5 minutes grace) are on the metrics topic, and print
            // shows their real keys in ksqlDB's windowed form.
            InspectIT.Run metrics = InspectIT.beast("print", topics.metrics(), "--from-beginning", "--limit", "1",
                    "--idle-timeout", "30", "--bootstrap-servers", bootstrap, "--schema-registry", registry);
            assertThat(metrics.rc()).as(metrics.err()).isZero();
            assertThat(metrics.out()).matches("(?s)rowtime: \\S+ \\S+ Z, key: \\[[A-Z_]+\\|[^@]*@(\\d+)/(\\d+)], "
                    + "value: \\{.*\"windowStart\": \\d+.*}, partition: \\d\n");
        }
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    /**
     * A short demo-like run: the simulator replays the real traces (with its incidents and the proposal-applying
     * router) into prefixed topics of the shared stack, the pipeline runs with its insight application, and the page
     * must draw the proposals it committed (timeline bars and list rows, status and outcome) and mark them on the
     * plots. Anomalies: those of the run are marked when it produced any; one more, published on the anomalies topic
     * inside the plotted range, must come through the broker, registry and feed as a red marker and a dot.
     */
    @Test
    void aShortReplayShowsItsProposalsAndAnomalyMarkers() throws Exception {
        assumeBrowser();
        String bootstrap = BeastTestStack.bootstrapServers();
        String registry = BeastTestStack.registryUrl();
        String prefix = "dashsim-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        PipelineConfig config = TestPipelines.config(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            // The insight application starts only when its input topics exist; its outputs as the contract says.
            admin.createTopics(Topics.all(3).stream()
                    .filter(t -> List.of(Topics.ROUTING_ACKS, Topics.ANOMALIES, Topics.PROPOSALS, Topics.OUTCOMES)
                            .contains(t.name()))
                    .map(t -> new NewTopic(prefix + t.name(), 3, (short) 1).configs(t.configs())).toList())
                    .all().get();
            // Created is not yet listed everywhere: the pipeline checks by listing before it starts the insight app.
            long deadline = System.currentTimeMillis() + 30_000;
            while (!admin.listTopics().names().get().contains(prefix + Topics.ROUTING_ACKS)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
        }
        Path screenshot = Path.of("target", "dashboard-replay.png");
        try (BeastPipeline pipeline = BeastPipeline.start(config)) {
            assertThat(pipeline.insight()).as("insight application started").isNotNull();
            SimulationSummary sim = new SimulatorRunner(new SimulatorOptions().bootstrapServers(bootstrap)
                    .schemaRegistry(registry).topicPrefix(prefix).createTopics(false).maxEvents(60_000).speed(0)
                    .seed(42).dataDir(NabCommand.sharedData()).progress(false), System.err).run();
            assertThat(sim.failed()).isZero();
            String base = "http://127.0.0.1:" + pipeline.httpPort();
            JsonNode proposals = waitFor(base + "/api/proposals", n -> n.path("total").asLong() > 0, 120);
            assertThat(proposals.path("total").asLong()).as("proposals committed by the run").isPositive();
            JsonNode dashboard = waitFor(base + "/api/dashboard?minutes=60", n -> n.path("windows").size() > 0, 30);
            long eventTime = dashboard.path("eventTimeMs").asLong();
            long runAnomalies = Json.MAPPER.readTree(URI.create(base + "/api/anomalies").toURL())
                    .path("total").asLong();
            publishAnomaly(config, registry, prefix, eventTime - 10 * MIN);
            waitFor(base + "/api/anomalies", n -> n.path("total").asLong() == runAnomalies + 1, 30);

            ChromeDriver driver = chrome();
            try {
                driver.get(base + "/dashboard/");
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
                wait.until(d -> Integer.parseInt(d.findElement(By.cssSelector("#proposal-timeline svg"))
                        .getAttribute("data-proposals")) > 0);
                // One snapshot of the page (it redraws every 5 s): timeline size, bar statuses, outcome diamonds,
                // list rows and the badges of the first row.
                @SuppressWarnings("unchecked")
                Map<String, Object> page = (Map<String, Object>) driver.executeScript(
                        "const t = document.querySelector('#proposal-timeline svg');"
                        + "return {shown: Number(t.getAttribute('data-proposals')),"
                        + " outcomes: Number(t.getAttribute('data-outcomes')),"
                        + " statuses: [...t.querySelectorAll('rect.proposal-bar')].map(b => b.getAttribute('data-status')),"
                        + " diamonds: t.querySelectorAll('path.outcome').length,"
                        + " rows: document.querySelectorAll('#proposals tbody tr').length,"
                        + " badges: document.querySelectorAll('#proposals tbody tr:first-child .badge').length};");
                int shown = ((Number) page.get("shown")).intValue();
                // The insight app may still commit proposals while the page loads: what the page shows lies between
                // what the API had before and after.
                JsonNode after = Json.MAPPER.readTree(URI.create(base + "/api/proposals").toURL());
                int before = proposals.path("items").size();
                assertThat(shown).isBetween(Math.min(14, before), Math.min(14, after.path("items").size()));
                assertThat((List<?>) page.get("statuses")).hasSize(shown)
                        .allSatisfy(st -> assertThat(st).isIn("OPEN", "SUPERSEDED", "EXPIRED", "LIFTED", "ROLLED_BACK"));
                if (before == after.path("items").size() && before <= 14) {
                    long measured = 0;
                    for (JsonNode p : after.path("items")) {
                        measured += p.path("outcome").isObject() ? 1 : 0;
                    }
                    assertThat(((Number) page.get("outcomes")).longValue()).isEqualTo(measured);
                    assertThat(((Number) page.get("diamonds")).longValue()).isEqualTo(measured);
                }
                // The list: one row per proposal (latest 12) with its status and outcome badges.
                assertThat(((Number) page.get("rows")).intValue())
                        .isBetween(Math.min(12, before), Math.min(12, after.path("items").size()));
                assertThat(((Number) page.get("badges")).intValue()).isEqualTo(2);
                // Proposals are marked on the plots where they were made (those inside the plotted hour).
                int proposalMarkers = driver.findElements(By.cssSelector("#money line.proposal")).size();
                int anomalyMarkers = driver.findElements(By.cssSelector("#latency-model line.anomaly")).size();
                assertThat(proposalMarkers).as("proposal markers on the cost and budget plots").isPositive();
                assertThat(anomalyMarkers).as("the published MODEL anomaly on the three model latency plots")
                        .isGreaterThanOrEqualTo(3);
                assertThat(Integer.parseInt(driver.findElement(By.cssSelector("#anomaly-plot svg"))
                        .getAttribute("data-points"))).isEqualTo((int) Math.min(InsightView.MAX_ANOMALIES,
                        runAnomalies + 1));
                assertThat(points(driver.findElement(By.cssSelector("#latency-model-p99 svg")))).isPositive();
                assertThat(driver.findElement(By.id("insight-counts")).getText())
                        .contains((runAnomalies + 1) + " anomalies");
                screenshotWithCleanConsole(driver, screenshot);
            } finally {
                driver.quit();
            }
            // /metrics carries the same counts for Prometheus.
            String metrics = new String(URI.create(base + "/metrics").toURL().openStream().readAllBytes());
            assertThat(metrics).contains("# TYPE beast_proposals_total counter")
                    .contains("beast_anomalies_total{severity=\"CRITICAL\"}");
            long perKind = metrics.lines().filter(l -> l.startsWith("beast_proposals_total{"))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertThat(perKind).isEqualTo(Json.MAPPER.readTree(URI.create(base + "/api/proposals").toURL())
                    .path("total").asLong());
        }
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private static JsonNode waitFor(String url, java.util.function.Predicate<JsonNode> done, int seconds)
            throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        JsonNode last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                last = Json.MAPPER.readTree(URI.create(url).toURL());
                if (done.test(last)) {
                    return last;
                }
            } catch (java.io.IOException e) {
                // not answering yet
            }
            Thread.sleep(500);
        }
        return last;
    }

    /** One CRITICAL latency anomaly on the first model of the run, as the insight application would write it. */
    private static void publishAnomaly(PipelineConfig config, String registry, String prefix, long windowStart)
            throws Exception {
        BeastAvroSerializer<SpecificRecord> serializer = new BeastAvroSerializer<>();
        serializer.configure(Map.of(BeastSerdeConfig.SCHEMA_REGISTRY_URL, registry), false);
        Anomaly a = Anomaly.newBuilder().setAnomalyId("dashboard-it").setMetric("latency.p95")
                .setDimension(io.beastmode.analytics.v1.Dimension.MODEL).setDimensionKey("gpt-4-1106-preview")
                .setWindowStart(windowStart / MIN * MIN).setWindowEnd(windowStart / MIN * MIN + MIN)
                .setObserved(3000).setExpected(1000).setScore(9.5).setSeverity(Severity.CRITICAL)
                .setDetector("dashboard-it").setDetectedAt(System.currentTimeMillis()).build();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers()), new StringSerializer(), serializer)) {
            producer.send(new ProducerRecord<>(prefix + Topics.ANOMALIES, "MODEL|gpt-4-1106-preview|latency.p95", a))
                    .get();
        }
    }

    /** Keeps the page as a test artifact, then requires a console without warnings or errors. */
    private static void screenshotWithCleanConsole(ChromeDriver driver, Path screenshot) throws Exception {
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.createDirectories(screenshot.getParent());
        Files.copy(shot.toPath(), screenshot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
        assertThat(errors).as("browser console").isEmpty();
    }

    private static int points(WebElement svg) {
        return Integer.parseInt(svg.getAttribute("data-points"));
    }

    private static ChromeDriver chrome() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1800",
                "--user-data-dir=" + Files.createTempDirectory("beast-chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Three models on two request types with distinct latencies, cache lookups on two tiers, and their costs. */
    private static void publish(KafkaProducer<String, SpecificRecord> producer, PipelineTopics topics, long base,
                                int n) {
        Random random = new Random(7);
        String[] models = {"gpt-4o", "mixtral-8x7b", "llama-3-70b"};
        String[] types = {"code", "conversation"};
        for (int i = 0; i < n; i++) {
            long t = base + i * 1000L;
            String model = models[i % 3];
            String type = types[i % 2];
            RequestEvent r = InspectIT.request("d-" + i, t, 200 * (1 + i % 3) + random.nextGaussian() * 30 + 100);
            r.setServedModel(model);
            r.setRequestedModel(model);
            r.setRequestType(type);
            send(producer, topics.requests(), r.getRequestId(), t, r);
            CacheEvent c = CacheEvent.newBuilder()
                    .setEventId("c-" + i).setRequestId("d-" + i).setEventTime(t)
                    .setTenant("acme").setRequestType(type).setTier(i % 2 == 0 ? CacheTier.EXACT : CacheTier.SEMANTIC)
                    .setNamespace("faq").setOutcome(random.nextDouble() < 0.4 ? CacheOutcome.HIT : CacheOutcome.MISS)
                    .setLookupLatencyMs(2.0).setSimilarity(null).setThreshold(null)
                    .setEntryAgeMs(null).setTtlMs(null).setTokensSaved(0).setKeyHash("k-" + i).build();
            send(producer, topics.cache(), c.getRequestId(), t, c);
            CostEvent cost = CostEvent.newBuilder()
                    .setEventId("k-" + i).setRequestId("d-" + i).setEventTime(t)
                    .setTenant("acme").setRequestType(type).setModel(model)
                    .setInputTokens(100).setOutputTokens(10).setCostUsd(0.002 * (1 + i % 3))
                    .setBaselineModel("gpt-4o").setBaselineCostUsd(0.006)
                    .setBudgetId(null).setBudgetLimitUsd(null).setBudgetPeriod((BudgetPeriod) null)
                    .setBudgetPeriodStart(null).build();
            send(producer, topics.cost(), cost.getRequestId(), t, cost);
        }
        producer.flush();
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, String topic, String key, long t,
                             SpecificRecord value) {
        producer.send(new ProducerRecord<>(topic, null, t, key, value));
    }
}
