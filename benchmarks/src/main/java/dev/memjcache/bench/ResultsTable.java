package dev.memjcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH JSON result files ({@code -rf json}) of {@link ValueOpsBenchmark} and {@link
 * MissAndCounterBenchmark} into a markdown table: one row per (operation, value size, threads) with
 * raw and MemJCache throughput (ops/s), the ratio MemJCache/raw, and, when present, sample-mode
 * p50/p99 latencies (microseconds) and {@code -prof gc}'s {@code gc.alloc.rate.norm} (bytes
 * allocated per operation in the benchmark JVM, taken from the throughput run).
 *
 * <p>Usage: {@code ResultsTable <title> <out.md> <result.json>...}. Benchmarks are paired by method
 * name {@code <operation>_raw} / {@code <operation>_memjcache}; a missing side (for example a
 * benchmark that failed) shows as {@code n/a}.
 */
public final class ResultsTable {

  private static final List<String> OPERATIONS =
      List.of("getHit", "getMiss", "put", "putIfAbsent", "getAll", "putAll", "increment");

  private static final Map<String, String> LABELS =
      Map.of(
          "getHit", "get (hit)",
          "getMiss", "get (miss)",
          "put", "put",
          "putIfAbsent", "putIfAbsent (absent key)",
          "getAll", "getAll (100 keys)",
          "putAll", "putAll (100 entries)",
          "increment", "invoke (+1 Long) / raw gets+cas");

  /** Figures of one side (raw or MemJCache) of one row; NaN when not measured. */
  static final class Side {
    double opsPerSecond = Double.NaN;
    double opsError = Double.NaN;
    double p50Micros = Double.NaN;
    double p99Micros = Double.NaN;
    double bytesPerOp = Double.NaN;
    double cpuNanosPerOp = Double.NaN;
  }

  /** One table row: an operation at a value size (bytes, or -1 when it has none) and threads. */
  record RowKey(String operation, int valueSize, int threads) {}

  private ResultsTable() {}

