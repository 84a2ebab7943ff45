package dev.memjcache.bench;

import dev.memjcache.bench.PairedBenchmark.Result;
import dev.memjcache.bench.PairedBenchmark.Targets;
import dev.memjcache.bench.PairedRunner.Round;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/** Writes the paired mode's results as the Markdown table of docs/performance.md. */
final class PairedTable {

  private PairedTable() {}

  static String markdown(
      List<Result> results,
      int pairs,
      int maxPairs,
      long roundMillis,
      long warmupMillis,
      long seconds) {
    StringBuilder md = new StringBuilder();
    md.append("# MemJCache vs raw spymemcached: paired run\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "One JVM (%s %s), one private memcached; per row %s of %d ms rounds after a"
                + " %d ms warm-up of each side, the order within a pair alternating. Ratio ="
                + " median over the pairs of MemJCache ops/s ÷ raw ops/s, with its percentile"
                + " bootstrap 95 %% interval (%d resamples, seed %d); all rounds: total MemJCache"
                + " ops/s ÷ total raw ops/s over every measured round (slow rounds, GC pauses"
                + " included). ops/s: median round. CPU:"
                + " client JVM process CPU time per operation (all its threads), B/op: bytes"
                + " allocated by all its threads per operation, both summed over the measured"
                + " rounds. Total time %d s.%n%n",
            System.getProperty("java.vm.name"),
            System.getProperty("java.version"),
            maxPairs > pairs
                ? pairs
                    + " pairs, up to "
                    + maxPairs
                    + " while the interval is wider than ±"
                    + (int) PairedBenchmark.TARGET_HALF_WIDTH_PERCENT
                    + " % (column pairs),"
                : pairs + " pairs",
            roundMillis,
            warmupMillis,
            PairedStats.RESAMPLES,
            PairedStats.SEED,
            seconds));
    md.append(
        "| operation | value | threads | pairs | raw ops/s | MemJCache ops/s | MemJCache/raw | 95 % interval"
            + " | all rounds | raw CPU µs/op | MemJCache CPU µs/op | CPU ratio | raw B/op | MemJCache B/op"
            + " | B/op ratio | targets missed |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result result : results) {
      double[] ratios = result.ratios();
      double ratio = PairedStats.median(ratios);
      double[] interval = PairedStats.bootstrapMedianInterval(ratios);
      double rawCpu = cpuMicrosPerOp(result.raw());
      double cacheCpu = cpuMicrosPerOp(result.memjcache());
      double rawBytes = bytesPerOp(result.raw());
      double cacheBytes = bytesPerOp(result.memjcache());
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %d | %,.0f | %,.0f | **%.3f** | %.3f–%.3f (%+.1f %%/%+.1f %%) | %.3f | %.1f | %.1f"
                  + " | %.2f | %,.0f | %,.0f | %.2f | %s |%n",
              result.row().operation(),
              result.row().value(),
              result.row().threads(),
              ratios.length,
              medianOps(result.raw()),
              medianOps(result.memjcache()),
              ratio,
              interval[0],
              interval[1],
              100 * (interval[0] / ratio - 1),
              100 * (interval[1] / ratio - 1),
              totalOps(result.memjcache()) / totalOps(result.raw()),
              rawCpu,
              cacheCpu,
              cacheCpu / rawCpu,
              rawBytes,
              cacheBytes,
              cacheBytes / rawBytes,
              missed(
                  result.row().targets(),
                  ratio,
                  interval,
                  cacheCpu / rawCpu,
                  cacheBytes / rawBytes)));
    }
    // issue 9: the async get against the synchronous 4-thread get (target >= 5x); the same pair
    // for put and invoke
    for (String variant : new String[] {"", PairedBenchmark.INLINE}) {
      for (String operation : new String[] {"get", "put", "invoke"}) {
        boolean invoke = operation.equals("invoke");
        String async =
            switch (operation) {
              case "get" -> PairedBenchmark.ASYNC_GET + variant;
              case "put" -> PairedBenchmark.ASYNC_PUT + variant;
              default -> PairedBenchmark.ASYNC_INVOKE + variant + PairedBenchmark.ASYNC_INVOKE_RAW;
            };
        String value = invoke ? "-" : "100 B";
        asyncVsSync(
            md,
            find(results, async, value, 1),
            find(results, invoke ? PairedBenchmark.INVOKE : operation, value, 4),
            operation,
            variant,
            invoke ? " (+1 Long)" : ", 100 B",
            operation.equals("get") ? " (target ≥ 5×)" : "");
      }
    }
    if (results.stream().anyMatch(r -> r.row().operation().startsWith(TlsRows.RAW_TLS_PLAIN))) {
      md.append(
          "\nRows `"
              + TlsRows.RAW_TLS_PLAIN.trim()
              + "`: the raw client over TLS against the raw client over plain TCP on the same"
              + " memcached (columns raw = plain, MemJCache = TLS): the cost of TLS, a figure with"
              + " no target.\n");
    }
    return md.toString();
  }

  /** One line: the MemJCache async row's rate against the synchronous 4-thread row's. */
  private static void asyncVsSync(
      StringBuilder md,
      Result async,
      Result sync,
      String operation,
      String variant,
      String what,
      String target) {
    if (async == null || sync == null) {
      return;
    }
    double asyncOps = medianOps(async.memjcache());
    double syncOps = medianOps(sync.memjcache());
    md.append(
        String.format(
            Locale.ROOT,
            "%nAsync %s (1 thread, %d in flight%s) vs synchronous %s at 4 threads, MemJCache%s:"
                + " %,.0f vs %,.0f ops/s = **%.1f×**%s.%n",
            operation,
            PairedBenchmark.WINDOW,
            variant,
            operation,
            what,
            asyncOps,
            syncOps,
            asyncOps / syncOps,
            target));
  }

  private static Result find(List<Result> results, String operation, String value, int threads) {
    for (Result result : results) {
      if (result.row().operation().equals(operation)
          && result.row().value().equals(value)
          && result.row().threads() == threads) {
        return result;
      }
    }
    return null;
  }

  static String missed(
      Targets targets, double ratio, double[] interval, double cpu, double allocation) {
    if (Double.isNaN(targets.ratio())
        && Double.isNaN(targets.cpu())
        && Double.isNaN(targets.allocation())) {
      return "(a figure: no target)";
    }
    List<String> missed = new ArrayList<>();
    if (ratio < targets.ratio()) {
      missed.add(String.format(Locale.ROOT, "ratio < %.2f", targets.ratio()));
    }
    if (interval[0] < ratio * 0.95 || interval[1] > ratio * 1.05) {
      missed.add("interval wider than ±5 %");
    }
    if (!Double.isNaN(targets.cpu()) && cpu > targets.cpu()) {
      missed.add(String.format(Locale.ROOT, "CPU > %.2f×", targets.cpu()));
    }
    if (!Double.isNaN(targets.allocation()) && allocation > targets.allocation()) {
      missed.add(String.format(Locale.ROOT, "B/op > %.2f×", targets.allocation()));
    }
    return missed.isEmpty() ? "none" : String.join(", ", missed);
  }

  static double medianOps(List<Round> rounds) {
    double[] ops = new double[rounds.size()];
    for (int i = 0; i < ops.length; i++) {
      ops[i] = rounds.get(i).opsPerSecond();
    }
    return PairedStats.median(ops);
  }

  /** Operations per second over all {@code rounds} together. */
  static double totalOps(List<Round> rounds) {
    long ops = 0;
    long wall = 0;
    for (Round round : rounds) {
      ops += round.ops();
      wall += round.wallNanos();
    }
    return ops * 1e9 / wall;
  }

  static double cpuMicrosPerOp(List<Round> rounds) {
    return perOp(rounds, Round::cpuNanos) / 1e3;
  }

  static double bytesPerOp(List<Round> rounds) {
    return perOp(rounds, Round::allocatedBytes);
  }

  /** The sum of {@code measure} over the rounds divided by the sum of their operations. */
  private static double perOp(List<Round> rounds, ToLongFunction<Round> measure) {
    long total = 0;
    long ops = 0;
    for (Round round : rounds) {
      total += measure.applyAsLong(round);
      ops += round.ops();
    }
    return (double) total / ops;
  }
}
