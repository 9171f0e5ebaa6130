package io.beastmode.cli;

import io.beastmode.topology.config.PipelineConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's dashboard port: 8080 by default, and a taken port is recognised so the demo can fall back. */
class DemoCommandTest {

    @Test
    void dashboardPortDefaultsToThePipelinesDefault() {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs();
        assertThat(demo.httpPort).isEqualTo(PipelineConfig.DEFAULT_HTTP_PORT).isEqualTo(8080);
    }

    @Test
    void aPortInUseIsNotBindable() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            assertThat(DemoCommand.bindable(taken.getLocalPort())).isFalse();
            int port = taken.getLocalPort();
            taken.close();
            assertThat(DemoCommand.bindable(port)).isTrue();
        }
    }

    @Test
    void anUnknownDetectorIsAUsageErrorBeforeAnythingStarts() {
        java.io.StringWriter err = new java.io.StringWriter();
        int rc = BeastCli.execute(new java.io.PrintWriter(new java.io.StringWriter(), true),
                new java.io.PrintWriter(err, true), "demo", "--insight-detector", "nope");
        assertThat(rc).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--insight-detector: nope");
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs();
        assertThat(demo.insightDetector).as("short replays need the short warm-up").isEqualTo("robust-z");
    }
}
