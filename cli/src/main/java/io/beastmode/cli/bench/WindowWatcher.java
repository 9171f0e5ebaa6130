package io.beastmode.cli.bench;

import io.beastmode.analytics.v1.Dimension;
import io.beastmode.analytics.v1.WindowMetrics;
import io.beastmode.topology.config.PipelineConfig;
import io.beastmode.topology.serde.PipelineSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Reads the pipeline's metrics topic as a downstream consumer would (read_committed: only what exactly-once
 * committed) and keeps the final one-minute ALL windows: requests counted per window start, duplicates (a window
 * emitted twice), and the wall clock at which the window starting at {@code lastWindowStart} arrived.
 */
final class WindowWatcher implements AutoCloseable {

    private final KafkaConsumer<String, WindowMetrics> consumer;
    private final long windowMs;
    private final long lastWindowStart;
    private final Consumer<ConsumerRecord<String, WindowMetrics>> listener;
    private final Thread thread;
    private final CountDownLatch lastSeen = new CountDownLatch(1);
    private final Map<Long, Long> requestsByWindow = new HashMap<>();
    private volatile boolean running = true;
    private volatile long lastSeenNanos;
    private volatile RuntimeException failure;
    private long duplicates;
    private long records;

    /** @param listener sees every record (on the watcher's thread); may be null */
    WindowWatcher(PipelineConfig config, long windowMs, long lastWindowStart,
                  Consumer<ConsumerRecord<String, WindowMetrics>> listener) {
        this.windowMs = windowMs;
        this.lastWindowStart = lastWindowStart;
        this.listener = listener;
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "beast-bench-window-watcher");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                PipelineSerdes.of(config).windowMetrics().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(config.topics().metrics()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        // Position now, so records produced after the constructor returns are never missed.
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::loop, "beast-bench-window-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<String, WindowMetrics> r : consumer.poll(Duration.ofMillis(100))) {
                    onRecord(r);
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
            lastSeen.countDown();
        }
    }

    private void onRecord(ConsumerRecord<String, WindowMetrics> r) {
        WindowMetrics m = r.value();
        synchronized (this) {
            records++;
            if (m == null || !m.getFinal$() || m.getDimension() != Dimension.ALL || m.getWindowSizeMs() != windowMs
                    || m.getWindowStart() > lastWindowStart) {
                // not a final trace minute of ALL
            } else if (requestsByWindow.put(m.getWindowStart(), m.getRequests().getCount()) != null) {
                duplicates++;
            }
        }
        if (listener != null) {
            listener.accept(r);
        }
        if (m != null && m.getFinal$() && m.getDimension() == Dimension.ALL && m.getWindowSizeMs() == windowMs
                && m.getWindowStart() == lastWindowStart && lastSeenNanos == 0) {
            lastSeenNanos = System.nanoTime();
            lastSeen.countDown();
        }
    }

    /** Waits for the last trace window; its arrival time (System.nanoTime), or -1 on timeout. */
    long awaitLastWindow(Duration timeout) throws InterruptedException {
        boolean seen = lastSeen.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (failure != null) {
            throw failure;
        }
        return seen ? lastSeenNanos : -1;
    }

    synchronized long requestsCounted() {
        return requestsByWindow.values().stream().mapToLong(Long::longValue).sum();
    }

    synchronized int windows() {
        return requestsByWindow.size();
    }

    synchronized long duplicates() {
        return duplicates;
    }

    synchronized long records() {
        return records;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
