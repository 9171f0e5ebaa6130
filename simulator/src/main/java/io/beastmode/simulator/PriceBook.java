package io.beastmode.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Model prices from pydantic/genai-prices {@code v2_data.json} (MIT): per provider, models with a {@code match}
 * rule (equals, starts_with, ends_with, contains, regex, or/and) and prices in USD per million tokens. A lookup tries
 * the preferred provider first, then every provider in file order. Prices that vary (tiers by prompt size, dated
 * price lists) resolve to their base / latest value.
 */
public final class PriceBook {
    public static final String PATH = "llm/genai-prices/v2_data.json";

    /** USD per million input and output tokens, and where the figure came from. */
    public record Price(String model, double inputPerMTok, double outputPerMTok, String source) {
        public double cost(int inputTokens, int outputTokens) {
            return (inputTokens * inputPerMTok + outputTokens * outputPerMTok) / 1_000_000.0;
        }
    }

    /** genai-prices @ 47df840 values, used when the file or the model is missing so cost never silently becomes 0. */
    static final Map<String, Price> FALLBACK = Map.of(
            RouteLlmQuality.STRONG_MODEL, new Price(RouteLlmQuality.STRONG_MODEL, 10.0, 30.0, "fallback (openai gpt-4-turbo)"),
            RouteLlmQuality.WEAK_MODEL, new Price(RouteLlmQuality.WEAK_MODEL, 0.7, 0.7, "fallback (mistral mixtral-8x7b)"));

    private record Entry(String provider, String id, JsonNode match, JsonNode prices) {
    }

    private final List<Entry> entries;

    private PriceBook(List<Entry> entries) {
        this.entries = entries;
    }

    public static PriceBook read(TraceFiles files) {
        if (!files.exists(PATH)) {
            return new PriceBook(List.of());
        }
        try (InputStream in = files.open(PATH)) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Entry> entries = new ArrayList<>();
            for (JsonNode provider : root) {
                for (JsonNode model : provider.path("models")) {
                    entries.add(new Entry(provider.path("id").asText(), model.path("id").asText(), model.path("match"), model.path("prices")));
                }
            }
            return new PriceBook(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(PATH, e);
        }
    }

    /** The price of {@code model}, looked up at {@code preferredProvider} first; empty when no rule matches. */
    public Optional<Price> find(String model, String preferredProvider) {
        for (Entry e : entries) {
            if (e.provider().equals(preferredProvider) && matches(e.match(), model)) {
                return price(model, e);
            }
        }
        for (Entry e : entries) {
            if (matches(e.match(), model)) {
                return price(model, e);
            }
        }
        return Optional.empty();
    }

    /** {@link #find}, else the built-in fallback for our two models; throws for any other unknown model. */
    public Price lookup(String model, String preferredProvider) {
        return find(model, preferredProvider).or(() -> Optional.ofNullable(FALLBACK.get(model)))
                .orElseThrow(() -> new IllegalArgumentException("no price for model '" + model + "' in " + PATH));
    }

    public int size() {
        return entries.size();
    }

    private static Optional<Price> price(String model, Entry e) {
        JsonNode p = e.prices();
        if (p.isArray()) {
            if (p.isEmpty()) {
                return Optional.empty();
            }
            p = p.get(p.size() - 1).path("prices"); // dated price lists: the latest applies
        }
        double in = amount(p.path("input_mtok"));
        double out = amount(p.path("output_mtok"));
        if (Double.isNaN(in) || Double.isNaN(out)) {
            return Optional.empty();
        }
        return Optional.of(new Price(model, in, out, "genai-prices " + e.provider() + "/" + e.id()));
    }

    private static double amount(JsonNode n) {
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.has("base")) {
            return n.get("base").asDouble(); // tiered by prompt size: the base tier
        }
        return Double.NaN;
    }

    static boolean matches(JsonNode rule, String model) {
        if (rule == null || rule.isMissingNode() || rule.isNull()) {
            return false;
        }
        if (rule.has("or")) {
            for (JsonNode r : rule.get("or")) {
                if (matches(r, model)) {
                    return true;
                }
            }
            return false;
        }
        if (rule.has("and")) {
            for (JsonNode r : rule.get("and")) {
                if (!matches(r, model)) {
                    return false;
                }
            }
            return true;
        }
        if (rule.has("equals")) {
            return model.equals(rule.get("equals").asText());
        }
        if (rule.has("starts_with")) {
            return model.startsWith(rule.get("starts_with").asText());
        }
        if (rule.has("ends_with")) {
            return model.endsWith(rule.get("ends_with").asText());
        }
        if (rule.has("contains")) {
            return model.contains(rule.get("contains").asText());
        }
        if (rule.has("regex")) {
            return Pattern.compile(rule.get("regex").asText()).matcher(model).find();
        }
        return false;
    }

    /** For summaries: the prices of the given models. */
    public Map<String, Price> prices(Map<String, String> modelToProvider) {
        Map<String, Price> out = new LinkedHashMap<>();
        modelToProvider.forEach((m, p) -> out.put(m, lookup(m, p)));
        return out;
    }
}
