package io.beastmode.topology.window;

import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

import java.util.Map;

/**
 * A store that holds nothing and runs a callback just before its task commits. Kafka Streams has no public
 * pre-commit hook for processors; what it does have is the record cache: before a task flushes its producer and
 * commits the input offsets (in the same transaction under exactly-once), it flushes the cache of every store that
 * implements {@link CachedStateStore}, which is how the DSL's cached aggregations emit their results (see
 * {@code StreamTask.prepareCommit}). This store takes part in that step so {@link PartialWindowEmitter} can send its
 * in-memory partial aggregates inside the transaction that commits the events they hold: whatever was committed has
 * been sent, and whatever was not is read again after a crash.
 *
 * <p>{@code CachedStateStore} is an internal Kafka Streams interface (pinned by the Kafka version in the build);
 * {@code CommitHookStoreTest} and every exactly-once test of the pipeline cover it.
 */
public final class CommitHookStore implements StateStore, CachedStateStore<Object, Object> {

    private final String name;
    private Runnable beforeCommit = () -> { };
    private volatile boolean open;

    public CommitHookStore(String name) {
        this.name = name;
    }

    /** Sets the callback run on the stream thread before each commit of the task (and before a clean close). */
    public void beforeCommit(Runnable callback) {
        this.beforeCommit = callback;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
            throw new IllegalStateException(name + " has no changelog to restore");
        });
        open = true;
    }

    @Override
    public void flushCache() {
        beforeCommit.run();
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void clearCache() {
    }

    @Override
    public void close() {
        open = false;
        beforeCommit = () -> { };
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** A builder for the topology; the store is never logged or cached (it holds nothing). */
    public static StoreBuilder<CommitHookStore> builder(String name) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<CommitHookStore> withCachingEnabled() {
                throw new UnsupportedOperationException(name + " cannot be cached");
            }

            @Override
            public StoreBuilder<CommitHookStore> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<CommitHookStore> withLoggingEnabled(Map<String, String> config) {
                throw new UnsupportedOperationException(name + " has nothing to log");
            }

            @Override
            public StoreBuilder<CommitHookStore> withLoggingDisabled() {
                return this;
            }

            @Override
            public CommitHookStore build() {
                return new CommitHookStore(name);
            }

            @Override
            public Map<String, String> logConfig() {
                return Map.of();
            }

            @Override
            public boolean loggingEnabled() {
                return false;
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
