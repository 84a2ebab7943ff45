package dev.memjcache;

import dev.memjcache.spi.MemcachedCachingProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * The second JVM of {@link LoadLeaseTest}: opens the same read-through cache (with the load lease),
 * prints {@code ready}, waits for {@code go} on standard input, then reads one missing key from
 * {@code threads} threads at once and prints {@code values=<v1,v2,...>}.
 *
 * <p>Arguments: CacheManager URI, cache name, key, threads, counter item key.
 */
public final class LeaseWorkerMain {

  private LeaseWorkerMain() {}

  /**
   * @param args URI, cache name, key, threads, counter item key
   * @throws Exception on any failure (the test reads the exit code)
   */
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    String cacheName = args[1];
    String key = args[2];
    int threads = Integer.parseInt(args[3]);
    String counterKey = args[4];
    try (CacheManager manager =
        new MemcachedCachingProvider()
            .getCacheManager(uri, LeaseWorkerMain.class.getClassLoader())) {
      Cache<String, String> cache = LoadLeaseTest.openCache(manager, cacheName, counterKey);
      System.out.println("ready");
      System.out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      if (!"go".equals(in.readLine())) {
        throw new IllegalStateException("expected go");
      }
      System.out.println("values=" + String.join(",", readConcurrently(cache, key, threads)));
    }
  }

  /** Reads {@code key} from {@code threads} threads released at once. */
  static List<String> readConcurrently(Cache<String, String> cache, String key, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        calls.add(
            pool.submit(
                () -> {
                  start.await();
                  return cache.get(key);
                }));
      }
      start.countDown();
      List<String> values = new ArrayList<>();
      for (Future<String> call : calls) {
        values.add(call.get(60, TimeUnit.SECONDS));
      }
      return values;
    } finally {
      pool.shutdownNow();
    }
  }
}
