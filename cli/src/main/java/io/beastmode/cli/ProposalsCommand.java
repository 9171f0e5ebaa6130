package io.beastmode.cli;

import io.beastmode.analytics.v1.OptimizationProposal;
import io.beastmode.clients.ProposalSubscriber;
import io.beastmode.schemas.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code beast proposals}: the compacted proposals topic as the routing layer sees it, through the same
 * {@link ProposalSubscriber} the routers use (latest value per target key; a tombstone removes the key).
 */
@Command(name = "proposals", description = {"Show the optimization proposals as the routing layer sees them: "
        + "the latest proposal per target key (TYPE:key) of the compacted proposals topic.",
        "--follow keeps running and prints every change (new, updated, removed) until Ctrl-C."})
public final class ProposalsCommand implements Callable<Integer> {

    @CommandLine.Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--topic", paramLabel = "TOPIC", defaultValue = Topics.PROPOSALS,
            description = "The proposals topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--follow", description = "After the table, print each change as it happens.")
    boolean follow;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "How long to wait for the topic to be read up to its end (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Option(names = "--json", description = "JSON: an array of proposals; with --follow one change object a line.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // Changes seen before the table is printed are part of the table; only later ones are printed as changes.
        java.util.concurrent.atomic.AtomicBoolean live = new java.util.concurrent.atomic.AtomicBoolean();
        try (ProposalSubscriber sub = ProposalSubscriber.builder()
                .bootstrapServers(cluster.bootstrapServers())
                .registryUrl(cluster.schemaRegistryUrl())
                .topic(topic)
                .listener((key, oldValue, newValue) -> {
                    if (live.get()) {
                        synchronized (out) {
                            out.println(change(key, oldValue, newValue));
                            out.flush();
                        }
                    }
                })
                .build().start()) {
            if (!sub.awaitCaughtUp(Duration.ofSeconds(timeout))) {
                throw new NotReadyException("could not read " + topic + " to its end within " + timeout + " s"
                        + sub.failure().map(t -> ": " + t.getMessage()).orElse(""));
            }
            Map<String, OptimizationProposal> table = new TreeMap<>(sub.snapshot());
            synchronized (out) {
                if (json) {
                    out.println(Json.write(table.entrySet().stream().map(e -> row(e.getKey(), e.getValue())).toList()));
                } else {
                    out.print(table(table).render());
                    out.println("(" + table.size() + " proposal" + (table.size() == 1 ? "" : "s") + ")");
                }
                out.flush();
                live.set(true);
            }
            if (follow) {
                while (sub.isRunning()) {
                    Thread.sleep(200);
                }
                if (sub.failure().isPresent()) {
                    throw new IllegalStateException("reading " + topic + " failed: " + sub.failure().get().getMessage());
                }
            }
        }
        return ExitCodes.OK;
    }

    private String change(String key, OptimizationProposal oldValue, OptimizationProposal newValue) {
        String what = newValue == null ? "REMOVED" : oldValue == null ? "NEW" : "UPDATED";
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("change", what);
            m.put("key", key);
            m.put("proposal", newValue == null ? null : row(key, newValue));
            return Json.line(m);
        }
        return newValue == null ? what + " " + key
                : what + " " + key + " " + newValue.getProposalId() + " " + newValue.getKind() + " "
                + newValue.getStatus() + " " + newValue.getAction();
    }

    static Table table(Map<String, OptimizationProposal> table) {
        Table t = new Table("Key", "Proposal", "Kind", "Status", "Action", "Created", "Expires");
        table.forEach((k, p) -> t.row(k, p.getProposalId(), p.getKind(), p.getStatus(), p.getAction(),
                Instant.ofEpochMilli(p.getCreatedAt()), Instant.ofEpochMilli(p.getExpiresAt())));
        return t;
    }

    static Map<String, Object> row(String key, OptimizationProposal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", key);
        try {
            // The Avro record's own JSON form keeps every field (evidence, confidence, rollout) without a mapping.
            m.putAll(Json.MAPPER.readValue(p.toString(), LinkedHashMap.class));
        } catch (java.io.IOException e) {
            m.put("proposal", p.toString());
        }
        return m;
    }
}
