package io.beastmode.simulator.router;

import io.beastmode.analytics.v1.AckStatus;
import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.analytics.v1.ProposalKind;
import io.beastmode.analytics.v1.ProposalStatus;
import io.beastmode.clients.ProposalListener;
import io.beastmode.simulator.Router;
import io.beastmode.telemetry.v1.SelectionReason;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;

/**
 * A simulated routing layer that applies optimization proposals on top of another router and acknowledges them.
 *
 * <ul>
 *   <li>REROUTE (request type T, fromModel A, toModel B): of T's requests the inner router sends to A, the rollout
 *       share goes to B: the canary share first, the full share once the canary duration has passed in event time.
 *   <li>FALLBACK (model M, toModel N): that share of M's requests goes to N; a LIFTED {@code lift_fallback} returns
 *       M's traffic by its own rollout (canary share back first, all of it after the canary duration).
 *   <li>ROLLBACK ({@code rollbackOf} = id): the rolled-back change is undone and acknowledged ROLLED_BACK.
 *   <li>Other kinds (CACHE, BUDGET) are acknowledged REJECTED: the simulated gateway has no such controls.
 * </ul>
 *
 * Acks: ACCEPTED and APPLIED (canary share) when a proposal is taken up, APPLIED again with the full share when the
 * rollout completes.
 *
 * <p>Timing: proposals arrive on the subscriber's thread at wall-clock time, while the simulator runs on event time,
 * possibly much faster. The router applies a proposal at the event time it has reached when it next routes a request
 * after the proposal arrived, and stamps the acks with that event time. So the later a proposal arrives (pipeline
 * lag), the later in event time it is applied, never in the past; replaying at a moderate speed (60x-120x) keeps the
 * lag to a minute or two of event time.
 *
 * <p>{@link #offer} and {@link #listener()} are thread-safe; {@link #route} must be called from one thread.
 */
public final class ProposalApplyingRouter implements Router {

    public static final String VERSION = "proposal-router-v1";

    /** Where acknowledgements go (e.g. a {@code RoutingAckPublisher}). */
    @FunctionalInterface
    public interface AckSink {
        void ack(String proposalId, AckStatus status, long at, Double rolloutShare, String reason);
    }

    /** One change in force: its share of the affected traffic, and when its canary ends (MIN_VALUE when full). */
    private static final class Change {
        final OptimizationProposal proposal;
        final String from;
        final String to;
        double share;
        long fullAt;

        Change(OptimizationProposal p, String from, String to, long now) {
            this.proposal = p;
            this.from = from;
            this.to = to;
            var r = p.getRollout();
            boolean immediate = r.getCanaryDurationMs() <= 0 || r.getCanaryShare() >= r.getFullShare();
            this.share = immediate ? r.getFullShare() : r.getCanaryShare();
            this.fullAt = immediate ? Long.MIN_VALUE : now + r.getCanaryDurationMs();
        }

        String id() {
            return proposal.getProposalId();
        }
    }

    private final Router inner;
    private final AckSink acks;
    private final ConcurrentLinkedQueue<OptimizationProposal> incoming = new ConcurrentLinkedQueue<>();
    // Simulator thread only from here on.
    private final Set<String> handled = new HashSet<>();
    private final Map<String, Change> reroutes = new LinkedHashMap<>(); // request type -> reroute
    private final Map<String, Change> fallbacks = new LinkedHashMap<>(); // degraded model -> fallback
    private final Map<String, Change> lifts = new LinkedHashMap<>(); // model -> lift in progress
    private final List<String> log = new ArrayList<>();
    private long now = Long.MIN_VALUE;
    private LongSupplier pipelineTime;
    private long maxLeadMs;
    private long maxWaitMs;
    private long gateTimeouts;

    public ProposalApplyingRouter(Router inner, AckSink acks) {
        this.inner = inner;
        this.acks = acks;
    }

