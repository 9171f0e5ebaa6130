package io.beastmode.topology.window;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;

/**
 * Runs a processor's callback from its task's {@link CommitHookStore}, that is just before the task commits and
 * outside record processing. Streams has then set no current node or record context, which forwarding and
 * changelogged store writes need; they are set here to this processor's node and a record context without source
 * (what Streams sets for a punctuation), and restored afterwards. Uses Kafka Streams internals, like the hook store.
 */
final class BeforeCommit {

    private final InternalProcessorContext<?, ?> internal;
    private final ProcessorNode<?, ?, ?, ?> node;
    private final ProcessorContext<?, ?> context;

    /** To be called from the processor's {@code init}, where Streams has set the processor's node as current. */
    static void register(ProcessorContext<?, ?> context, String hookStoreName, Runnable callback) {
        BeforeCommit runner = new BeforeCommit(context);
        CommitHookStore hook = context.getStateStore(hookStoreName);
        hook.beforeCommit(() -> runner.run(callback));
    }

    private BeforeCommit(ProcessorContext<?, ?> context) {
        this.context = context;
        // Not a Streams context (a unit test's mock): the callback runs as is.
        this.internal = context instanceof InternalProcessorContext<?, ?> c ? c : null;
        this.node = internal == null ? null : internal.currentNode();
    }

    private void run(Runnable callback) {
        if (internal == null) {
            callback.run();
            return;
        }
        ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
        ProcessorRecordContext previousContext = internal.recordContext();
        internal.setCurrentNode(node);
        internal.setRecordContext(new ProcessorRecordContext(context.currentSystemTimeMs(), -1L, -1, null,
                new RecordHeaders()));
        try {
            callback.run();
        } finally {
            internal.setCurrentNode(previousNode);
            internal.setRecordContext(previousContext);
        }
    }
}
