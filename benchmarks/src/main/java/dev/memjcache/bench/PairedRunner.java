package dev.memjcache.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the timed rounds of the paired mode on a fixed set of worker threads and measures each
 * round: operations, wall time, the client JVM's process CPU time (every thread: workers,
 * spymemcached's I/O thread, GC, JIT) and the bytes allocated by all of its threads ({@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}). The memcached server is another
 * process and is not counted.
 */
final class PairedRunner implements AutoCloseable {

  /** One step of a workload on one thread; {@link #finish} waits for what is still in flight. */
  interface Op {
    /** Issues (and for synchronous workloads completes) one operation. */
    void run() throws Exception;

    /** Waits for the operations still in flight (asynchronous workloads); timed with the round. */
    default void finish() throws Exception {}
  }

  /** Makes the {@link Op} of benchmark thread {@code thread} (0-based) for one round. */
  interface Workload {
    Op forThread(int thread);
  }

  /** What one round measured. */
  record Round(long ops, long wallNanos, long cpuNanos, long allocatedBytes) {
    double opsPerSecond() {
      return ops * 1e9 / wallNanos;
    }
  }

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final ExecutorService workers;

  PairedRunner(int maxThreads) {
    AtomicInteger next = new AtomicInteger();
    workers =
        Executors.newFixedThreadPool(
            maxThreads,
            task -> {
              Thread t = new Thread(task, "paired-bench-" + next.getAndIncrement());
              t.setDaemon(true);
              return t;
            });
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  /**
   * Runs {@code workload} on {@code threadCount} threads for {@code roundNanos}: every thread runs
   * its op in a loop until the deadline, then finishes it.
   *
   * @throws Exception the first failure of a worker (a wrong answer or a client error)
   */
  Round run(Workload workload, int threadCount, long roundNanos) throws Exception {
    List<Op> ops = new ArrayList<>(threadCount);
    for (int t = 0; t < threadCount; t++) {
      ops.add(workload.forThread(t));
    }
    CyclicBarrier start = new CyclicBarrier(threadCount + 1);
    long[] deadline = new long[1];
    List<Future<Long>> results = new ArrayList<>(threadCount);
    for (Op op : ops) {
      results.add(
          workers.submit(
              () -> {
                start.await();
                long end = deadline[0];
                long count = 0;
                do {
                  op.run();
                  count++;
                } while (System.nanoTime() < end);
                op.finish();
                return count;
              }));
    }
    Map<Long, Long> allocatedBefore = allocatedByThread();
    long cpuBefore = os.getProcessCpuTime();
    long wallBefore = System.nanoTime();
    deadline[0] = wallBefore + roundNanos;
    start.await(); // the barrier publishes deadline[0] to the workers
    long total = 0;
    for (Future<Long> result : results) {
      total += result.get(roundNanos / 1_000_000 + 60_000, TimeUnit.MILLISECONDS);
    }
    long wall = System.nanoTime() - wallBefore;
    long cpu = os.getProcessCpuTime() - cpuBefore;
    long allocated = 0;
    for (Map.Entry<Long, Long> after : allocatedByThread().entrySet()) {
      allocated += after.getValue() - allocatedBefore.getOrDefault(after.getKey(), 0L);
    }
    return new Round(total, wall, cpu, allocated);
  }

  private Map<Long, Long> allocatedByThread() {
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    Map<Long, Long> byId = new HashMap<>(ids.length * 2);
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] >= 0) {
        byId.put(ids[i], bytes[i]);
      }
    }
    return byId;
  }

  /** Stops the worker threads. */
  @Override
  public void close() {
    workers.shutdownNow();
  }
}
