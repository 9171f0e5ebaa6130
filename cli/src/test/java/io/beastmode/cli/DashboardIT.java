package io.beastmode.cli;

import io.beastmode.serde.BeastAvroSerializer;
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
 * no console errors. The screenshot is kept at cli/target/dashboard.png.
 */
class DashboardIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final long MIN = 60_000L;

    @Test
    void thePageDrawsThePipelinesWindowsWithoutConsoleErrors() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
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
                wait.until(d -> points(d.findElement(By.cssSelector("#latency-model-p95 svg"))) > 0
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
                assertThat(driver.findElement(By.id("proposals")).getText()).contains("not part of this pipeline");
                File shot = driver.getScreenshotAs(OutputType.FILE);
                Files.createDirectories(screenshot.getParent());
                Files.copy(shot.toPath(), screenshot, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
                assertThat(errors).as("browser console").isEmpty();
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
