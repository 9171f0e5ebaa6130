package io.beastmode.simulator.router;

import io.beastmode.clients.ProposalSubscriber;
import io.beastmode.clients.RoutingAckPublisher;
import io.beastmode.clients.TopicAdmin;
import io.beastmode.schemas.Topics;
import io.beastmode.simulator.ModelProfile;
import io.beastmode.simulator.Router;
import io.beastmode.simulator.SimulatorOptions;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Set;

/**
 * The simulator's side of the loop: a {@link ProposalApplyingRouter} over the default static router, fed by a
 * {@link ProposalSubscriber} on the (prefixed) proposals topic and acknowledging through a
 * {@link RoutingAckPublisher} on the (prefixed) routing-acks topic. Close it after the replay.
 */
public final class ProposalLoop implements AutoCloseable {

    private final ProposalApplyingRouter router;
    private final ProposalSubscriber subscriber;
    private final RoutingAckPublisher acks;

    private ProposalLoop(ProposalApplyingRouter router, ProposalSubscriber subscriber, RoutingAckPublisher acks) {
        this.router = router;
        this.subscriber = subscriber;
        this.acks = acks;
    }

    public static ProposalLoop open(SimulatorOptions options, PrintStream err) {
        String proposals = options.topicPrefix() + Topics.PROPOSALS;
        String ackTopic = options.topicPrefix() + Topics.ROUTING_ACKS;
        if (options.createTopics()) {
            try (TopicAdmin admin = TopicAdmin.connect(options.bootstrapServers(), options.producerProperties())) {
                Set<String> wanted = Set.of(Topics.PROPOSALS, Topics.ROUTING_ACKS);
                admin.ensureTopics(Topics.all(options.partitions()).stream().filter(s -> wanted.contains(s.name()))
                        .map(s -> new Topics.TopicSpec(options.topicPrefix() + s.name(), s.valueType(),
                                s.keyDescription(), s.partitions(), s.configs()))
                        .toList());
            }
        }
        RoutingAckPublisher publisher = RoutingAckPublisher.create(options.bootstrapServers(),
                options.schemaRegistry(), "simulator", ackTopic, options.producerProperties());
        Router inner = new Router.StaticShare(ModelProfile.MIXTRAL.model(), options.cheapShare());
        ProposalApplyingRouter router = new ProposalApplyingRouter(inner,
                (id, status, at, share, reason) -> publisher.ack(id, status, at, share, reason));
        ProposalSubscriber subscriber = ProposalSubscriber.builder().bootstrapServers(options.bootstrapServers())
                .registryUrl(options.schemaRegistry()).topic(proposals).listener(router.listener()).build().start();
        try {
            if (!subscriber.awaitCaughtUp(Duration.ofSeconds(60))) {
                err.println("simulator: proposals topic " + proposals + " not read up to its end within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        err.println("simulator: router applies proposals from " + proposals + ", acks on " + ackTopic);
        return new ProposalLoop(router, subscriber, publisher);
    }

    public ProposalApplyingRouter router() {
        return router;
    }

    @Override
    public void close() {
        subscriber.close();
        acks.flush();
        acks.close();
    }
}
