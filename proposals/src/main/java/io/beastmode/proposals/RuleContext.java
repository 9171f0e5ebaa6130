package io.beastmode.proposals;

import io.beastmode.processors.metrics.MetricsSnapshot;

import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/** What a rule may read: configuration, the event-time clock, evidence and the open proposals. Read-only. */
public final class RuleContext {

    private final ProposalConfig config;
    private final EvidenceStore store;
    private final long now;
    private final BiFunction<Target, String, Proposal> openProposals;

    RuleContext(ProposalConfig config, EvidenceStore store, long now,
                BiFunction<Target, String, Proposal> openProposals) {
        this.config = config;
        this.store = store;
        this.now = now;
        this.openProposals = openProposals;
    }

    public ProposalConfig config() {
        return config;
    }

    /** Event time: the latest window end, signal or tick the engine has seen. */
    public long now() {
        return now;
    }

    /** The series' retained windows, oldest first. */
    public List<MetricsSnapshot> windows(Dimension dimension, String key) {
        return store.windows(dimension, key);
    }

    public Set<String> keys(Dimension dimension) {
        return store.keys(dimension);
    }

    public List<CacheMissDetail> cacheDetails(String tierNamespace) {
        return store.cacheDetails(tierNamespace);
    }

    public TenantBudget budget(String tenant) {
        return store.budget(tenant);
    }

    public List<AnomalyState> anomalies() {
        return store.anomalies();
    }

    /** The open proposal of a target's slot, null when none. */
    public Proposal openProposal(Target target, String slot) {
        return openProposals.apply(target, slot);
    }
}
