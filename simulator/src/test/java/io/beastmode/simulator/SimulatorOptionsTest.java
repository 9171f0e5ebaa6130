package io.beastmode.simulator;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatorOptionsTest {

    @Test
    void parsesEveryOption() {
        SimulatorOptions o = SimulatorOptions.parse("--bootstrap-servers", "h:1", "--schema-registry=http://r:2/apis/ccompat/v7",
                "--max-events", "100000", "--seed", "9", "--speed", "60", "--data", "/tmp/d", "--start", "2030-01-01T00:00:00Z",
                "--incidents", "errors:gpt-4-1106-preview@5m/2m*0.5,flush:code@1h/90s", "--cheap-share", "code=0.5",
                "--partitions", "6", "--topic-prefix", "x.", "--producer-property", "linger.ms=50", "--json", "--no-progress",
                "--no-create-topics");
        assertThat(o.bootstrapServers()).isEqualTo("h:1");
        assertThat(o.schemaRegistry()).isEqualTo("http://r:2/apis/ccompat/v7");
        assertThat(o.maxEvents()).isEqualTo(100_000);
        assertThat(o.seed()).isEqualTo(9);
        assertThat(o.speed()).isEqualTo(60.0);
        assertThat(o.dataDir()).isEqualTo(Path.of("/tmp/d"));
        assertThat(o.start()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(o.incidents()).containsExactly(
                new Incident.Spec(Incident.Kind.ERROR_BURST, "gpt-4-1106-preview", Duration.ofMinutes(5), Duration.ofMinutes(2), 0.5),
                new Incident.Spec(Incident.Kind.CACHE_FLUSH, "code", Duration.ofHours(1), Duration.ofSeconds(90), 1.0));
        assertThat(o.cheapShare()).containsEntry("code", 0.5).containsEntry("conversation", 0.25);
        assertThat(o.partitions()).isEqualTo(6);
        assertThat(o.topicPrefix()).isEqualTo("x.");
        assertThat(o.producerProperties()).isEqualTo(Map.of("linger.ms", "50"));
        assertThat(o.json()).isTrue();
        assertThat(o.progress()).isFalse();
        assertThat(o.createTopics()).isFalse();
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        SimulatorOptions o = SimulatorOptions.parse();
        assertThat(o.maxEvents()).isZero();
        assertThat(o.speed()).isZero();
        assertThat(o.seed()).isEqualTo(42);
        assertThat(o.incidents()).isEqualTo(Incident.defaults());
        assertThat(SimulatorOptions.parse("--incidents", "none").incidents()).isEmpty();
    }

    @Test
    void badInputIsRefusedWithTheOptionNamed() {
        assertThatThrownBy(() -> SimulatorOptions.parse("--max-events", "lots")).hasMessageContaining("--max-events");
        assertThatThrownBy(() -> SimulatorOptions.parse("--speed", "-1")).hasMessageContaining("--speed");
        assertThatThrownBy(() -> SimulatorOptions.parse("--frobnicate", "1")).hasMessageContaining("unknown option --frobnicate");
        assertThatThrownBy(() -> SimulatorOptions.parse("--seed")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> SimulatorOptions.parse("--incidents", "errors:m@5m/2m*1.5")).hasMessageContaining("[0,1]");
        assertThatThrownBy(() -> SimulatorOptions.parse("--incidents", "melt:m@5m/2m")).hasMessageContaining("unknown incident kind");
        assertThatThrownBy(() -> SimulatorOptions.parse("--incidents", "flush:*@5/2m")).hasMessageContaining("unit");
    }

    @Test
    void incidentSpecsRoundTripThroughTheirTextForm() {
        for (Incident.Spec spec : Incident.defaults()) {
            assertThat(Incident.Spec.parse(spec.toString())).isEqualTo(spec);
        }
        Incident i = Incident.Spec.parse("degraded:m@10m/6m*3").at(1_000_000);
        assertThat(i.activeAt(1_000_000 + 600_000)).isTrue();
        assertThat(i.activeAt(1_000_000 + 960_000)).isFalse();
        assertThat(i.toString()).contains("DEGRADED_LATENCY", "target=m", "latency x3.0");
    }

    @Test
    void mainPrintsUsageAndRejectsBadOptionsWithExitCodeTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SimulatorRunner.run(new String[] {"--max-events", "x"}, new PrintStream(out), new PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--max-events", "Usage: simulate");
        assertThat(SimulatorRunner.run(new String[] {"--help"}, new PrintStream(out), new PrintStream(err))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--bootstrap-servers", "--json");
        assertThat(List.of(SimulatorOptions.usage().split("\n"))).hasSizeGreaterThan(10);
    }
}
