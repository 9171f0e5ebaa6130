package io.beastmode.topology.rocksdb;

import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

import java.util.Map;

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
}
