package io.beastmode.cli.chaos;

import io.beastmode.schemas.Topics;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChaosProvisionTest {

    private static final long DAY = Duration.ofDays(1).toMillis();

    @Test
    void aTopicWhoseRetentionIsShorterThanTheInputsAgeGetsTheAgeOtherSettingsKept() {
        Topics.TopicSpec input = spec(Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(7 * DAY)));
        Topics.TopicSpec raised = ChaosRun.withRetentionAtLeast(input, 9 * DAY);
        assertThat(raised.configs()).containsEntry("retention.ms", Long.toString(9 * DAY))
                .containsEntry("cleanup.policy", "delete");
        assertThat(raised.name()).isEqualTo(input.name());
    }

    @Test
    void longerInfiniteOrUndeclaredRetentionIsLeftAlone() {
        for (Map<String, String> configs : new Map[] {Map.of("retention.ms", Long.toString(30 * DAY)),
                Map.of("retention.ms", "-1"), Map.of("cleanup.policy", "compact")}) {
            Topics.TopicSpec s = spec(configs);
            assertThat(ChaosRun.withRetentionAtLeast(s, 9 * DAY)).isSameAs(s);
        }
    }

    @Test
    void theInputsPlannedStartLiesTheAgePlusItsSpanBeforeNowOnAMinute() {
        long now = 1_795_000_000_123L;
        long start = ChaosInput.plannedStart(1_500, Duration.ofDays(7), now);
        assertThat(start % 60_000).isZero();
        // 1,500 requests span at most 6 minutes at the trace's rate.
        assertThat(now - start).isBetween(7 * DAY + Duration.ofMinutes(6).toMillis(), 7 * DAY + Duration.ofMinutes(7).toMillis());
    }

    private static Topics.TopicSpec spec(Map<String, String> configs) {
        return new Topics.TopicSpec("beast.requests.v1", "RequestEvent", "request id", 3, configs);
    }
}
