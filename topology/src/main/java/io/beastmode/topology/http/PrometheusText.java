package io.beastmode.topology.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Prometheus text exposition format 0.0.4, written by hand (no client library): metric families with HELP and TYPE,
 * their samples together, names and label names sanitised, label values escaped, each series once.
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Pattern INVALID_NAME = Pattern.compile("[^a-zA-Z0-9_:]");
    private static final Pattern INVALID_LABEL = Pattern.compile("[^a-zA-Z0-9_]");

    public enum Type {
        COUNTER, GAUGE, UNTYPED
    }

    private record Family(String help, Type type, Map<String, Double> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** {@code stream-thread-metrics} -> {@code stream_thread_metrics}; a leading digit gets a '_'. */
    public static String name(String raw) {
        String n = INVALID_NAME.matcher(raw).replaceAll("_");
        return n.isEmpty() || Character.isDigit(n.charAt(0)) ? "_" + n : n;
    }

    static String labelName(String raw) {
        String n = INVALID_LABEL.matcher(raw).replaceAll("_");
        return n.isEmpty() || Character.isDigit(n.charAt(0)) ? "_" + n : n;
    }

    /**
     * Adds one sample; the family is declared by its first sample (later help/type for the same name are ignored, as
     * the format allows one TYPE per family). A series already present keeps its first value.
     */
    public PrometheusText sample(String name, Type type, String help, Map<String, String> labels, double value) {
        String n = name(name);
        Family f = families.computeIfAbsent(n, k -> new Family(help, type, new LinkedHashMap<>()));
        f.samples().putIfAbsent(labels(labels), value);
        return this;
    }

    public PrometheusText sample(String name, Type type, String help, double value) {
        return sample(name, type, help, Map.of(), value);
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        // Sorted, so one series has one spelling whatever map it came from.
        new TreeMap<>(labels).forEach((k, v) -> parts.add(labelName(k) + "=\"" + escape(v == null ? "" : v) + "\""));
        return "{" + String.join(",", parts) + "}";
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    public String render() {
        StringBuilder sb = new StringBuilder();
        families.forEach((name, f) -> {
            sb.append("# HELP ").append(name).append(' ')
                    .append(f.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            sb.append("# TYPE ").append(name).append(' ').append(f.type().name().toLowerCase(Locale.ROOT)).append('\n');
            f.samples().forEach((labels, v) -> sb.append(name).append(labels).append(' ').append(value(v)).append('\n'));
        });
        return sb.toString();
    }
}
