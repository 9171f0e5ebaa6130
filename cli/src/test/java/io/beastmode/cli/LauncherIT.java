package io.beastmode.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/beast itself, on the jar and libraries this build packaged: it starts the CLI with the parallel collector
 * unless BEAST_JAVA_OPTS names a collector, and passes BEAST_JAVA_OPTS on. The JVM prints the flags it was started
 * with ({@code -XX:+PrintCommandLineFlags}).
 */
class LauncherIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theLauncherPicksTheParallelCollector() throws Exception {
        String flags = launch("-XX:+PrintCommandLineFlags");
        assertThat(flags).contains("-XX:+UseParallelGC").doesNotContain("-XX:+UseG1GC");
    }

    @Test
    void aCollectorNamedInBeastJavaOptsWins() throws Exception {
        String flags = launch("-XX:+PrintCommandLineFlags -XX:+UseSerialGC");
        assertThat(flags).contains("-XX:+UseSerialGC").doesNotContain("-XX:+UseParallelGC");
        assertThat(launch("-XX:+UseG1GC -XX:+PrintCommandLineFlags")).contains("-XX:+UseG1GC")
                .doesNotContain("-XX:+UseParallelGC");
    }

    /** Runs {@code scripts/beast --version} with these JVM options; returns its output, which must name the CLI. */
    private static String launch(String javaOpts) throws IOException, InterruptedException {
        // Without the packaged jar the launcher would build the project: this test must run after `package`.
        assertThat(ROOT.resolve("cli/target/beast-cli.jar")).exists();
        assertThat(ROOT.resolve("cli/target/lib")).isDirectory();
        Path out = Files.createTempFile("beast-launcher", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(ROOT.resolve("scripts/beast").toString(), "--version"))
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("BEAST_JAVA_OPTS", javaOpts);
            pb.environment().put("BEAST_REBUILD", "0");
            Process p = pb.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("scripts/beast --version finished").isTrue();
            String text = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(text).isZero();
            assertThat(text).containsIgnoringCase("beast");
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
