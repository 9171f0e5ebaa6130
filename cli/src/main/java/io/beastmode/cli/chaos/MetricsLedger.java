package io.beastmode.cli.chaos;

import io.beastmode.analytics.v1.WindowMetrics;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.Schema;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything one run emitted on its metrics topic, compactly: per window (the metrics key) the fingerprint of each
 * final emission, and for the 1-minute ALL windows the request count of each emission. A window emitted more than once
 * is a duplicate (exactly-once means once); two runs agree when every window has the same fingerprint.
 *
 * <p>The fingerprint covers every field but {@code emittedAt} (wall clock): a hash of everything but the doubles, and
 * the doubles themselves, which two windows may differ in by a relative 1e-9 at most: a restart may replay the records
 * of a window task in another interleaving of its upstream tasks, and floating-point sums depend on the order of their
 * terms in the last bits (seen: a mean of 198.4810078125 against 198.4810078130).
 */
final class MetricsLedger {
    private final long tumblingMs;
    private final Map<String, List<Print>> fingerprints = new HashMap<>();

    /** Hash of a window's text without its doubles, and the doubles in order. */
    record Print(long hash, double[] doubles) {
        boolean matches(Print o) {
            if (hash != o.hash || doubles.length != o.doubles.length) {
                return false;
            }
            for (int i = 0; i < doubles.length; i++) {
                double a = doubles[i];
                double b = o.doubles[i];
                if (Double.compare(a, b) != 0 && !(Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)))) {
                    return false;
                }
            }
            return true;
        }
    }
    /** ALL, tumbling: window start -> request count of each emission. */
    private final Map<Long, List<Long>> allRequests = new TreeMap<>();
    private long records;
    private long interim;

    private final Map<String, String> texts;

    MetricsLedger(long tumblingMs, boolean keepText) {
        this.tumblingMs = tumblingMs;
        this.texts = keepText ? new HashMap<>() : null;
    }

    /** Where the first emission of {@code key} differs from the reference's (when the texts were kept). */
    synchronized String explain(MetricsLedger reference, String keyWithNote) {
        String key = keyWithNote.replaceFirst(" \\([a-z]+\\)$", "");
        if (texts == null || reference.texts == null) {
            return "";
        }
        String a = texts.get(key);
        String b = reference.texts.get(key);
        if (a == null || b == null) {
            return "";
        }
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 150);
        return "; first difference in " + key + ": ..." + a.substring(from, Math.min(a.length(), i + 80))
                + " (reference: ..." + b.substring(Math.min(from, b.length()), Math.min(b.length(), i + 80)) + ")";
    }

    synchronized void add(String key, WindowMetrics m) {
        records++;
        if (!m.getFinal$()) {
            interim++;
            return;
        }
        StringBuilder text = new StringBuilder(2048);
        List<Double> doubles = new ArrayList<>();
        normalize(m, text, doubles);
        fingerprints.computeIfAbsent(key, k -> new ArrayList<>(1))
                .add(new Print(hash(text), doubles.stream().mapToDouble(Double::doubleValue).toArray()));
        if (texts != null) {
            String t = text.toString();
            for (int i = doubles.size(); i >= 1; i--) {
                t = t.replace("#" + i, String.format(Locale.ROOT, "%.15g", doubles.get(i - 1)));
            }
            texts.putIfAbsent(key, t);
        }
        if ("ALL".equals(m.getDimension().name()) && m.getWindowSizeMs() == tumblingMs) {
            allRequests.computeIfAbsent(m.getWindowStart(), k -> new ArrayList<>(1)).add(m.getRequests().getCount());
        }
    }

    synchronized long records() {
        return records;
    }

    synchronized long interim() {
        return interim;
    }

    /** How many of {@code starts} have a final 1-minute ALL window. */
    synchronized int seen(Set<Long> starts) {
        int n = 0;
        for (Long s : starts) {
            if (allRequests.containsKey(s)) {
                n++;
            }
        }
        return n;
    }

    /** Requests over every final 1-minute ALL emission, duplicates included. */
    synchronized long countedAll() {
        return allRequests.values().stream().flatMap(List::stream).mapToLong(Long::longValue).sum();
    }

    /** Requests over the first emission of each final 1-minute ALL window. */
    synchronized long countedDistinct() {
        return allRequests.values().stream().mapToLong(l -> l.get(0)).sum();
    }

    /** Windows (any dimension and size) emitted more than once. */
    synchronized long reEmittedWindows() {
        return fingerprints.values().stream().filter(l -> l.size() > 1).count();
    }

    /** Whether every window {@code reference} emitted has been emitted here too (whatever its values). */
    synchronized boolean hasEvery(MetricsLedger reference) {
        synchronized (reference) {
            return fingerprints.keySet().containsAll(reference.fingerprints.keySet());
        }
    }

    synchronized int windows() {
        return fingerprints.size();
    }

    /** Per 1-minute ALL window start: the request count of its first emission. */
    synchronized Map<Long, Long> requestsPerMinute() {
        Map<Long, Long> out = new TreeMap<>();
        allRequests.forEach((s, l) -> out.put(s, l.get(0)));
        return out;
    }

    /** Keys whose first emission differs from {@code reference}'s, plus keys only one of them has. */
    synchronized List<String> differences(MetricsLedger reference) {
        List<String> out = new ArrayList<>();
        synchronized (reference) {
            for (Map.Entry<String, List<Print>> e : reference.fingerprints.entrySet()) {
                List<Print> mine = fingerprints.get(e.getKey());
                if (mine == null) {
                    out.add(e.getKey() + " (missing)");
                } else if (!mine.get(0).matches(e.getValue().get(0))) {
                    out.add(e.getKey() + " (differs)");
                }
            }
            for (String k : fingerprints.keySet()) {
                if (!reference.fingerprints.containsKey(k)) {
                    out.add(k + " (extra)");
                }
            }
        }
        return out;
    }

    private static long hash(CharSequence sb) {
        // FNV-1a, 64 bit: collisions between two different windows of one key are not a practical concern here.
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < sb.length(); i++) {
            h ^= sb.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static void normalize(Object v, StringBuilder sb, List<Double> doubles) {
        if (v instanceof IndexedRecord r) {
            sb.append('{');
            for (Schema.Field f : r.getSchema().getFields()) {
                if (f.name().equals("emittedAt")) {
                    continue;
                }
                sb.append(f.name()).append('=');
                normalize(r.get(f.pos()), sb, doubles);
                sb.append(',');
            }
            sb.append('}');
        } else if (v instanceof Map<?, ?> map) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            map.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            sb.append('{');
            sorted.forEach((k, x) -> {
                sb.append(k).append('=');
                normalize(x, sb, doubles);
                sb.append(',');
            });
            sb.append('}');
        } else if (v instanceof List<?> list) {
            sb.append('[');
            list.forEach(x -> {
                normalize(x, sb, doubles);
                sb.append(',');
            });
            sb.append(']');
        } else if (v instanceof Double || v instanceof Float) {
            doubles.add(((Number) v).doubleValue());
            sb.append('#').append(doubles.size());
        } else if (v instanceof ByteBuffer b) {
            ByteBuffer d = b.duplicate();
            while (d.hasRemaining()) {
                sb.append(Integer.toHexString(d.get() & 0xff)).append(':');
            }
        } else {
            sb.append(v);
        }
    }
}
