package io.beastmode.topology.rocksdb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedMemoryRocksDBConfigTest {

    @Test
    void storesShareOneCacheThatTheLastCloseReleases() {
        RocksDB.loadLibrary();
        Map<String, Object> configs = Map.of(BoundedMemoryRocksDBConfig.BLOCK_CACHE_BYTES_CONFIG, 8L << 20,
                BoundedMemoryRocksDBConfig.WRITE_BUFFER_BYTES_CONFIG, "4194304");
        try (Options a = new Options().setTableFormatConfig(new BlockBasedTableConfig());
             Options b = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
            BoundedMemoryRocksDBConfig first = new BoundedMemoryRocksDBConfig();
            BoundedMemoryRocksDBConfig second = new BoundedMemoryRocksDBConfig();
            first.setConfig("s1", a, configs);
            second.setConfig("s2", b, configs);
            assertThat(BoundedMemoryRocksDBConfig.users(8L << 20, 4L << 20)).isEqualTo(2);
            BlockBasedTableConfig table = (BlockBasedTableConfig) a.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            first.close("s1", a);
            assertThat(BoundedMemoryRocksDBConfig.users(8L << 20, 4L << 20)).isEqualTo(1);
            second.close("s2", b);
            assertThat(BoundedMemoryRocksDBConfig.users(8L << 20, 4L << 20)).isZero();
        }
    }

    /**
     * The write buffer manager flushes the memtable of the store being written whenever the shared budget is
     * exhausted, however small that memtable is. Stores that stop receiving writes (closed segments, quiet tasks)
     * keep their memtables charged, so with memtables large against the budget a busy store flushed on almost every
     * put: 150,000 SST files in a 7-minute ClosedLoopIT run, the stream thread always inside RocksDB.put. Memtables
     * are now sized from the budget (1/32 of it), so a few dozen stores cannot exhaust it between their own flushes.
     */
    @Test
    void idleStoresDoNotTurnEveryPutOfABusyStoreIntoAFlush(@TempDir Path dir) throws Exception {
        RocksDB.loadLibrary();
        long budget = 8L << 20;
        Map<String, Object> configs = Map.of(BoundedMemoryRocksDBConfig.BLOCK_CACHE_BYTES_CONFIG, 16L << 20,
                BoundedMemoryRocksDBConfig.WRITE_BUFFER_BYTES_CONFIG, budget);
        int stores = 32; // a pipeline's 3 tasks x (3 segments x 3 window stores + watermarks), plus the insight's
        List<BoundedMemoryRocksDBConfig> setters = new ArrayList<>();
        List<Options> options = new ArrayList<>();
        List<RocksDB> dbs = new ArrayList<>();
        byte[] value = new byte[100];
        try {
            for (int i = 0; i < stores; i++) {
                // Kafka Streams' own memtable defaults first (RocksDBStore), then the setter, as in a store's open.
                Options o = new Options().setCreateIfMissing(true).setTableFormatConfig(new BlockBasedTableConfig())
                        .setWriteBufferSize(16L << 20).setMaxWriteBufferNumber(3);
                BoundedMemoryRocksDBConfig setter = new BoundedMemoryRocksDBConfig();
                setter.setConfig("s" + i, o, configs);
                setters.add(setter);
                options.add(o);
                dbs.add(RocksDB.open(o, dir.resolve("s" + i).toString()));
            }
            // Writes spread over every store, as a pipeline's tasks write their window segments and logs.
            for (int k = 0; k < 20_000; k++) {
                byte[] key = ("k" + k).getBytes(StandardCharsets.UTF_8);
                for (RocksDB db : dbs) {
                    db.put(key, value);
                }
            }
            long files = 0;
            for (int i = 0; i < stores; i++) {
                try (Stream<Path> list = Files.list(dir.resolve("s" + i))) {
                    // File numbers grow with every flush and compaction output: the highest one counts them all.
                    files += list.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".sst"))
                            .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - 4))).max().orElse(0);
                }
            }
            // 20,000 puts of ~110 bytes are 2.2 MB a store: about 9 flushes of 256 KiB memtables each, plus their
            // compactions (29 files a store measured); Kafka Streams' 16 MiB memtables made it 75 a store here, and
            // 45,000 in one segment of a 200k-event bench.
            System.out.printf("RocksDB: %d stores, %d files created (flushes and compactions)%n", stores, files);
            assertThat(files).as("files created over all stores").isLessThan(stores * 50L);
        } finally {
            for (int i = 0; i < dbs.size(); i++) {
                dbs.get(i).close();
                setters.get(i).close("s" + i, options.get(i));
                options.get(i).close();
            }
        }
    }
}
