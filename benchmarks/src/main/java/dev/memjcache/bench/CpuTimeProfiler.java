package dev.memjcache.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler ({@code -prof dev.memjcache.bench.CpuTimeProfiler}) that reports the benchmark
 * JVM's CPU time per operation, {@code cpu.time.norm} in nanoseconds: the process CPU time of each
 * measured iteration (every thread of the client JVM: benchmark threads, spymemcached's I/O thread,
 * GC, JIT) divided by the operations the iteration completed. The memcached server is a separate
 * process and is not counted.
 */
public final class CpuTimeProfiler implements InternalProfiler {

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private long cpuAtStart;

  /** Returns what the profiler measures. */
  @Override
  public String getDescription() {
    return "client JVM process CPU time per operation (ns/op)";
  }

  /** Remembers the process CPU time (ns) at the start of the iteration. */
  @Override
  public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
    cpuAtStart = os.getProcessCpuTime();
  }

  /** Returns {@code cpu.time.norm}: the iteration's process CPU nanoseconds per operation. */
  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
    long cpuNanos = os.getProcessCpuTime() - cpuAtStart;
    long ops = result.getMetadata().getAllOps();
    double perOp = ops == 0 ? Double.NaN : (double) cpuNanos / ops;
    return List.of(new ScalarResult("cpu.time.norm", perOp, "ns/op", AggregationPolicy.AVG));
  }
}