    /**
     * Makes the replay wait for the pipeline: a request is not routed while it lies more than {@code maxLeadMs} of
     * event time ahead of {@code pipelineEventTime} (e.g. the end of the latest closed window on the metrics topic),
     * so proposals can arrive at the event time they were made for however slow the pipeline is, as they would in
     * a gateway running in real time. Waits at most {@code maxWait} per request, so a stopped pipeline cannot
     * block the replay forever. Call before routing starts. Until the pipeline has closed a window the supplier
     * should return the replay's start: the gated requests are what closes the first windows.
     */
    public ProposalApplyingRouter paceBy(LongSupplier pipelineEventTime, long maxLeadMs, Duration maxWait) {
        this.pipelineTime = pipelineEventTime;
        this.maxLeadMs = maxLeadMs;
        this.maxWaitMs = maxWait.toMillis();
        return this;
    }

    /** Requests routed without the pipeline having caught up within the maximum wait. */
    public long gateTimeouts() {
        return gateTimeouts;
    }

    /** Hands a proposal (as read from the proposals topic) to the router; applied on the next request. */
    public void offer(OptimizationProposal p) {
        if (p != null) {
            incoming.add(p);
        }
    }

    /** For {@code ProposalSubscriber.builder().listener(...)}: every new value of a target is offered. */
    public ProposalListener listener() {
        return (key, oldValue, newValue) -> offer(newValue);
    }

    /** What the router did, one line per action, in order (for reports and tests). Simulator thread only. */
    public List<String> actions() {
        return List.copyOf(log);
    }

    @Override
    public Decision route(Request request) {
        now = Math.max(now, request.arrivalMs());
        awaitPipeline(request.arrivalMs());
        for (OptimizationProposal p; (p = incoming.poll()) != null; ) {
            handle(p, request.candidates());
        }
        completeRollouts();
        Decision d = inner.route(request);
        String model = d.model();
        Decision out = d;
        Change r = reroutes.get(request.requestType());
        if (r != null && model.equals(r.from) && uniform(request.requestId(), 1) < r.share) {
            model = r.to;
            out = new Decision(model, SelectionReason.PROPOSAL, r.id(), VERSION);
        }
        Change f = fallbacks.get(model);
        if (f != null && uniform(request.requestId(), 2) < f.share) {
            out = new Decision(f.to, SelectionReason.PROPOSAL, f.id(), VERSION);
        }
        return out;
    }

    private void awaitPipeline(long eventTime) {
        if (pipelineTime == null) {
            return;
        }
        long deadline = System.currentTimeMillis() + maxWaitMs;
        while (pipelineTime.getAsLong() < eventTime - maxLeadMs) {
            if (System.currentTimeMillis() >= deadline) {
                gateTimeouts++;
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the pipeline", e);
            }
        }
    }

    private void handle(OptimizationProposal p, List<String> candidates) {
        String id = p.getProposalId();
        // The subscriber replays the table on start, and a record may be re-read: act once per id and status.
        if (!handled.add(id + "/" + p.getStatus())) {
            return;
        }
        Map<String, String> params = p.getParameters();
        ProposalKind kind = p.getKind();
        if (kind == ProposalKind.ROLLBACK && p.getStatus() == ProposalStatus.OPEN) {
            rollback(p, params.get("rollbackOf"));
            return;
        }
        if (kind == ProposalKind.FALLBACK && p.getStatus() == ProposalStatus.LIFTED) {
            lift(p);
            return;
        }
        if (p.getStatus() != ProposalStatus.OPEN) {
            return; // SUPERSEDED / EXPIRED / ROLLED_BACK: the replacing record (if any) comes as its own OPEN one
        }
        switch (kind) {
            case REROUTE -> {
                String type = params.get("requestType");
                if (!knownModels(candidates, params.get("fromModel"), params.get("toModel")) || type == null) {
                    reject(p, "models not served by this gateway");
                    return;
                }
                Change c = new Change(p, params.get("fromModel"), params.get("toModel"), now);
                Change old = reroutes.put(type, c);
                apply(c, old);
            }
            case FALLBACK -> {
                String model = p.getTarget().getKey();
                if (!knownModels(candidates, model, params.get("toModel"))) {
                    reject(p, "models not served by this gateway");
                    return;
                }
                Change c = new Change(p, model, params.get("toModel"), now);
                Change old = fallbacks.put(model, c);
                lifts.remove(model);
                apply(c, old);
            }
            default -> reject(p, kind + " has no control in the simulated gateway");
        }
    }

