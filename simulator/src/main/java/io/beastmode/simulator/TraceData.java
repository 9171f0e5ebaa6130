package io.beastmode.simulator;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything the simulator replays, read once: Azure arrivals of the two request types, Mooncake arrivals with their
 * prefix blocks, RouteLLM quality labels per request type and model prices.
 */
public record TraceData(TraceFiles source, List<AzureTrace.Request> code, List<AzureTrace.Request> conversation,
                        List<MooncakeTrace.Request> longContext, Map<String, List<RouteLlmQuality.Label>> qualityPools,
                        PriceBook prices) {

    public static TraceData load(TraceFiles files) {
        TraceData data = new TraceData(files,
                AzureTrace.read(files, AzureTrace.CODE),
                AzureTrace.read(files, AzureTrace.CONVERSATION),
                MooncakeTrace.read(files, MooncakeTrace.CONVERSATION),
                RouteLlmQuality.pools(RouteLlmQuality.read(files)),
                PriceBook.read(files));
        data.qualityPools().forEach((type, labels) -> {
            if (labels.isEmpty()) {
                throw new IllegalStateException("no RouteLLM quality labels for request type '" + type + "' in " + files.description());
            }
        });
        if (data.code().isEmpty() || data.conversation().isEmpty() || data.longContext().isEmpty()) {
            throw new IllegalStateException("a trace is empty in " + files.description());
        }
        return data;
    }

    /** The full data under {@code dataDir} when present, else the bundled sample. */
    public static TraceData load(Path dataDir) {
        return load(TraceFiles.resolve(dataDir));
    }

    /** First Azure arrival: the trace's own time origin (Mooncake's relative times are aligned to it). */
    public long traceStartMs() {
        return Math.min(code.get(0).timeMs(), conversation.get(0).timeMs());
    }

    /** Last arrival of any source, on the aligned time line. */
    public long traceEndMs() {
        long start = traceStartMs();
        return Math.max(Math.max(code.get(code.size() - 1).timeMs(), conversation.get(conversation.size() - 1).timeMs()),
                start + longContext.get(longContext.size() - 1).offsetMs());
    }

    public int requests() {
        return code.size() + conversation.size() + longContext.size();
    }
}
