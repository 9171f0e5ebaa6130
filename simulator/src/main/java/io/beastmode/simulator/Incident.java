package io.beastmode.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A fault injected into the simulated traffic at a known event time, so anomaly detection can be checked against it.
 *
 * @param kind      what goes wrong
 * @param target    the model (DEGRADED_LATENCY, ERROR_BURST) or cache namespace ({@code *} = all) affected
 * @param startMs   first affected event time, epoch ms (inclusive)
 * @param endMs     end, epoch ms (exclusive)
 * @param magnitude latency factor (DEGRADED_LATENCY), error probability (ERROR_BURST), unused for CACHE_FLUSH
 */
public record Incident(Kind kind, String target, long startMs, long endMs, double magnitude) {

    public enum Kind {
        /** Every latency of the target model (time to first token and per-token time) multiplied by the magnitude. */
        DEGRADED_LATENCY,
        /** The target model fails requests with probability magnitude ({@code upstream_5xx}). */
        ERROR_BURST,
        /** The target cache namespaces are flushed at start and admit nothing until the end: every lookup misses. */
        CACHE_FLUSH
    }

    public boolean activeAt(long eventTimeMs) {
        return eventTimeMs >= startMs && eventTimeMs < endMs;
    }

    public boolean targets(String name) {
        return target.equals("*") || target.equals(name);
    }

    public Instant start() {
        return Instant.ofEpochMilli(startMs);
    }

    public Instant end() {
        return Instant.ofEpochMilli(endMs);
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case DEGRADED_LATENCY -> "latency x" + magnitude;
            case ERROR_BURST -> String.format(Locale.ROOT, "%.0f%% errors", magnitude * 100);
            case CACHE_FLUSH -> "all lookups miss";
        };
        return kind + " target=" + target + " from " + start() + " to " + end() + " (" + what + ")";
    }

    /**
     * An incident relative to the simulation's first whole minute: {@code offset} after it, lasting {@code duration}.
     * Text form {@code kind:target@offset/duration[*magnitude]}, kinds {@code degraded}, {@code errors}, {@code flush},
     * durations like {@code 10m}, {@code 90s}, {@code 1h}; e.g. {@code degraded:gpt-4-1106-preview@10m/6m*3}.
     */
    public record Spec(Kind kind, String target, Duration offset, Duration duration, double magnitude) {
        public Incident at(long baseMs) {
            long start = baseMs + offset.toMillis();
            return new Incident(kind, target, start, start + duration.toMillis(), magnitude);
        }

        public static Spec parse(String text) {
            String s = text.trim();
            try {
                int colon = s.indexOf(':');
                int at = s.lastIndexOf('@');
                int slash = s.indexOf('/', at);
                int star = s.indexOf('*', slash);
                String kindText = s.substring(0, colon).toLowerCase(Locale.ROOT);
                Kind kind = switch (kindText) {
                    case "degraded", "latency", "degraded_latency" -> Kind.DEGRADED_LATENCY;
                    case "errors", "error", "error_burst" -> Kind.ERROR_BURST;
                    case "flush", "cache_flush" -> Kind.CACHE_FLUSH;
                    default -> throw new IllegalArgumentException("unknown incident kind '" + kindText + "'");
                };
                String target = s.substring(colon + 1, at);
                Duration offset = duration(s.substring(at + 1, slash));
                Duration length = duration(star < 0 ? s.substring(slash + 1) : s.substring(slash + 1, star));
                double magnitude = star < 0 ? defaultMagnitude(kind) : Double.parseDouble(s.substring(star + 1));
                if (target.isBlank() || length.isNegative() || length.isZero()) {
                    throw new IllegalArgumentException("empty target or duration");
                }
                if (kind == Kind.ERROR_BURST && (magnitude < 0 || magnitude > 1)) {
                    throw new IllegalArgumentException("error probability must be in [0,1]");
                }
                return new Spec(kind, target, offset, length, magnitude);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad incident '" + text + "' (expected kind:target@offset/duration[*magnitude], "
                        + "e.g. degraded:gpt-4-1106-preview@10m/6m*3): " + e.getMessage(), e);
            }
        }

        /** A comma-separated list; {@code none} or empty gives no incidents. */
        public static List<Spec> parseList(String text) {
            List<Spec> out = new ArrayList<>();
            if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("none")) {
                return out;
            }
            for (String part : text.split(",")) {
                out.add(parse(part));
            }
            return out;
        }

        private static double defaultMagnitude(Kind kind) {
            return switch (kind) {
                case DEGRADED_LATENCY -> 3.0;
                case ERROR_BURST -> 0.3;
                case CACHE_FLUSH -> 1.0;
            };
        }

        private static Duration duration(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.isEmpty() || "smh".indexOf(t.charAt(t.length() - 1)) < 0) {
                throw new IllegalArgumentException("duration '" + text + "' needs a unit s, m or h");
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new IllegalArgumentException("duration '" + text + "' needs a unit s, m or h");
            };
        }

        @Override
        public String toString() {
            String k = switch (kind) {
                case DEGRADED_LATENCY -> "degraded";
                case ERROR_BURST -> "errors";
                case CACHE_FLUSH -> "flush";
            };
            return k + ":" + target + "@" + offset.toMinutes() + "m/" + duration.toMinutes() + "m*" + magnitude;
        }
    }

    /**
     * The default schedule, offsets from the first whole minute of the replay: a degraded baseline model at 8-13 min,
     * an error burst of the cheap model at 16-20 min, a flush of every cache at 24-28 min. 100 000 events cover about
     * 33 simulated minutes of the Azure/Mooncake hour, so the acceptance run sees all three, each alone, with clean
     * minutes before (baseline), between and after (recovery).
     */
    public static List<Spec> defaults() {
        return List.of(
                new Spec(Kind.DEGRADED_LATENCY, RouteLlmQuality.STRONG_MODEL, Duration.ofMinutes(8), Duration.ofMinutes(5), 3.0),
                new Spec(Kind.ERROR_BURST, RouteLlmQuality.WEAK_MODEL, Duration.ofMinutes(16), Duration.ofMinutes(4), 0.3),
                new Spec(Kind.CACHE_FLUSH, "*", Duration.ofMinutes(24), Duration.ofMinutes(4), 1.0));
    }
}
