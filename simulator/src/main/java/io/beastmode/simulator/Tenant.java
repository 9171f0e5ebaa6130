package io.beastmode.simulator;

import java.util.List;
import java.util.Random;

/**
 * A customer of the gateway: its share of the traffic and its daily (UTC) budget. The default shares are a skewed mix
 * like the per-tenant rates of production traces (a few tenants dominate). The budgets are set against the spend of
 * the default replay (about 1,650 USD per simulated hour in total at the default routing mix, the trace starting at
 * 18:15 UTC): at that burn rate {@code t-acme} (about 480 USD/h) exhausts its 1,500 USD around 21:20, before the day
 * ends, while the others keep at least twice the headroom they need.
 */
public record Tenant(String id, double weight, double dailyBudgetUsd) {

    public static List<Tenant> defaults() {
        return List.of(
                new Tenant("t-acme", 0.30, 1500.0),
                new Tenant("t-globex", 0.22, 5000.0),
                new Tenant("t-initech", 0.18, 4000.0),
                new Tenant("t-umbrella", 0.14, 3000.0),
                new Tenant("t-hooli", 0.10, 2000.0),
                new Tenant("t-stark", 0.06, 1500.0));
    }

    /** Draws a tenant by weight. */
    static Tenant pick(List<Tenant> tenants, Random rng) {
        double total = tenants.stream().mapToDouble(Tenant::weight).sum();
        double u = rng.nextDouble() * total;
        for (Tenant t : tenants) {
            u -= t.weight();
            if (u < 0) {
                return t;
            }
        }
        return tenants.get(tenants.size() - 1);
    }
}
