package io.beastmode.processors.metrics;

import io.beastmode.processors.metrics.MetricsSnapshot.InputLengthBucket;
import io.beastmode.processors.metrics.MetricsSnapshot.LatencyStats;
import io.beastmode.processors.metrics.MetricsSnapshot.NamedCount;
import io.beastmode.processors.metrics.MetricsSnapshot.RequestStats;
import io.beastmode.processors.metrics.MetricsSnapshot.UsageStats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Request counts, errors, latency and TTFT sketches, and usage patterns of one window and key. */
final class RequestFamily {

    /** Inclusive upper bounds of the input-length buckets, in tokens. */
    static final int[] INPUT_LENGTH_BOUNDS = {256, 1024, 4096, 16384, Integer.MAX_VALUE};
    static final int TOP_REQUEST_TYPES = 5;
    static final long MINUTE_MS = 60_000L;
    static final String UNKNOWN = "UNKNOWN";

    long count;
    long errorCount;
    final TreeMap<String, Long> errorsByClass = new TreeMap<>();
    final LatencySketch latency;
    LatencySketch timeToFirstToken; // null until a request reports it, so the family can be reported as absent
    final TreeMap<String, Long> requestTypes = new TreeMap<>();
    final TreeMap<Long, Long> minuteCounts = new TreeMap<>();
    // One small sketch per input-length bucket so a slow p99 can be traced to long inputs; its count is the bucket count.
    final LatencySketch[] inputLengthLatency = new LatencySketch[INPUT_LENGTH_BOUNDS.length];

    RequestFamily() {
        this(new LatencySketch());
    }

    private RequestFamily(LatencySketch latency) {
        this.latency = latency;
        for (int i = 0; i < inputLengthLatency.length; i++) {
            inputLengthLatency[i] = new LatencySketch();
        }
    }

    void add(RequestObservation r) {
        count++;
        if (r.error()) {
            errorCount++;
            errorsByClass.merge(Codec.nonNull(r.errorClass(), UNKNOWN), 1L, Long::sum);
        }
        latency.add(r.latencyMs());
        if (r.timeToFirstTokenMs() != null) {
            if (timeToFirstToken == null) {
                timeToFirstToken = new LatencySketch();
            }
            timeToFirstToken.add(r.timeToFirstTokenMs());
        }
        requestTypes.merge(Codec.nonNull(r.requestType(), UNKNOWN), 1L, Long::sum);
        minuteCounts.merge(Math.floorDiv(r.eventTimeMs(), MINUTE_MS) * MINUTE_MS, 1L, Long::sum);
        inputLengthLatency[bucketOf(r.inputTokens())].add(r.latencyMs());
    }

    static int bucketOf(int inputTokens) {
        for (int i = 0; i < INPUT_LENGTH_BOUNDS.length; i++) {
            if (inputTokens <= INPUT_LENGTH_BOUNDS[i]) {
                return i;
            }
        }
        return INPUT_LENGTH_BOUNDS.length - 1;
    }

    void merge(RequestFamily other) {
        count += other.count;
        errorCount += other.errorCount;
        Codec.addCounts(errorsByClass, other.errorsByClass);
        latency.merge(other.latency);
        if (other.timeToFirstToken != null) {
            if (timeToFirstToken == null) {
                timeToFirstToken = other.timeToFirstToken.copy();
            } else {
                timeToFirstToken.merge(other.timeToFirstToken);
            }
        }
        Codec.addCounts(requestTypes, other.requestTypes);
        other.minuteCounts.forEach((minute, n) -> minuteCounts.merge(minute, n, Long::sum));
        for (int i = 0; i < inputLengthLatency.length; i++) {
            inputLengthLatency[i].merge(other.inputLengthLatency[i]);
        }
    }

    RequestFamily copy() {
        RequestFamily copy = new RequestFamily();
        copy.merge(this);
        return copy;
    }

    RequestStats requestStats(double windowSeconds) {
        return new RequestStats(count, count / windowSeconds, errorCount,
                count == 0 ? 0.0 : (double) errorCount / count, Map.copyOf(errorsByClass));
    }

    static RequestStats emptyRequestStats() {
        return new RequestStats(0, 0.0, 0, 0.0, Map.of());
    }

    static LatencyStats latencyStats(LatencySketch sketch) {
        if (sketch == null || sketch.isEmpty()) {
            return null;
        }
        double[] q = sketch.quantiles(0.50, 0.95, 0.99);
        return new LatencyStats(sketch.count(), q[0], q[1], q[2], sketch.max(), sketch.mean());
    }

    UsageStats usageStats() {
        // Ties broken by name so the ranking does not depend on arrival or merge order.
        List<NamedCount> top = requestTypes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_REQUEST_TYPES)
                .map(e -> new NamedCount(e.getKey(), e.getValue()))
                .toList();
        long peakStart = 0;
        long peakCount = 0;
        for (Map.Entry<Long, Long> e : minuteCounts.entrySet()) { // ascending, so ties keep the earliest minute
            if (e.getValue() > peakCount) {
                peakStart = e.getKey();
                peakCount = e.getValue();
            }
        }
        List<InputLengthBucket> buckets = new ArrayList<>(INPUT_LENGTH_BOUNDS.length);
        for (int i = 0; i < INPUT_LENGTH_BOUNDS.length; i++) {
            LatencySketch s = inputLengthLatency[i];
            // An empty bucket reports 0 rather than NaN, which JSON consumers of the Avro record cannot read.
            buckets.add(new InputLengthBucket(INPUT_LENGTH_BOUNDS[i], s.count(), s.isEmpty() ? 0.0 : s.quantile(0.99)));
        }
        return new UsageStats(top, peakStart, peakCount, List.copyOf(buckets));
    }

    void write(DataOutput out) throws IOException {
        Codec.writeVarLong(out, count);
        Codec.writeVarLong(out, errorCount);
        Codec.writeCounts(out, errorsByClass);
        Codec.writeSketch(out, latency);
        out.writeBoolean(timeToFirstToken != null);
        if (timeToFirstToken != null) {
            Codec.writeSketch(out, timeToFirstToken);
        }
        Codec.writeCounts(out, requestTypes);
        Codec.writeVarLong(out, minuteCounts.size());
        for (Map.Entry<Long, Long> e : minuteCounts.entrySet()) {
            Codec.writeSignedVarLong(out, Math.floorDiv(e.getKey(), MINUTE_MS));
            Codec.writeVarLong(out, e.getValue());
        }
        for (LatencySketch s : inputLengthLatency) {
            Codec.writeSketch(out, s);
        }
    }

    static RequestFamily read(DataInput in) throws IOException {
        long count = Codec.readVarLong(in);
        long errorCount = Codec.readVarLong(in);
        TreeMap<String, Long> errors = Codec.readCounts(in);
        RequestFamily f = new RequestFamily(Codec.readSketch(in));
        f.count = count;
        f.errorCount = errorCount;
        f.errorsByClass.putAll(errors);
        if (in.readBoolean()) {
            f.timeToFirstToken = Codec.readSketch(in);
        }
        f.requestTypes.putAll(Codec.readCounts(in));
        int minutes = Codec.readCount(in);
        for (int i = 0; i < minutes; i++) {
            f.minuteCounts.put(Codec.readSignedVarLong(in) * MINUTE_MS, Codec.readVarLong(in));
        }
        for (int i = 0; i < f.inputLengthLatency.length; i++) {
            f.inputLengthLatency[i] = Codec.readSketch(in);
        }
        return f;
    }
}
