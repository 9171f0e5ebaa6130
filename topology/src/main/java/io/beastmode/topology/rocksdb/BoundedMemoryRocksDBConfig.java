package io.beastmode.topology.rocksdb;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Bounds the memory of every RocksDB store of a Kafka Streams instance: all stores share one LRU block cache and one
 * {@link WriteBufferManager} that charges memtables to that cache, and index and filter blocks live in the cache too
 * (high priority), so the total off-heap use stays near {@value #BLOCK_CACHE_BYTES_CONFIG} whatever the number of
 * stores and segments. Sizes come from the Streams config keys {@value #BLOCK_CACHE_BYTES_CONFIG} and
 * {@value #WRITE_BUFFER_BYTES_CONFIG} (BeastPipeline sets them from PipelineConfig).
 *
 * <p>The shared cache and manager are reference-counted per size pair: created by the first store that opens, closed
 * in {@link #close} by the last one. Per-store objects (the Bloom filter) are closed with their store.
 */
public final class BoundedMemoryRocksDBConfig implements RocksDBConfigSetter {

    public static final String BLOCK_CACHE_BYTES_CONFIG = "beast.rocksdb.block.cache.bytes";
    public static final String WRITE_BUFFER_BYTES_CONFIG = "beast.rocksdb.write.buffer.bytes";
    static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;
    static final long DEFAULT_WRITE_BUFFER_BYTES = 32L << 20;
    /** The budget holds this many full memtables: room for every store of a few tasks to hold one. */
    static final long MEMTABLES_PER_BUDGET = 32;
    static final long MIN_MEMTABLE_BYTES = 256L << 10;
    static final long MAX_MEMTABLE_BYTES = 16L << 20;
    static final long MIN_ARENA_BLOCK_BYTES = 32L << 10;
    /** Share of the cache reserved for index and filter blocks, so data blocks cannot evict them. */
    private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;

    private record Key(long cacheBytes, long writeBufferBytes) {
    }

    private static final class Shared {
        final Cache cache;
        final WriteBufferManager writeBufferManager;
        int users;

        Shared(Key key) {
            cache = new LRUCache(key.cacheBytes, -1, false, HIGH_PRIORITY_POOL_RATIO);
            writeBufferManager = new WriteBufferManager(key.writeBufferBytes, cache);
        }
    }

    private static final Map<Key, Shared> SHARED = new HashMap<>();

    private Key key;
    private BloomFilter filter;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        key = new Key(size(configs, BLOCK_CACHE_BYTES_CONFIG, DEFAULT_BLOCK_CACHE_BYTES),
                size(configs, WRITE_BUFFER_BYTES_CONFIG, DEFAULT_WRITE_BUFFER_BYTES));
        Shared shared = acquire(key);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(shared.cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setIndexType(IndexType.kTwoLevelIndexSearch);
        table.setPartitionFilters(true);
        filter = new BloomFilter(10);
        table.setFilterPolicy(filter);
        options.setWriteBufferManager(shared.writeBufferManager);
        // Memtables sized from the shared budget. The manager flushes the store being written whenever the budget
        // is used up, however little that store holds, while quiet stores (closed segments, idle tasks) keep their
        // memtables charged. With Kafka Streams' 16 MiB memtables (2 MiB arena blocks) a few dozen stores used up a
        // 32 MiB budget and a busy store flushed on nearly every put: 45,000 SST files in one segment in a 200k-event
        // bench, 150,000 in a 7-minute ClosedLoopIT run, the stream thread always inside RocksDB.put.
        long memtable = Math.max(MIN_MEMTABLE_BYTES, Math.min(MAX_MEMTABLE_BYTES, key.writeBufferBytes / MEMTABLES_PER_BUDGET));
        options.setWriteBufferSize(memtable);
        options.setArenaBlockSize(Math.max(MIN_ARENA_BLOCK_BYTES, memtable / 8));
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        if (filter != null) {
            filter.close();
            filter = null;
        }
        if (key != null) {
            release(key);
            key = null;
        }
    }

    private static synchronized Shared acquire(Key key) {
        Shared s = SHARED.computeIfAbsent(key, Shared::new);
        s.users++;
        return s;
    }

    private static synchronized void release(Key key) {
        Shared s = SHARED.get(key);
        if (s != null && --s.users == 0) {
            SHARED.remove(key);
            s.writeBufferManager.close();
            s.cache.close();
        }
    }

    /** Open stores using the shared cache of these sizes (for tests). */
    static synchronized int users(long cacheBytes, long writeBufferBytes) {
        Shared s = SHARED.get(new Key(cacheBytes, writeBufferBytes));
        return s == null ? 0 : s.users;
    }

    private static long size(Map<String, Object> configs, String name, long dflt) {
        Object v = configs.get(name);
        if (v == null) {
            return dflt;
        }
        long n = v instanceof Number num ? num.longValue() : Long.parseLong(v.toString().trim());
        if (n <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + v);
        }
        return n;
    }
}
