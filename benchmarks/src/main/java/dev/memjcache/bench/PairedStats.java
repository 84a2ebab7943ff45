package dev.memjcache.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The statistics of the paired mode: the median of the per-pair ratios and its percentile bootstrap
 * 95 % interval (resampling the pairs with replacement, fixed seed, so a table can be recomputed
 * exactly from its ratios).
 */
final class PairedStats {

  /** Bootstrap resamples per row. */
  static final int RESAMPLES = 4_000;

  /** Seed of the bootstrap's random generator. */
  static final long SEED = 20_261_129L;

  private PairedStats() {}

  /** Returns the median of {@code values} (mean of the two middle ones for an even count). */
  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * Returns the percentile bootstrap 95 % interval of the median of {@code ratios}: {@value
   * #RESAMPLES} resamples of the same size drawn with replacement, the 2.5th and 97.5th percentile
   * of their medians.
   *
   * @return {@code {low, high}}
   */
  static double[] bootstrapMedianInterval(double[] ratios) {
    if (ratios.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    SplittableRandom random = new SplittableRandom(SEED);
    double[] medians = new double[RESAMPLES];
    double[] sample = new double[ratios.length];
    for (int r = 0; r < RESAMPLES; r++) {
      for (int i = 0; i < sample.length; i++) {
        sample[i] = ratios[random.nextInt(ratios.length)];
      }
      medians[r] = median(sample);
    }
    Arrays.sort(medians);
    return new double[] {
      medians[(int) Math.floor(0.025 * (RESAMPLES - 1))],
      medians[(int) Math.ceil(0.975 * (RESAMPLES - 1))]
    };
  }
}
