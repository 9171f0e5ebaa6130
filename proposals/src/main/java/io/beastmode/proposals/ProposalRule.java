package io.beastmode.proposals;

import java.util.List;

/**
 * One kind of proposal. A rule is a pure function of the engine's evidence: woken when a series of a dimension it
 * reads changes, it returns what it would propose now; the engine decides what is new, a repeat or a material change.
 */
public interface ProposalRule {

    String name();

    /** Whether a new window or signal of this dimension can change the rule's conclusion. */
    boolean triggeredBy(Dimension dimension);

    /** Drafts for the series (dimension, key) that just changed; empty when nothing is warranted. */
    List<Draft> evaluate(RuleContext context, Dimension dimension, String key);

    /**
     * Re-judges an open proposal of this rule when event time passes without new evidence on its series (e.g. a
     * fallback whose model receives no traffic). Default: nothing.
     */
    default List<Draft> review(RuleContext context, Proposal open) {
        return List.of();
    }

    /**
     * Whether a draft differs enough from the open proposal of its slot to supersede it. By default: any identity
     * parameter differs. Rules whose parameters drift (a TTL estimate, a projected time) override this with a
     * tolerance, so an open proposal is not re-issued every window.
     */
    default boolean materiallyDifferent(Proposal open, Draft draft) {
        if (!open.action().equals(draft.action())) {
            return true;
        }
        for (String name : draft.identity()) {
            if (!java.util.Objects.equals(open.parameter(name), draft.parameters().get(name))) {
                return true;
            }
        }
        return false;
    }
}