    private static boolean knownModels(List<String> candidates, String... models) {
        for (String m : models) {
            if (m == null || !candidates.contains(m)) {
                return false;
            }
        }
        return true;
    }

    private void apply(Change c, Change replaced) {
        acks.ack(c.id(), AckStatus.ACCEPTED, now, null, null);
        acks.ack(c.id(), AckStatus.APPLIED, now, c.share, null);
        log.add(now + " applied " + c.proposal.getKind() + " " + c.proposal.getTarget().getKey() + " " + c.from
                + "->" + c.to + " share " + c.share + (replaced == null ? "" : " (replaces " + replaced.id() + ")"));
    }

    private void reject(OptimizationProposal p, String reason) {
        acks.ack(p.getProposalId(), AckStatus.REJECTED, now, null, reason);
        log.add(now + " rejected " + p.getKind() + " " + p.getTarget().getKey() + ": " + reason);
    }

    /** A lift is a change of its own: the share of the model's traffic that comes back. */
    private void lift(OptimizationProposal p) {
        String model = p.getTarget().getKey();
        Change fallback = fallbacks.get(model);
        if (fallback == null) {
            reject(p, "no fallback in force for " + model);
            return;
        }
        Change lift = new Change(p, fallback.to, model, now);
        lifts.put(model, lift);
        fallback.share = 1.0 - lift.share;
        acks.ack(lift.id(), AckStatus.ACCEPTED, now, null, null);
        acks.ack(lift.id(), AckStatus.APPLIED, now, lift.share, null);
        log.add(now + " lifting FALLBACK " + model + ", share back " + lift.share);
        if (lift.fullAt == Long.MIN_VALUE) {
            fallbacks.remove(model);
            lifts.remove(model);
        }
    }

    private void rollback(OptimizationProposal p, String rollbackOf) {
        Change undone = null;
        for (Map<String, Change> m : List.of(reroutes, fallbacks, lifts)) {
            var it = m.entrySet().iterator();
            while (it.hasNext()) {
                Change c = it.next().getValue();
                if (c.id().equals(rollbackOf)) {
                    undone = c;
                    it.remove();
                }
            }
        }
        if (undone == null) {
            reject(p, "proposal " + rollbackOf + " is not in force");
            return;
        }
        acks.ack(rollbackOf, AckStatus.ROLLED_BACK, now, null, "rollback " + p.getProposalId());
        acks.ack(p.getProposalId(), AckStatus.ACCEPTED, now, null, null);
        acks.ack(p.getProposalId(), AckStatus.APPLIED, now, 1.0, null);
        log.add(now + " rolled back " + undone.proposal.getKind() + " " + undone.proposal.getTarget().getKey());
    }

    /** Canary stages whose duration has passed in event time go to their full share. */
    private void completeRollouts() {
        for (Change c : reroutes.values()) {
            full(c);
        }
        for (Change c : fallbacks.values()) {
            full(c);
        }
        var it = lifts.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (full(e.getValue())) {
                fallbacks.remove(e.getKey()); // all traffic is back on the model
                it.remove();
            } else if (fallbacks.containsKey(e.getKey())) {
                fallbacks.get(e.getKey()).share = 1.0 - e.getValue().share;
            }
        }
    }

    /** Moves a change to its full share when its canary is over; true when it just did. */
    private boolean full(Change c) {
        if (c.fullAt == Long.MIN_VALUE || now < c.fullAt) {
            return false;
        }
        c.share = c.proposal.getRollout().getFullShare();
        c.fullAt = Long.MIN_VALUE;
        acks.ack(c.id(), AckStatus.APPLIED, now, c.share, null);
        log.add(now + " full rollout of " + c.proposal.getKind() + " " + c.proposal.getTarget().getKey() + " share "
                + c.share);
        return true;
    }

    /** A uniform draw in [0,1) from the request id, independent of the inner router's draw (which decided A). */
    static double uniform(String requestId, int salt) {
        long z = requestId.hashCode() * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
