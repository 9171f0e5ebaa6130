package io.beastmode.cli.chaos;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineProcessTest {

    @Test
    void theChildGetsTheCollectorFlagAndNoOtherGcFlag() {
        List<String> parent = List.of("-Xmx1g", "-XX:+UseParallelGC", "-XX:+PrintGCDetails",
                "-XX:+UseStringDeduplication", "-Dbeast.home=/x", "-XX:+UseG1GCx");
        assertThat(PipelineProcess.collectorFlags(parent)).containsExactly("-XX:+UseParallelGC");
        assertThat(PipelineProcess.collectorFlags(List.of("-XX:+UseZGC", "-XX:+UseSerialGC")))
                .containsExactly("-XX:+UseZGC", "-XX:+UseSerialGC");
        assertThat(PipelineProcess.collectorFlags(List.of("-Xmx1g"))).isEmpty();
    }
}