  /**
   * Writes the table.
   *
   * @param args {@code <title> <out.md> <result.json>...}
   * @throws IOException when a result file cannot be read or the table cannot be written
   * @throws IllegalArgumentException on fewer than three arguments
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      throw new IllegalArgumentException("usage: ResultsTable <title> <out.md> <result.json>...");
    }
    List<Path> inputs = new ArrayList<>();
    for (String name : Arrays.asList(args).subList(2, args.length)) {
      inputs.add(Path.of(name));
    }
    String table = render(args[0], inputs);
    Path out = Path.of(args[1]);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, table);
    System.out.print(table);
  }

  /** Reads the JSON files and returns the markdown document. */
  static String render(String title, List<Path> inputs) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    Map<RowKey, Side[]> rows =
        new TreeMap<>(
            Comparator.comparingInt((RowKey k) -> OPERATIONS.indexOf(k.operation()))
                .thenComparing(RowKey::operation)
                .thenComparingInt(RowKey::valueSize)
                .thenComparingInt(RowKey::threads));
    String setup = "";
    for (Path input : inputs) {
      JsonNode results = mapper.readTree(input.toFile());
      for (JsonNode result : results) {
        if (setup.isEmpty()) {
          setup = describeSetup(result);
        }
        collect(result, rows);
      }
    }
    return format(title, inputs, setup, rows);
  }

  private static void collect(JsonNode result, Map<RowKey, Side[]> rows) {
    String benchmark = result.path("benchmark").asText();
    String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
    int split = method.lastIndexOf('_');
    if (split < 0) {
      return;
    }
    String operation = method.substring(0, split);
    int side =
        switch (method.substring(split + 1)) {
          case "raw" -> 0;
          case "memjcache" -> 1;
          default -> -1;
        };
    if (side < 0) {
      return;
    }
    JsonNode size = result.path("params").path("valueSize");
    RowKey key =
        new RowKey(
            operation, size.isMissingNode() ? -1 : size.asInt(), result.path("threads").asInt());
    Side figures = rows.computeIfAbsent(key, k -> new Side[] {new Side(), new Side()})[side];
    JsonNode primary = result.path("primaryMetric");
    String unit = primary.path("scoreUnit").asText();
    double gcNorm = secondary(result.path("secondaryMetrics"), "gc.alloc.rate.norm");
    double cpuNorm = secondary(result.path("secondaryMetrics"), "cpu.time.norm");
    switch (result.path("mode").asText()) {
      case "thrpt" -> {
        double perSecond = opsPerSecondFactor(unit);
        // the median iteration: one noisy iteration (a busy neighbour, a GC) does not move it
        double median = median(primary.path("rawData"));
        figures.opsPerSecond =
            (Double.isNaN(median) ? primary.path("score").asDouble() : median) * perSecond;
        figures.opsError = number(primary.path("scoreError")) * perSecond;
        if (!Double.isNaN(gcNorm)) {
          figures.bytesPerOp = gcNorm;
        }
        if (!Double.isNaN(cpuNorm)) {
          figures.cpuNanosPerOp = cpuNorm;
        }
      }
      case "sample" -> {
        double toMicros = microsFactor(unit);
        JsonNode percentiles = primary.path("scorePercentiles");
        figures.p50Micros = number(percentiles.path("50.0")) * toMicros;
        figures.p99Micros = number(percentiles.path("99.0")) * toMicros;
        if (Double.isNaN(figures.bytesPerOp)) {
          figures.bytesPerOp = gcNorm;
        }
      }
      default -> {}
    }
  }

  /** The median of JMH's per-iteration scores ({@code rawData}: one array per fork). */
  static double median(JsonNode rawData) {
    List<Double> scores = new java.util.ArrayList<>();
    rawData.forEach(fork -> fork.forEach(score -> scores.add(score.asDouble())));
    if (scores.isEmpty()) {
      return Double.NaN;
    }
    scores.sort(null);
    int n = scores.size();
    return n % 2 == 1 ? scores.get(n / 2) : (scores.get(n / 2 - 1) + scores.get(n / 2)) / 2;
  }

  private static double secondary(JsonNode metrics, String suffix) {
    for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> metric = it.next();
      if (metric.getKey().endsWith(suffix)) {
        return number(metric.getValue().path("score"));
      }
    }
    return Double.NaN;
  }

  /** JMH writes "NaN" as a string when a figure is undefined (one iteration, for example). */
  private static double number(JsonNode node) {
    if (node.isNumber()) {
      return node.asDouble();
    }
    try {
      return Double.parseDouble(node.asText());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Factor turning a throughput unit ({@code ops/s}, {@code ops/ms}...) into ops per second. */
  static double opsPerSecondFactor(String unit) {
    return 1.0 / secondsOf(unit.substring(unit.indexOf('/') + 1), unit);
  }

  /**
   * Factor turning a time-per-operation unit ({@code us/op}, {@code ns/op}...) into microseconds.
   */
  static double microsFactor(String unit) {
    return secondsOf(unit.substring(0, unit.indexOf('/')), unit) * 1e6;
  }

  private static double secondsOf(String timeUnit, String unit) {
    return switch (timeUnit) {
      case "s" -> 1;
      case "ms" -> 1e-3;
      case "us" -> 1e-6;
      case "ns" -> 1e-9;
      case "min" -> 60;
      default -> throw new IllegalArgumentException("unknown JMH unit " + unit);
    };
  }

  private static String describeSetup(JsonNode result) {
    return String.format(
        Locale.ROOT,
        "JMH %s, %s %s; forks %s; warmup %s x %s; measurement " + "%s x %s",
        result.path("jmhVersion").asText(),
        result.path("vmName").asText(),
        result.path("jdkVersion").asText(),
        result.path("forks").asText(),
        result.path("warmupIterations").asText(),
        result.path("warmupTime").asText(),
        result.path("measurementIterations").asText(),
        result.path("measurementTime").asText());
  }

  private static String format(
      String title, List<Path> inputs, String setup, Map<RowKey, Side[]> rows) {
    boolean latency =
        rows.values().stream().flatMap(Arrays::stream).anyMatch(s -> !Double.isNaN(s.p50Micros));
    boolean gc =
        rows.values().stream().flatMap(Arrays::stream).anyMatch(s -> !Double.isNaN(s.bytesPerOp));
    boolean cpu =
        rows.values().stream()
            .flatMap(Arrays::stream)
            .anyMatch(s -> !Double.isNaN(s.cpuNanosPerOp));
    StringBuilder out = new StringBuilder();
    out.append("# ").append(title).append("\n\n");
    out.append("Raw spymemcached 2.12.3 (binary protocol, Ketama, pass-through byte[] transcoder) ")
        .append("and MemJCache (`Cache<String, byte[]>`, store-by-value, eternal, statistics off) ")
        .append("against the same memcached server. ")
        .append(setup)
        .append(".\n");
    out.append("Sources: ");
    for (int i = 0; i < inputs.size(); i++) {
      out.append(i == 0 ? "" : ", ").append('`').append(inputs.get(i).getFileName()).append('`');
    }
    out.append(". ops/s is the median iteration (± JMH's 99.9% error of the mean); ratio = ")
        .append("MemJCache / raw of those medians (higher is better; 1.00 = parity).");
    if (cpu) {
      out.append(" CPU µs/op: the client JVM's process CPU time per operation (all its threads;")
          .append(" the memcached server not included).");
    }
    out.append("\n\n");
    out.append("| operation | value | threads | raw ops/s | MemJCache ops/s | MemJCache/raw |");
    StringBuilder rule = new StringBuilder("|---|---:|---:|---:|---:|---:|");
    if (latency) {
      out.append(" raw p50 µs | raw p99 µs | MemJCache p50 µs | MemJCache p99 µs |");
      rule.append("---:|---:|---:|---:|");
    }
    if (gc) {
      out.append(" raw B/op | MemJCache B/op |");
      rule.append("---:|---:|");
    }
    if (cpu) {
      out.append(" raw CPU µs/op | MemJCache CPU µs/op |");
      rule.append("---:|---:|");
    }
    out.append('\n').append(rule).append('\n');
    for (Map.Entry<RowKey, Side[]> row : rows.entrySet()) {
      RowKey key = row.getKey();
      Side raw = row.getValue()[0];
      Side jcache = row.getValue()[1];
      out.append("| ")
          .append(LABELS.getOrDefault(key.operation(), key.operation()))
          .append(" | ")
          .append(key.valueSize() < 0 ? "-" : sizeLabel(key.valueSize()))
          .append(" | ")
          .append(key.threads())
          .append(" | ")
          .append(throughput(raw))
          .append(" | ")
          .append(throughput(jcache))
          .append(" | ")
          .append(fixed(jcache.opsPerSecond / raw.opsPerSecond, 2))
          .append(" |");
      if (latency) {
        out.append(' ')
            .append(fixed(raw.p50Micros, 1))
            .append(" | ")
            .append(fixed(raw.p99Micros, 1))
            .append(" | ")
            .append(fixed(jcache.p50Micros, 1))
            .append(" | ")
            .append(fixed(jcache.p99Micros, 1))
            .append(" |");
      }
      if (gc) {
        out.append(' ')
            .append(fixed(raw.bytesPerOp, 0))
            .append(" | ")
            .append(fixed(jcache.bytesPerOp, 0))
            .append(" |");
      }
      if (cpu) {
        out.append(' ')
            .append(fixed(raw.cpuNanosPerOp / 1000, 1))
            .append(" | ")
            .append(fixed(jcache.cpuNanosPerOp / 1000, 1))
            .append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String sizeLabel(int bytes) {
    return bytes % 1024 == 0 ? bytes / 1024 + " KiB" : bytes + " B";
  }

  private static String throughput(Side side) {
    if (Double.isNaN(side.opsPerSecond)) {
      return "n/a";
    }
    String score = String.format(Locale.ROOT, "%,.0f", side.opsPerSecond);
    return Double.isNaN(side.opsError)
        ? score
        : score + String.format(Locale.ROOT, " ± %,.0f", side.opsError);
  }

  private static String fixed(double value, int decimals) {
    return Double.isNaN(value) || Double.isInfinite(value)
        ? "n/a"
        : String.format(Locale.ROOT, "%,." + decimals + "f", value);
  }
}
