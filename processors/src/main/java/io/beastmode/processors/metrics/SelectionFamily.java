package io.beastmode.processors.metrics;

import io.beastmode.processors.metrics.MetricsSnapshot.QualityStat;
import io.beastmode.processors.metrics.MetricsSnapshot.SelectionStats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** Routing decisions of one window and key: model share, observed quality, accuracy, fallbacks. */
final class SelectionFamily {

    // Qualities are decimals in binary floating point: 0.85 >= 0.90 - 0.05 must hold.
    private static final double COMPARE_EPSILON = 1e-9;

    long selections;
    long fallbacks;
    long judged;
    long accurate;
    final TreeMap<String, Long> models = new TreeMap<>();
    final TreeMap<String, double[]> quality = new TreeMap<>(); // model -> {samples, sum, sumSquares}

    void add(SelectionObservation s, double tolerance) {
        String model = Codec.nonNull(s.selectedModel(), RequestFamily.UNKNOWN);
        selections++;
        if (s.fallback()) {
            fallbacks++;
        }
        models.merge(model, 1L, Long::sum);
        Double observed = s.observedQuality();
        if (observed != null) {
            double[] q = quality.computeIfAbsent(model, m -> new double[3]);
            q[0]++;
            q[1] += observed;
            q[2] += observed * observed;
            if (!s.candidateQualities().isEmpty()) {
                judged++;
                double best = Double.NEGATIVE_INFINITY; // a loop: a stream per event was 2% of a profile
                for (double candidate : s.candidateQualities().values()) {
                    best = Math.max(best, candidate);
                }
                if (observed + COMPARE_EPSILON >= best - tolerance) {
                    accurate++;
                }
            }
        }
    }

    void merge(SelectionFamily other) {
        selections += other.selections;
        fallbacks += other.fallbacks;
        judged += other.judged;
        accurate += other.accurate;
        Codec.addCounts(models, other.models);
        other.quality.forEach((model, q) -> {
            double[] mine = quality.computeIfAbsent(model, m -> new double[3]);
            for (int i = 0; i < mine.length; i++) {
                mine[i] += q[i];
            }
        });
    }

    SelectionFamily copy() {
        SelectionFamily copy = new SelectionFamily();
        copy.merge(this);
        return copy;
    }

    SelectionStats stats() {
        Map<String, Double> share = new TreeMap<>();
        models.forEach((model, n) -> share.put(model, (double) n / selections));
        Map<String, QualityStat> byModel = new TreeMap<>();
        quality.forEach((model, q) -> byModel.put(model, new QualityStat((long) q[0], q[1] / q[0], q[2])));
        return new SelectionStats(selections, Map.copyOf(share), Map.copyOf(byModel),
                judged == 0 ? null : (double) accurate / judged, (double) fallbacks / selections);
    }

    void write(DataOutput out) throws IOException {
        Codec.writeVarLong(out, selections);
        Codec.writeVarLong(out, fallbacks);
        Codec.writeVarLong(out, judged);
        Codec.writeVarLong(out, accurate);
        Codec.writeCounts(out, models);
        Codec.writeVarLong(out, quality.size());
        for (Map.Entry<String, double[]> e : quality.entrySet()) {
            out.writeUTF(e.getKey());
            Codec.writeVarLong(out, (long) e.getValue()[0]);
            out.writeDouble(e.getValue()[1]);
            out.writeDouble(e.getValue()[2]);
        }
    }

    static SelectionFamily read(DataInput in) throws IOException {
        SelectionFamily f = new SelectionFamily();
        f.selections = Codec.readVarLong(in);
        f.fallbacks = Codec.readVarLong(in);
        f.judged = Codec.readVarLong(in);
        f.accurate = Codec.readVarLong(in);
        f.models.putAll(Codec.readCounts(in));
        int n = Codec.readCount(in);
        for (int i = 0; i < n; i++) {
            f.quality.put(in.readUTF(), new double[]{Codec.readVarLong(in), in.readDouble(), in.readDouble()});
        }
        return f;
    }
}
