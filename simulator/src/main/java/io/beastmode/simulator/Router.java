package io.beastmode.simulator;

import io.beastmode.telemetry.v1.SelectionReason;

import java.util.List;
import java.util.Map;

/**
 * The simulated gateway's routing policy: picks the model for each request. Pluggable so a router that applies
 * optimization proposals (canary, then full) can replace the static one without touching the simulator; it gets a
 * uniform draw from the simulator's seeded stream so its choices stay reproducible.
 */
public interface Router {

    /**
     * @param draw uniform in [0,1) from the simulator's routing stream, for share-based choices
     */
    record Request(String requestId, long arrivalMs, String tenant, String requestType, String baselineModel,
                   List<String> candidates, double draw) {
    }

    /** The model chosen and why; {@code proposalId} only when {@code reason} is PROPOSAL. */
    record Decision(String model, SelectionReason reason, String proposalId, String policyVersion) {
    }

    Decision route(Request request);

    /**
     * The default policy: a fixed share of each request type goes to the cheap model, the rest to the baseline.
     * Request types not in the map stay on the baseline.
     */
    record StaticShare(String cheapModel, Map<String, Double> cheapShare) implements Router {
        public static final String VERSION = "static-share-v1";

        /** Some of every type goes to the cheap model, so both models' quality and latency are observed everywhere. */
        public static Map<String, Double> defaultShares() {
            return Map.of("code", 0.10, "conversation", 0.25, "long-context", 0.15);
        }

        @Override
        public Decision route(Request request) {
            double share = cheapShare.getOrDefault(request.requestType(), 0.0);
            String model = request.draw() < share ? cheapModel : request.baselineModel();
            return new Decision(model, SelectionReason.STRATEGY, null, VERSION);
        }
    }
}
