package dev.memjcache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Summarizes several paired runs ({@link PairedTable}'s Markdown files) row by row: each run's
 * MemJCache/raw ratio, their median, and in how many runs the row missed its ratio target or the ±5
 * % interval. One run on a shared VM moves a row by a few per cent (JIT, scheduling, the
 * neighbours); a row that misses in one run and not in the others shows that spread, one that
 * misses in most shows a real shortfall.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.memjcache.bench.PairedRuns TABLE.md...}; prints a
 * Markdown table on standard output.
 */
public final class PairedRuns {

  private static final Pattern RATIO_TARGET = Pattern.compile("ratio < ([0-9.]+)");

  private PairedRuns() {}

  /** One row across the runs. */
  private static final class Row {
    final List<Double> ratios = new ArrayList<>();
    int ratioMisses;
    int intervalMisses;
    String target = "";
  }

  /**
   * @param args the paired tables, at least one
   * @throws IOException when a table cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: PairedRuns TABLE.md...");
      System.exit(2);
    }
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String file : args) {
      for (String line : Files.readAllLines(Path.of(file))) {
        String[] cells = line.split("\\|");
        if (!line.startsWith("| ") || line.startsWith("| operation") || cells.length < 17) {
          continue;
        }
        String key = cells[1].trim() + " | " + cells[2].trim() + " | " + cells[3].trim();
        Row row = rows.computeIfAbsent(key, k -> new Row());
        row.ratios.add(Double.parseDouble(cells[7].replace("*", "").trim()));
        String missed = cells[16];
        Matcher target = RATIO_TARGET.matcher(missed);
        if (target.find()) {
          row.ratioMisses++;
          row.target = target.group(1);
        }
        if (missed.contains("interval")) {
          row.intervalMisses++;
        }
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("| operation | value | threads | MemJCache/raw per run | median | ratio missed |")
        .append(" interval wider than ±5 % |\n|---|---:|---:|---|---:|---|---:|\n");
    rows.forEach(
        (key, row) -> {
          StringBuilder each = new StringBuilder();
          for (double ratio : row.ratios) {
            each.append(each.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%.3f", ratio));
          }
          md.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %s | **%.3f** | %s | %d of %d |%n",
                  key,
                  each,
                  PairedStats.median(
                      row.ratios.stream().mapToDouble(Double::doubleValue).toArray()),
                  row.ratioMisses == 0
                      ? "never"
                      : row.ratioMisses + " of " + row.ratios.size() + " (< " + row.target + ")",
                  row.intervalMisses,
                  row.ratios.size()));
        });
    System.out.print(md);
  }
}
