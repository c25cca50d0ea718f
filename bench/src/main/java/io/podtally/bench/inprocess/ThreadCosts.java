package io.podtally.bench.inprocess;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time and allocated bytes of every live thread of this JVM, and the process CPU time, at one
 * moment; the difference of two snapshots is the cost of what ran between them.
 */
final class ThreadCosts {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final Map<Long, long[]> perThread;
    private final long processCpuNanos;
    private final long gcMillis;
    private final long nanoTime;

    private ThreadCosts(Map<Long, long[]> perThread, long processCpuNanos, long gcMillis, long nanoTime) {
        this.perThread = perThread;
        this.processCpuNanos = processCpuNanos;
        this.gcMillis = gcMillis;
        this.nanoTime = nanoTime;
    }

    static ThreadCosts now() {
        Map<Long, long[]> perThread = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long cpu = THREADS.getThreadCpuTime(id);
            long allocated = THREADS.getThreadAllocatedBytes(id);
            if (cpu >= 0 && allocated >= 0) {
                perThread.put(id, new long[] {cpu, allocated});
            }
        }
        long gc = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            gc += Math.max(0, collector.getCollectionTime());
        }
        return new ThreadCosts(perThread, OS.getProcessCpuTime(), gc, System.nanoTime());
    }

    /** What ran since {@code before}: Java threads' CPU and allocation, the process's CPU (with JIT and GC), GC time. */
    Delta since(ThreadCosts before) {
        long cpu = 0;
        long allocated = 0;
        for (Map.Entry<Long, long[]> entry : perThread.entrySet()) {
            long[] start = before.perThread.getOrDefault(entry.getKey(), new long[] {0, 0});
            cpu += entry.getValue()[0] - start[0];
            allocated += entry.getValue()[1] - start[1];
        }
        return new Delta(cpu, allocated, processCpuNanos - before.processCpuNanos, gcMillis - before.gcMillis,
                nanoTime - before.nanoTime);
    }

    /**
     * The cost of one stretch of work.
     *
     * @param threadCpuNanos CPU time of the Java threads alive at its end
     * @param allocatedBytes bytes they allocated
     * @param processCpuNanos CPU time of the whole process (JIT compiler and GC threads too)
     * @param gcMillis time spent collecting garbage
     * @param wallNanos elapsed time
     */
    record Delta(long threadCpuNanos, long allocatedBytes, long processCpuNanos, long gcMillis, long wallNanos) {
    }
}
