package dev.memjcache.management;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Counts, percentages, averages and clear() of {@link CacheStatistics} (JSR-107 12.4). */
class CacheStatisticsTest {

  @Test
  void newStatisticsAreAllZero() {
    CacheStatistics stats = new CacheStatistics();
    assertAll(stats, 0, 0, 0, 0, 0);
    assertEquals(0f, stats.getCacheHitPercentage());
    assertEquals(0f, stats.getCacheMissPercentage());
    assertEquals(0f, stats.getAverageGetTime());
    assertEquals(0f, stats.getAveragePutTime());
    assertEquals(0f, stats.getAverageRemoveTime());
  }

  @Test
  void countsAreExactAndGetsAreHitsPlusMisses() {
    CacheStatistics stats = new CacheStatistics();
    stats.recordHits(3);
    stats.recordHits(2);
    stats.recordMisses(7);
    stats.recordPuts(11);
    stats.recordRemovals(13);
    stats.recordEvictions(17);
    assertAll(stats, 5, 7, 11, 13, 17);
    assertEquals(12, stats.getCacheGets());
  }

  @Test
  void percentagesFollowHitsAndMisses() {
    CacheStatistics stats = new CacheStatistics();
    stats.recordMisses(1);
    assertEquals(0f, stats.getCacheHitPercentage());
    assertEquals(100f, stats.getCacheMissPercentage());
    stats.recordHits(1);
    assertEquals(50f, stats.getCacheHitPercentage());
    assertEquals(50f, stats.getCacheMissPercentage());
    stats.recordHits(1);
    assertEquals(200f / 3, stats.getCacheHitPercentage(), 1e-4f);
    assertEquals(100f / 3, stats.getCacheMissPercentage(), 1e-4f);
    stats.recordHits(1);
    assertEquals(75f, stats.getCacheHitPercentage());
    assertEquals(25f, stats.getCacheMissPercentage());
  }

  @Test
  void averageTimesAreMicrosecondsPerCountedEntry() {
    CacheStatistics stats = new CacheStatistics();
    // Times without a matching count average to 0, not to infinity.
    stats.recordGetTime(1_000_000);
    stats.recordPutTime(1_000_000);
    stats.recordRemoveTime(1_000_000);
    assertEquals(0f, stats.getAverageGetTime());
    assertEquals(0f, stats.getAveragePutTime());
    assertEquals(0f, stats.getAverageRemoveTime());

    stats.recordHits(3);
    stats.recordMisses(1);
    stats.recordGetTime(1_000_000); // 2 ms over 4 gets
    assertEquals(500f, stats.getAverageGetTime());

    stats.recordPuts(4);
    stats.recordPutTime(1_500); // 1_001_500 ns over 4 puts
    assertEquals(250.375f, stats.getAveragePutTime());

    stats.recordRemovals(2);
    stats.recordRemoveTime(3); // 1_000_003 ns over 2 removals
    assertEquals(500.0015f, stats.getAverageRemoveTime(), 1e-4f);
  }

  @Test
  void clearResetsCountsAndTimes() {
    CacheStatistics stats = new CacheStatistics();
    stats.recordHits(1);
    stats.recordMisses(2);
    stats.recordPuts(3);
    stats.recordRemovals(4);
    stats.recordEvictions(5);
    stats.recordGetTime(6_000);
    stats.recordPutTime(7_000);
    stats.recordRemoveTime(8_000);

    stats.clear();

    assertAll(stats, 0, 0, 0, 0, 0);
    assertEquals(0f, stats.getCacheHitPercentage());
    assertEquals(0f, stats.getCacheMissPercentage());
    // Old times must be gone too: a new get must average over its own time only.
    stats.recordHits(1);
    stats.recordGetTime(2_000);
    stats.recordPuts(1);
    stats.recordPutTime(4_000);
    stats.recordRemovals(1);
    stats.recordRemoveTime(6_000);
    assertEquals(2f, stats.getAverageGetTime());
    assertEquals(4f, stats.getAveragePutTime());
    assertEquals(6f, stats.getAverageRemoveTime());
  }

  @Test
  void disabledRecorderKeepsNoState() {
    // A null object with no fields cannot accumulate anything; it must never be a shared live
    // CacheStatistics that caches with statistics off would all write into.
    assertEquals(false, StatisticsRecorder.DISABLED instanceof CacheStatistics);
    assertEquals(0, StatisticsRecorder.DISABLED.getClass().getDeclaredFields().length);
    StatisticsRecorder.DISABLED.recordHits(1);
    StatisticsRecorder.DISABLED.recordMisses(1);
    StatisticsRecorder.DISABLED.recordPuts(1);
    StatisticsRecorder.DISABLED.recordRemovals(1);
    StatisticsRecorder.DISABLED.recordEvictions(1);
    StatisticsRecorder.DISABLED.recordGetTime(1);
    StatisticsRecorder.DISABLED.recordPutTime(1);
    StatisticsRecorder.DISABLED.recordRemoveTime(1);
    assertEquals("StatisticsRecorder.DISABLED", StatisticsRecorder.DISABLED.toString());
  }

  @Test
  void eightThreadsRecordExactTotals() throws Exception {
    CacheStatistics stats = new CacheStatistics();
    int threads = 8;
    int rounds = 100_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < rounds; i++) {
                    stats.recordHits(1);
                    stats.recordMisses(2);
                    stats.recordPuts(3);
                    stats.recordRemovals(1);
                    stats.recordEvictions(1);
                    stats.recordGetTime(10);
                    stats.recordPutTime(20);
                    stats.recordRemoveTime(30);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long n = (long) threads * rounds;
    assertAll(stats, n, 2 * n, 3 * n, n, n);
    assertEquals(3 * n, stats.getCacheGets());
    // 10 ns per operation over 3 gets per operation.
    assertEquals(10.0 / 3 / 1000, stats.getAverageGetTime(), 1e-9);
    assertEquals(20.0 / 3 / 1000, stats.getAveragePutTime(), 1e-9);
    assertEquals(30.0 / 1000, stats.getAverageRemoveTime(), 1e-9);
  }

  private static void assertAll(
      CacheStatistics stats, long hits, long misses, long puts, long removals, long evictions) {
    assertEquals(hits, stats.getCacheHits(), "hits");
    assertEquals(misses, stats.getCacheMisses(), "misses");
    assertEquals(hits + misses, stats.getCacheGets(), "gets");
    assertEquals(puts, stats.getCachePuts(), "puts");
    assertEquals(removals, stats.getCacheRemovals(), "removals");
    assertEquals(evictions, stats.getCacheEvictions(), "evictions");
  }
}
