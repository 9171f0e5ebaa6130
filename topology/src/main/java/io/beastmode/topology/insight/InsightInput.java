package io.beastmode.topology.insight;

import io.beastmode.analytics.v1.RoutingAck;
import io.beastmode.analytics.v1.WindowMetrics;

/** One input of the single insight processor: a closed window or a routing ack (exactly one is set). */
public record InsightInput(WindowMetrics window, RoutingAck ack) {

    public InsightInput {
        if ((window == null) == (ack == null)) {
            throw new IllegalArgumentException("exactly one of window and ack must be set");
        }
    }

    public static InsightInput of(WindowMetrics w) {
        return new InsightInput(w, null);
    }

    public static InsightInput of(RoutingAck a) {
        return new InsightInput(null, a);
    }
}
