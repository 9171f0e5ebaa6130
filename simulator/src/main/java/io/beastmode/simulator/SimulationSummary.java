package io.beastmode.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a simulation run did.
 *
 * @param published        events the broker acknowledged, per kind (request, cache, selection, cost)
 * @param generated        events handed to the publisher, per kind
 * @param failed           sends that failed
 * @param requests         gateway requests simulated
 * @param wallSeconds      wall-clock time of the run, flush included
 * @param eventsPerSecond  acknowledged events / wall seconds
 * @param firstEventTime   event time of the first event (null when none)
 * @param lastEventTime    event time of the last event
 * @param dataSource       full data directory or bundled sample
 * @param topics           kind to the topic it was published to
 */
public record SimulationSummary(Map<String, Long> published, Map<String, Long> generated, long failed, long requests,
                                double wallSeconds, double eventsPerSecond, Instant firstEventTime, Instant lastEventTime,
                                String dataSource, long seed, List<Incident> incidents, Map<String, String> topics) {

    public long totalPublished() {
        return published.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalGenerated() {
        return generated.values().stream().mapToLong(Long::longValue).sum();
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "published %d events (%d requests) in %.1f s: %.0f events/s%n",
                totalPublished(), requests, wallSeconds, eventsPerSecond));
        published.forEach((kind, n) -> b.append(String.format(Locale.ROOT, "  %-10s %9d  -> %s%n", kind, n, topics.get(kind))));
        if (failed > 0) {
            b.append(String.format(Locale.ROOT, "  FAILED     %9d  (of %d generated)%n", failed, totalGenerated()));
        }
        b.append("event time ").append(firstEventTime).append(" .. ").append(lastEventTime).append('\n');
        b.append("data: ").append(dataSource).append(", seed ").append(seed).append('\n');
        for (Incident i : incidents) {
            b.append("incident ").append(i).append('\n');
        }
        return b.toString();
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("published", published);
        m.put("totalPublished", totalPublished());
        m.put("generated", generated);
        m.put("failed", failed);
        m.put("requests", requests);
        m.put("wallSeconds", wallSeconds);
        m.put("eventsPerSecond", eventsPerSecond);
        m.put("firstEventTime", firstEventTime == null ? null : firstEventTime.toString());
        m.put("lastEventTime", lastEventTime == null ? null : lastEventTime.toString());
        m.put("dataSource", dataSource);
        m.put("seed", seed);
        m.put("topics", topics);
        m.put("incidents", incidents.stream().map(i -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("kind", i.kind().name());
            x.put("target", i.target());
            x.put("start", i.start().toString());
            x.put("end", i.end().toString());
            x.put("startMs", i.startMs());
            x.put("endMs", i.endMs());
            x.put("magnitude", i.magnitude());
            return x;
        }).toList());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
