package io.beastmode.simulator;

import io.beastmode.telemetry.v1.BudgetPeriod;
import io.beastmode.telemetry.v1.CacheEvent;
import io.beastmode.telemetry.v1.CostEvent;
import io.beastmode.telemetry.v1.RequestEvent;
import io.beastmode.telemetry.v1.RequestStatus;
import io.beastmode.telemetry.v1.SelectionEvent;
import io.beastmode.telemetry.v1.SelectionEventKind;
import org.apache.avro.specific.SpecificRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Pure traffic generation (no Kafka): merges the Azure code and conversation arrivals and the Mooncake long-context
 * arrivals into one gateway, and for each request emits one SelectionEvent (at arrival), its CacheEvents (as each
 * lookup finishes), then one RequestEvent and one CostEvent (at completion). Events come out in event-time order
 * (ties in generation order), so replaying at any speed fills the same windows.
 *
 * <p>Every random choice comes from streams seeded by {@link SimulatorOptions#seed()}: the same seed and data give the
 * same events, byte for byte. Each concern (tenants, routing, quality, cache, latency, errors) has its own stream so
 * that changing one (e.g. another router) does not reshuffle the others.
 */
public final class GatewaySimulator implements Iterator<SimEvent> {
    static final long DAY_MS = 86_400_000L;
    private static final long MINUTE_MS = 60_000L;

    private enum Source { CODE, CONVERSATION, LONG_CONTEXT }

    private record Arrival(long traceTimeMs, Source source, int index) {
    }

    private final TraceData data;
    private final Router router;
    private final List<Tenant> tenants;
    private final Map<String, ModelProfile> profiles = new HashMap<>();
    private final Map<String, PriceBook.Price> prices = new HashMap<>();
    private final Map<String, Map<String, Double>> priorQuality = new HashMap<>();
    private final List<String> candidates;
    private final String baseline;
    private final List<Incident> incidents;
    private final CacheSimulator cache;
    private final List<Arrival> arrivals;
    private final long shiftMs;
    private final long lapMs;
    private final long traceStartMs;
    /** Event-time offsets from the trace start are divided by this (1: the trace's own spacing). */
    private final double timeCompression;
    private final long maxEvents;
    private final long seed;

    private final Random tenantRng;
    private final Random routerRng;
    private final Random qualityRng;
    private final Random latencyRng;
    private final Random errorRng;
    private final Random miscRng;

    private final PriorityQueue<SimEvent> pending = new PriorityQueue<>(
            Comparator.comparingLong(SimEvent::eventTime).thenComparingLong(SimEvent::sequence));
    private int nextArrival;
    private int lap;
    private long sequence;
    private long emitted;
    private long requests;

    public GatewaySimulator(TraceData data, SimulatorOptions options) {
        this(data, options, new Router.StaticShare(ModelProfile.MIXTRAL.model(), options.cheapShare()));
    }

    public GatewaySimulator(TraceData data, SimulatorOptions options, Router router) {
        this.data = data;
        this.router = router;
        this.tenants = Tenant.defaults();
        this.seed = options.seed();
        this.maxEvents = options.maxEvents();
        for (ModelProfile p : List.of(ModelProfile.GPT4_TURBO, ModelProfile.MIXTRAL)) {
            profiles.put(p.model(), p);
            prices.put(p.model(), data.prices().lookup(p.model(), p.provider()));
        }
        this.baseline = ModelProfile.GPT4_TURBO.model();
        this.candidates = List.of(ModelProfile.GPT4_TURBO.model(), ModelProfile.MIXTRAL.model());
        data.qualityPools().forEach((type, labels) -> priorQuality.put(type, Map.of(
                RouteLlmQuality.STRONG_MODEL, labels.stream().mapToDouble(RouteLlmQuality.Label::strong).average().orElse(0),
                RouteLlmQuality.WEAK_MODEL, labels.stream().mapToDouble(RouteLlmQuality.Label::weak).average().orElse(0))));

        long traceStart = data.traceStartMs();
        this.shiftMs = options.start() == null ? 0 : options.start().toEpochMilli() - traceStart;
        // A replay longer than the trace starts it again one second after its last arrival: no hole in the traffic
        // (starting on the next whole minute left up to two quiet minutes per lap, which detectors rightly flagged).
        this.lapMs = data.traceEndMs() - traceStart + 1_000L;
        this.traceStartMs = traceStart;
        double traceRate = data.requests() * 1000.0 / lapMs;
        this.timeCompression = options.requestRate() > 0 ? options.requestRate() / traceRate : 1;
        long firstMinute = ceilToMinute(traceStart + shiftMs);
        this.incidents = options.incidents().stream().map(s -> s.at(firstMinute)).toList();

        this.tenantRng = stream(1);
        this.routerRng = stream(2);
        this.qualityRng = stream(3);
        this.cache = new CacheSimulator(stream(4), incidents);
        this.latencyRng = stream(5);
        this.errorRng = stream(6);
        this.miscRng = stream(7);
        this.arrivals = merge(data);
    }

    /** Loads the data named by the options (full data or bundled sample) and builds a simulator on it. */
    public static GatewaySimulator create(SimulatorOptions options) {
        return new GatewaySimulator(TraceData.load(TraceFiles.resolve(options.dataDir())), options);
    }

    private Random stream(int concern) {
        return new Random(seed * 0x9E3779B97F4A7C15L + concern * 0xBF58476D1CE4E5B9L);
    }

    private static long ceilToMinute(long ms) {
        return Math.floorDiv(ms + MINUTE_MS - 1, MINUTE_MS) * MINUTE_MS;
    }

    private static List<Arrival> merge(TraceData data) {
        List<Arrival> out = new ArrayList<>(data.requests());
        for (int i = 0; i < data.code().size(); i++) {
            out.add(new Arrival(data.code().get(i).timeMs(), Source.CODE, i));
        }
        for (int i = 0; i < data.conversation().size(); i++) {
            out.add(new Arrival(data.conversation().get(i).timeMs(), Source.CONVERSATION, i));
        }
        long start = data.traceStartMs();
        for (int i = 0; i < data.longContext().size(); i++) {
            out.add(new Arrival(start + data.longContext().get(i).offsetMs(), Source.LONG_CONTEXT, i));
        }
        out.sort(Comparator.comparingLong(Arrival::traceTimeMs).thenComparing(Arrival::source).thenComparingInt(Arrival::index));
        return out;
    }

    /** The incidents of this run, in absolute event time. */
    public List<Incident> incidents() {
        return incidents;
    }

    /** Event time of the first arrival. */
    public long startMs() {
        return data.traceStartMs() + shiftMs;
    }

    public TraceData data() {
        return data;
    }

    /** Requests generated so far (their events may still be pending). */
    public long requestsGenerated() {
        return requests;
    }

    /** Events handed out so far. */
    public long eventsEmitted() {
        return emitted;
    }

    public Stream<SimEvent> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    @Override
    public boolean hasNext() {
        if (maxEvents > 0 && emitted >= maxEvents) {
            return false;
        }
        fill();
        return !pending.isEmpty();
    }

    @Override
    public SimEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        emitted++;
        return pending.poll();
    }

    /** Generates requests until the earliest pending event cannot be preceded by one from a later arrival. */
    private void fill() {
        while (true) {
            long next = nextArrivalTime();
            if (next == Long.MAX_VALUE || (!pending.isEmpty() && pending.peek().eventTime() <= next)) {
                return;
            }
            Arrival a = arrivals.get(nextArrival++);
            generate(a, next);
        }
    }

    private long nextArrivalTime() {
        if (nextArrival >= arrivals.size()) {
            if (maxEvents <= 0) {
                return Long.MAX_VALUE; // one pass only
            }
            nextArrival = 0;
            lap++;
        }
        long offset = arrivals.get(nextArrival).traceTimeMs() - traceStartMs + lap * lapMs;
        // Rounded down: arrivals stay in trace order, and equal times keep their generation order.
        return traceStartMs + shiftMs + (timeCompression == 1 ? offset : (long) (offset / timeCompression));
    }

    private void generate(Arrival a, long t) {
        String requestId = "req-" + seed + "-" + requests++;
        Tenant tenant = Tenant.pick(tenants, tenantRng);
        String type;
        int input;
        int output;
        int[] hashIds = null;
        switch (a.source()) {
            case CODE -> {
                AzureTrace.Request r = data.code().get(a.index());
                type = "code";
                input = r.contextTokens();
                output = r.generatedTokens();
            }
            case CONVERSATION -> {
                AzureTrace.Request r = data.conversation().get(a.index());
                type = "conversation";
                input = r.contextTokens();
                output = r.generatedTokens();
            }
            default -> {
                MooncakeTrace.Request r = data.longContext().get(a.index());
                type = "long-context";
                input = r.inputTokens();
                output = r.outputTokens();
                hashIds = r.hashIds();
            }
        }
        List<RouteLlmQuality.Label> pool = data.qualityPools().get(type);
        RouteLlmQuality.Label label = pool.get(qualityRng.nextInt(pool.size()));
        Router.Decision decision = router.route(new Router.Request(requestId, t, tenant.id(), type, baseline, candidates,
                routerRng.nextDouble()));
        String model = decision.model();
        ModelProfile profile = profiles.get(model);
        if (profile == null) {
            throw new IllegalStateException("router chose unknown model '" + model + "'; candidates are " + candidates);
        }
        boolean streaming = miscRng.nextDouble() < switch (type) {
            case "code" -> 0.5;
            case "conversation" -> 0.9;
            default -> 1.0;
        };
        String node = "gw-" + (1 + miscRng.nextInt(3));

        List<CacheSimulator.Lookup> lookups = hashIds != null
                ? List.of(cache.prefixLookup(model, t, input, hashIds))
                : cache.promptLookups(type, t, input, output);
        boolean fromCache = lookups.stream().anyMatch(CacheSimulator.Lookup::servesResponse);
        int prefixCached = lookups.stream().filter(l -> l.tier() == io.beastmode.telemetry.v1.CacheTier.PREFIX)
                .mapToInt(CacheSimulator.Lookup::tokensSaved).sum();

        double slowdown = 1.0;
        double errorRate = profile.baseErrorRate();
        boolean burst = false;
        for (Incident i : incidents) {
            if (i.activeAt(t) && i.targets(model)) {
                if (i.kind() == Incident.Kind.DEGRADED_LATENCY) {
                    slowdown *= i.magnitude();
                } else if (i.kind() == Incident.Kind.ERROR_BURST && i.magnitude() > errorRate) {
                    errorRate = i.magnitude();
                    burst = true;
                }
            }
        }
        // Draw every value of these streams for every request, whatever the branch, to keep them aligned.
        ModelProfile.Timing timing = profile.sample(input - prefixCached, output, slowdown, latencyRng);
        double overhead = 1.5 * Math.exp(0.3 * latencyRng.nextGaussian());
        double errorDraw = errorRng.nextDouble();
        double errorKind = errorRng.nextDouble();
        double errorAt = errorRng.nextDouble();

        double cacheMs = 0;
        List<Long> lookupTimes = new ArrayList<>(lookups.size());
        for (CacheSimulator.Lookup l : lookups) {
            cacheMs += l.latencyMs();
            lookupTimes.add(t + (long) Math.ceil(cacheMs));
        }
        RequestStatus status = RequestStatus.OK;
        String errorClass = null;
        double latency;
        Double ttft;
        int outputTokens = output;
        if (fromCache) {
            latency = cacheMs + overhead;
            ttft = streaming ? latency : null;
        } else if (errorDraw < errorRate) {
            outputTokens = 0;
            ttft = null;
            if (burst || errorKind < 0.7) {
                status = RequestStatus.ERROR;
                errorClass = "upstream_5xx";
                latency = cacheMs + overhead + timing.ttftMs() * (0.3 + 0.7 * errorAt); // fails before the first token
            } else if (errorKind < 0.9) {
                status = RequestStatus.TIMEOUT;
                errorClass = "timeout";
                latency = cacheMs + overhead + 30_000; // the gateway's upstream timeout
            } else {
                status = RequestStatus.RATE_LIMITED;
                errorClass = "rate_limit";
                latency = cacheMs + overhead + 20 + 30 * errorAt;
            }
        } else {
            double first = cacheMs + overhead + timing.ttftMs();
            ttft = streaming ? first : null;
            latency = first + timing.decodeMs();
        }
        latency = round3(latency);
        ttft = ttft == null ? null : Math.min(latency, round3(ttft));
        long done = t + (long) Math.ceil(latency);
        boolean ok = status == RequestStatus.OK;

        double strongQ = label.strong();
        double weakQ = label.weak();
        Double observed = ok ? (model.equals(RouteLlmQuality.STRONG_MODEL) ? strongQ : weakQ) : null;
        add(t, EventKind.SELECTION, requestId, SelectionEvent.newBuilder()
                .setEventId(requestId + "/selection").setRequestId(requestId).setEventTime(t).setTenant(tenant.id())
                .setRequestType(type).setKind(SelectionEventKind.SELECTION).setPolicyVersion(decision.policyVersion())
                .setCandidateModels(candidates).setSelectedModel(model).setBaselineModel(baseline)
                .setReason(decision.reason()).setProposalId(decision.proposalId())
                .setPredictedQuality(priorQuality.get(type).get(model)).setObservedQuality(observed)
                .setCandidateQualities(Map.of(RouteLlmQuality.STRONG_MODEL, strongQ, RouteLlmQuality.WEAK_MODEL, weakQ))
                .build());
        for (int i = 0; i < lookups.size(); i++) {
            CacheSimulator.Lookup l = lookups.get(i);
            add(lookupTimes.get(i), EventKind.CACHE, requestId, CacheEvent.newBuilder()
                    .setEventId(requestId + "/cache/" + i).setRequestId(requestId).setEventTime(lookupTimes.get(i))
                    .setTenant(tenant.id()).setRequestType(type).setTier(l.tier()).setNamespace(l.namespace())
                    .setOutcome(l.outcome()).setLookupLatencyMs(round3(l.latencyMs())).setSimilarity(l.similarity())
                    .setThreshold(l.threshold()).setEntryAgeMs(l.entryAgeMs()).setTtlMs(l.ttlMs())
                    .setTokensSaved(l.tokensSaved()).setKeyHash(l.keyHash()).build());
        }
        add(done, EventKind.REQUEST, requestId, RequestEvent.newBuilder()
                .setEventId(requestId + "/request").setRequestId(requestId).setEventTime(done).setTenant(tenant.id())
                .setRequestType(type).setRequestedModel(baseline).setServedModel(model).setProvider(profile.provider())
                .setStatus(status).setErrorClass(errorClass).setLatencyMs(latency).setTimeToFirstTokenMs(ttft)
                .setInputTokens(input).setOutputTokens(outputTokens).setStreaming(streaming).setGatewayNode(node).build());
        // Failed calls are not billed; cached answers cost nothing but are compared with the uncached baseline.
        boolean billed = ok && !fromCache;
        int billedIn = billed ? input : 0;
        int billedOut = billed ? output : 0;
        add(done, EventKind.COST, requestId, CostEvent.newBuilder()
                .setEventId(requestId + "/cost").setRequestId(requestId).setEventTime(done).setTenant(tenant.id())
                .setRequestType(type).setModel(model).setInputTokens(billedIn).setOutputTokens(billedOut)
                .setCostUsd(prices.get(model).cost(billedIn, billedOut)).setBaselineModel(baseline)
                .setBaselineCostUsd(ok ? prices.get(baseline).cost(input, output) : 0.0)
                .setBudgetId("budget-" + tenant.id() + "-daily").setBudgetLimitUsd(tenant.dailyBudgetUsd())
                .setBudgetPeriod(BudgetPeriod.DAY).setBudgetPeriodStart(Math.floorDiv(done, DAY_MS) * DAY_MS).build());
    }

    private void add(long time, EventKind kind, String requestId, SpecificRecord record) {
        pending.add(new SimEvent(time, sequence++, kind, requestId, record));
    }

    private static double round3(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** The prices used, for summaries. */
    public Map<String, PriceBook.Price> prices() {
        return Map.copyOf(prices);
    }
}
