package io.beastmode.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PullQueryTest {

    @Test
    void keyAndWindowBoundsInIsoAndEpochMillis() {
        PullQuery q = PullQuery.parse("select * from metrics_1m where KEY = 'REQUEST_TYPE_MODEL|code|gpt-4o' "
                + "and WINDOWSTART >= '2026-11-26T06:00:00Z' AND windowstart < 1764140400000 "
                + "AND WINDOWEND <= '2026-11-26T07:00:00Z';");
        assertThat(q.table()).isEqualTo("metrics_1m");
        assertThat(q.window()).isEqualTo("1m");
        assertThat(q.dimension()).isEqualTo("REQUEST_TYPE_MODEL");
        assertThat(q.dimensionKey()).isEqualTo("code|gpt-4o");
        assertThat(q.startFrom()).isEqualTo(java.time.Instant.parse("2026-11-26T06:00:00Z").toEpochMilli());
        assertThat(q.startTo()).isEqualTo(1764140400000L - 1);
        assertThat(q.endTo()).isEqualTo(java.time.Instant.parse("2026-11-26T07:00:00Z").toEpochMilli());
        assertThat(q.endInRange(q.endTo())).isTrue();
        assertThat(q.endInRange(q.endTo() + 1)).isFalse();
    }

    @Test
    void withoutBoundsEveryWindowOfTheKey() {
        PullQuery q = PullQuery.parse("SELECT * FROM metrics-tumbling WHERE key = 'ALL|*'");
        assertThat(q.window()).isEqualTo("tumbling");
        assertThat(q.startFrom()).isEqualTo(PullQuery.MIN);
        assertThat(q.startTo()).isEqualTo(PullQuery.MAX);
        assertThat(PullQuery.parse("SELECT * FROM metrics-hopping WHERE key = 'MODEL|it''s'").dimensionKey())
                .isEqualTo("it's");
    }

    @Test
    void anythingElseIsRejectedWithWhatIsSupported() {
        for (String sql : new String[]{
                "SELECT p95 FROM metrics_1m WHERE key = 'ALL|*'",
                "SELECT * FROM metrics_1m",
                "SELECT * FROM metrics_1m WHERE WINDOWSTART >= 0",
                "SELECT * FROM metrics_1m WHERE key > 'ALL|*'",
                "SELECT * FROM metrics_1m WHERE key = 'ALL|*' OR key = 'MODEL|x'",
                "SELECT * FROM metrics_1m WHERE key = 'ALL|*' AND tenant = 'acme'",
                "SELECT * FROM metrics_1m WHERE key = 'nodimension'",
                "SELECT * FROM metrics_1m WHERE key = 'ALL|*' AND WINDOWSTART >= 'yesterday'",
        }) {
            assertThatThrownBy(() -> PullQuery.parse(sql)).as(sql).isInstanceOf(PullQuery.Unsupported.class)
                    .hasMessageContaining("Supported: SELECT * FROM");
        }
        assertThatThrownBy(() -> PullQuery.parse("SELECT * FROM pageviews WHERE key = 'ALL|*'").window())
                .hasMessageContaining("unknown table 'pageviews'");
    }

    @Test
    void anUnsupportedQueryExitsWithTheUsageCodeBeforeAnyConnection() {
        StringWriter err = new StringWriter();
        int rc = BeastCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "query",
                "SELECT * FROM metrics_1m WHERE key = 'ALL|*' AND tenant = 'acme'", "--pipeline-url",
                "http://127.0.0.1:1");
        assertThat(rc).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("unsupported predicate 'tenant = 'acme''");
    }

    @Test
    void noPipelineIsNotReady() {
        StringWriter err = new StringWriter();
        int rc = BeastCli.execute(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "query",
                "SELECT * FROM metrics_1m WHERE key = 'ALL|*'", "--pipeline-url", "http://127.0.0.1:1");
        assertThat(rc).isEqualTo(ExitCodes.NOT_READY);
        assertThat(err.toString()).contains("no pipeline answers at http://127.0.0.1:1");
    }
}
