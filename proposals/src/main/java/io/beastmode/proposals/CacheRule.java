package io.beastmode.proposals;

/** A CACHE rule: woken by the windows and details of a cache tier and namespace. */
abstract class CacheRule implements ProposalRule {

    @Override
    public boolean triggeredBy(Dimension dimension) {
        return dimension == Dimension.CACHE_TIER_NAMESPACE;
    }

    /** The interface's default, reachable from subclasses that only refine it. */
    @Override
    public boolean materiallyDifferent(Proposal open, Draft draft) {
        return ProposalRule.super.materiallyDifferent(open, draft);
    }
}
