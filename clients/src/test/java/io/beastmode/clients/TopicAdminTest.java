package io.beastmode.clients;

import io.beastmode.schemas.Topics;
import io.beastmode.schemas.Topics.TopicSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TopicAdminTest {

    private static final TopicSpec REQUESTS = Topics.all().get(0);

    @Test
    void replicatedTopicsGetMinIsrOneBelowTheFactor() {
        assertThat(TopicAdmin.creationConfigs(REQUESTS, 3))
                .containsAllEntriesOf(REQUESTS.configs()).containsEntry("min.insync.replicas", "2");
        assertThat(TopicAdmin.creationConfigs(REQUESTS, 5)).containsEntry("min.insync.replicas", "4");
    }

    @Test
    void singleBrokerAndPairTopicsKeepTheBrokerDefault() {
        // RF 1 (the embedded broker) or 2: a min ISR of factor - 1 would add nothing or block writes with one down.
        assertThat(TopicAdmin.creationConfigs(REQUESTS, 1)).isEqualTo(REQUESTS.configs());
        assertThat(TopicAdmin.creationConfigs(REQUESTS, 2)).doesNotContainKey("min.insync.replicas");
    }

    @Test
    void aSpecThatSetsMinIsrWins() {
        TopicSpec spec = new TopicSpec("t", "x", "k", 3, Map.of("min.insync.replicas", "3"));
        assertThat(TopicAdmin.creationConfigs(spec, 3)).containsEntry("min.insync.replicas", "3");
    }
}
