package io.beastmode.proposals;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProposalEngineTest {

    private final ProposalConfig config = ProposalConfig.defaults();

    /** A minute of request type 'qa' where mixtral ($0.006) is as good as gpt-4 ($0.03); optionally 'tiny'. */
    private static List<Proposal> minute(ProposalEngine engine, int i, boolean withTiny) {
        List<Proposal> out = new ArrayList<>();
        out.addAll(engine.onWindow(Dimension.REQUEST_TYPE_MODEL, "qa|gpt-4", Snap.window(i).cost(3000, 90).build()));
        out.addAll(engine.onWindow(Dimension.REQUEST_TYPE_MODEL, "qa|mixtral",
                Snap.window(i).cost(1500, 9).build()));
        Map<String, Long> selections = new java.util.TreeMap<>(Map.of("gpt-4", 3000L, "mixtral", 1500L));
        Map<String, long[]> quality = new java.util.TreeMap<>(Map.of("gpt-4", new long[]{3000, 2400},
                "mixtral", new long[]{1500, 1230}));
        if (withTiny) {
            out.addAll(engine.onWindow(Dimension.REQUEST_TYPE_MODEL, "qa|tiny", Snap.window(i).cost(1000, 1).build()));
            selections.put("tiny", 1000L);
            quality.put("tiny", new long[]{1000, 830});
        }
        out.addAll(engine.onWindow(Dimension.REQUEST_TYPE, "qa", Snap.window(i).selection(selections, quality)
                .build()));
        return out;
    }

    @Test
    void equivalentProposalIsNotRepeatedWhileOpen() {
        ProposalEngine engine = new ProposalEngine(config);
        assertThat(minute(engine, 0, false)).hasSize(1);
        for (int i = 1; i < 20; i++) {
            assertThat(minute(engine, i, false)).as("window %d", i).isEmpty();
        }
        assertThat(engine.openProposals()).hasSize(1);
    }

    @Test
    void expiresAndIsReissuedWithSupersedes() {
        ProposalEngine engine = new ProposalEngine(config);
        Proposal first = minute(engine, 0, false).get(0);
        assertThat(engine.onTime(first.expiresAt() - 1)).isEmpty();
        List<Proposal> expired = engine.onTime(first.expiresAt());
        assertThat(expired).singleElement().satisfies(p -> {
            assertThat(p.proposalId()).isEqualTo(first.proposalId());
            assertThat(p.status()).isEqualTo(ProposalStatus.EXPIRED);
        });
        assertThat(engine.openProposals()).isEmpty();
        // The evidence still holds at the next window: a fresh proposal, chained to the expired one.
        int next = (int) ((first.expiresAt() - Snap.T0) / Snap.MIN);
        List<Proposal> again = minute(engine, next, false);
        assertThat(again).singleElement().satisfies(p -> {
            assertThat(p.status()).isEqualTo(ProposalStatus.OPEN);
            assertThat(p.proposalId()).isNotEqualTo(first.proposalId());
            assertThat(p.supersedes()).isEqualTo(first.proposalId());
        });
    }

    @Test
    void materialChangeSupersedesTheOpenProposal() {
        ProposalEngine engine = new ProposalEngine(config);
        Proposal first = minute(engine, 0, false).get(0);
        assertThat(first.parameter("toModel")).isEqualTo("mixtral");
        // An even cheaper model of equal quality appears: the best reroute changes.
        List<Proposal> out = minute(engine, 1, true);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).proposalId()).isEqualTo(first.proposalId());
        assertThat(out.get(0).status()).isEqualTo(ProposalStatus.SUPERSEDED);
        assertThat(out.get(1).parameter("toModel")).isEqualTo("tiny");
        assertThat(out.get(1).supersedes()).isEqualTo(first.proposalId());
        assertThat(engine.openProposals()).containsExactly(out.get(1));
    }

    @Test
    void rejectedProposalIsNotMadeAgainDuringCooldown() {
        ProposalEngine engine = new ProposalEngine(config);
        Proposal first = minute(engine, 0, false).get(0);
        assertThat(engine.onAck(new RoutingAck(first.proposalId(), RoutingAck.Status.REJECTED, Snap.end(0), null,
                "policy"))).isEmpty();
        assertThat(engine.openProposals()).isEmpty();
        assertThat(minute(engine, 1, false)).isEmpty();
        int afterCooldown = (int) ((Snap.end(0) + config.cooldownMs() - Snap.T0) / Snap.MIN);
        assertThat(minute(engine, afterCooldown, false)).hasSize(1);
    }

    @Test
    void rolledBackProposalIsReportedAndBlocked() {
        ProposalEngine engine = new ProposalEngine(config);
        Proposal first = minute(engine, 0, false).get(0);
        engine.onAck(new RoutingAck(first.proposalId(), RoutingAck.Status.APPLIED, Snap.end(0), 0.1, null));
        List<Proposal> out = engine.onAck(new RoutingAck(first.proposalId(), RoutingAck.Status.ROLLED_BACK,
                Snap.end(5), null, "regressed"));
        assertThat(out).singleElement().satisfies(p -> {
            assertThat(p.proposalId()).isEqualTo(first.proposalId());
            assertThat(p.status()).isEqualTo(ProposalStatus.ROLLED_BACK);
        });
        assertThat(minute(engine, 6, false)).isEmpty();
    }

    @Test
    void appliedProposalDoesNotExpireAsUnapplied() {
        ProposalEngine engine = new ProposalEngine(config);
        Proposal first = minute(engine, 0, false).get(0);
        engine.onAck(new RoutingAck(first.proposalId(), RoutingAck.Status.APPLIED, Snap.end(0), 1.0, null));
        assertThat(engine.onTime(first.expiresAt())).isEmpty();
        assertThat(engine.openProposals()).isEmpty();
    }

    @Test
    void idsAreDeterministicAcrossReplays() {
        List<Proposal> a = new ArrayList<>();
        List<Proposal> b = new ArrayList<>();
        ProposalEngine one = new ProposalEngine(config);
        ProposalEngine two = new ProposalEngine(config);
        for (int i = 0; i < 3; i++) {
            a.addAll(minute(one, i, i == 2));
            b.addAll(minute(two, i, i == 2));
        }
        assertThat(a).hasSize(3).isEqualTo(b);
        assertThat(a.get(0).proposalId()).isEqualTo(ProposalEngine.proposalId(ProposalKind.REROUTE,
                Target.requestType("qa"), "reroute|fromModel=gpt-4|toModel=mixtral", Snap.end(0)));
    }

    @Test
    void stateRoundTripsThroughBytesAndBehavesIdentically() {
        ProposalEngine original = new ProposalEngine(config);
        minute(original, 0, false);
        original.onWindow(Dimension.MODEL, "gpt-4", Snap.window(0).requests(100, 1, 1000).cost(100, 3).build());
        original.onAnomaly(AnomalySignal.anomaly(Dimension.MODEL, "x", "latency.p95", Snap.start(0), Snap.end(0),
                1, 1, 0.2));
        original.onCacheDetail(new CacheMissDetail("EXACT", "faq", Snap.start(0), Snap.end(0), 60_000L, 90_000.0,
                null, List.of(new KeyCount("k1", 3))));
        original.onBudget(new TenantBudget("t1", 100, TenantBudget.Period.DAY, Snap.T0));
        byte[] bytes = original.toBytes();
        ProposalEngine restored = ProposalEngine.fromBytes(config, bytes);
        assertThat(restored.toBytes()).isEqualTo(bytes);
        assertThat(restored.openProposals()).isEqualTo(original.openProposals());
        for (int i = 1; i < 5; i++) {
            assertThat(minute(restored, i, i >= 3)).isEqualTo(minute(original, i, i >= 3));
        }
        Proposal open = original.openProposals().get(0);
        assertThat(restored.onTime(open.expiresAt())).isEqualTo(original.onTime(open.expiresAt()));
        assertThat(restored.toBytes()).isEqualTo(original.toBytes());
    }

    /** A store that applies each drain's parts (null deletes) holds the state, whatever happened in between. */
    @Test
    void drainedPartsRebuildTheSameEngineAndOnlyChangedSeriesAreWritten() {
        ProposalEngine original = new ProposalEngine(config);
        java.util.Map<String, byte[]> series = new java.util.TreeMap<>();
        for (int i = 0; i < 4; i++) {
            minute(original, i, i >= 2);
            original.drainChanges().series().forEach((k, v) -> {
                if (v == null) {
                    series.remove(k);
                } else {
                    series.put(k, v);
                }
            });
        }
        original.onAnomaly(AnomalySignal.anomaly(Dimension.MODEL, "x", "latency.p95", Snap.start(4), Snap.end(4),
                1, 1, 0.2));
        original.onWindow(Dimension.MODEL, "gpt-4", Snap.window(4).requests(100, 1, 1000).cost(100, 3).build());
        StateParts last = original.drainChanges();
        assertThat(last.series()).as("only the series that got a window").containsOnlyKeys(
                ProposalEngine.seriesPartKey(Dimension.MODEL, "gpt-4"));
        series.putAll(last.series());
        ProposalEngine restored = ProposalEngine.fromParts(config, last.core(), series);
        assertThat(restored.toBytes()).isEqualTo(original.toBytes());
        assertThat(restored.drainChanges().series()).as("nothing changed since the restore").isEmpty();
        for (int i = 5; i < 8; i++) {
            assertThat(minute(restored, i, i >= 6)).isEqualTo(minute(original, i, i >= 6));
        }

        // A series idle past seriesIdleMs is evicted: its part comes back as a deletion.
        ProposalEngine idle = new ProposalEngine(config);
        idle.onWindow(Dimension.MODEL, "gpt-4", Snap.window(0).requests(100, 1, 1000).build());
        idle.drainChanges();
        idle.onTime(Snap.end(0) + config.seriesIdleMs() + 1);
        assertThat(idle.drainChanges().series()).containsEntry(ProposalEngine.seriesPartKey(Dimension.MODEL, "gpt-4"),
                null);
    }

    @Test
    void rejectsForeignOrCorruptState() {
        byte[] bytes = new ProposalEngine(config).toBytes();
        bytes[0] = 9;
        assertThatThrownBy(() -> ProposalEngine.fromBytes(config, bytes)).hasMessageContaining("format 9");
        byte[] truncated = java.util.Arrays.copyOf(new ProposalEngine(config).toBytes(), 5);
        assertThatThrownBy(() -> ProposalEngine.fromBytes(config, truncated)).isInstanceOf(
                IllegalArgumentException.class);
    }

    @Test
    void windowsOfAnotherLengthAreIgnored() {
        ProposalEngine engine = new ProposalEngine(config);
        var fiveMinutes = new io.beastmode.processors.metrics.MetricsSnapshot(Snap.T0, Snap.T0 + 5 * Snap.MIN,
                null, null, null, null, null, null, null, null);
        assertThat(engine.onWindow(Dimension.MODEL, "m", fiveMinutes)).isEmpty();
        assertThat(engine.now()).isEqualTo(Long.MIN_VALUE);
    }
}
