package io.beastmode.cli.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * What this JVM spent between two points: CPU time of the process, time in the JIT compilers and in garbage
 * collection (the JVM's own counters). The bench runs the broker and the pipeline in one JVM, so the CPU time is
 * their sum; a rate can swing with the machine's other load, the CPU time per event much less.
 */
record JvmCost(double cpuSeconds, double compileSeconds, double gcSeconds) {

    /** The counters at one point; -1 where the JVM does not offer one. */
    record Mark(long cpuNanos, long compileMillis, long gcMillis) {
    }

    static Mark mark() {
        long cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime();
        }
        var compilation = ManagementFactory.getCompilationMXBean();
        long compile = compilation != null && compilation.isCompilationTimeMonitoringSupported()
                ? compilation.getTotalCompilationTime() : -1;
        long gc = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, bean.getCollectionTime());
        }
        return new Mark(cpu, compile, gc);
    }

    /** One stream thread's CPU seconds and the active tasks it holds now (ids like {@code 0_1}, sorted). */
    record ThreadCpu(double cpuSeconds, List<String> activeTasks) {
    }

    /**
     * CPU seconds each of the given Kafka Streams instance's stream threads has used since it started (each run
     * starts a new pipeline, so: this run), in Kafka Streams' order of its threads; null if the JVM does not measure
     * thread CPU time. Of the JVM's CPU their sum is the part the pipeline's own processing takes, without the broker,
     * the clients' network threads and the JIT compilers, which share the machine's cores with it. Tasks go to
     * threads by count, not by cost, so this also shows a thread that does more than its share.
     */
    static List<ThreadCpu> streamThreadCpu(KafkaStreams streams) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported() || !mx.isThreadCpuTimeEnabled()) {
            return null;
        }
        // The names Kafka Streams reports for its own threads, rather than a guess at its naming scheme.
        Map<String, Long> ids = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ids.put(t.getName(), t.getId());
        }
        List<ThreadCpu> out = new ArrayList<>();
        for (ThreadMetadata meta : streams.metadataForLocalThreads()) {
            Long id = ids.get(meta.threadName());
            if (id == null) {
                continue;
            }
            List<String> tasks = meta.activeTasks().stream().map(t -> t.taskId().toString()).sorted().toList();
            out.add(new ThreadCpu(Math.max(0, mx.getThreadCpuTime(id)) / 1e9, tasks));
        }
        return out;
    }

    static JvmCost since(Mark from) {
        Mark to = mark();
        return new JvmCost(from.cpuNanos() < 0 || to.cpuNanos() < 0 ? Double.NaN : (to.cpuNanos() - from.cpuNanos()) / 1e9,
                from.compileMillis() < 0 ? Double.NaN : (to.compileMillis() - from.compileMillis()) / 1e3,
                (to.gcMillis() - from.gcMillis()) / 1e3);
    }
}
