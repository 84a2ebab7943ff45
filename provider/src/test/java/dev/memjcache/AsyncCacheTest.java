package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.memjcache.testkit.MemcachedProcess;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

/** The asynchronous view on real memcached: threads, atomicity, failures, backpressure. */
class AsyncCacheTest extends CacheTestSupport {

  @SuppressWarnings("unchecked")
  private static AsyncCache<String, Integer> async(Cache<String, Integer> cache) {
    return cache.unwrap(AsyncCache.class);
  }

  private Cache<String, Integer> counters(CacheManager manager, String name) {
    return manager.createCache(
        name, new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
  }

  @Test
  void tenThousandAsyncIncrementsFromTwoManagersLoseNone() throws Exception {
    String name = uniqueCacheName();
    List<AsyncCache<String, Integer>> views =
        List.of(
            async(counters(newManager("operationTimeoutMillis=5000"), name)),
            async(counters(newManager("operationTimeoutMillis=5000"), name)));
    Semaphore window = new Semaphore(64);
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      window.acquire();
      CompletableFuture<Integer> stage =
          views
              .get(i % 2)
              .invoke(
                  "counter",
                  (entry, args) -> {
                    int next = (entry.exists() ? entry.getValue() : 0) + 1;
                    entry.setValue(next);
                    return next;
                  })
              .toCompletableFuture();
      stage.whenComplete((v, e) -> window.release());
      all.add(stage);
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    // chained stages: the 64 calls in flight held no executor thread each while memcached answered
    long executorThreads =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("memjcache-"))
            .count();
    assertTrue(executorThreads < 32, executorThreads + " executor threads for 64 calls in flight");
    assertEquals(
        10_000, views.get(0).get("counter").toCompletableFuture().get(5, TimeUnit.SECONDS));
    // each increment saw a distinct count: none was applied twice or lost
    assertEquals(
        10_000, all.stream().map(CompletableFuture::join).distinct().count(), "distinct results");
  }

  @Test
  void completionsNeverRunOnTheIoThreadAndUserCodeRunsOnTheExecutor() throws Exception {
    Cache<String, Integer> cache =
        counters(newManager("operationTimeoutMillis=5000"), uniqueCacheName());
    AsyncCache<String, Integer> view = async(cache);
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> stages = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String key = "k" + (i % 20);
      int n = i;
      List<CompletionStage<?>> calls =
          List.of(
              view.put(key, i),
              view.get(key),
              view.containsKey(key),
              view.getAll(Set.of(key, "k" + (i + 1) % 20)),
              view.putAll(Map.of("p" + i, i, "q" + i, i)),
              view.putIfAbsent("a" + i, i),
              view.replace(key, i),
              view.getAndPut("b" + (i % 20), i),
              view.remove("p" + i),
              view.getAndRemove("q" + i),
              view.invoke(
                  key,
                  (entry, args) -> {
                    threads.add("processor:" + Thread.currentThread().getName());
                    entry.setValue(n);
                    return null;
                  }),
              view.get(
                  "m" + i,
                  k -> {
                    threads.add("mapping:" + Thread.currentThread().getName());
                    return CompletableFuture.completedFuture(1);
                  }));
      for (CompletionStage<?> call : calls) {
        stages.add(
            call.whenComplete((v, e) -> threads.add(Thread.currentThread().getName()))
                .toCompletableFuture());
      }
    }
    CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    // a processor runs again when a concurrent put or replace of its key wins the CAS race
    assertTrue(threads.size() >= 200 * 12 + 200 * 2, "every stage and user code recorded");
    for (String thread : threads) {
      assertFalse(thread.contains("Memcached IO"), "completed on spymemcached's I/O thread");
      if (thread.startsWith("processor:") || thread.startsWith("mapping:")) {
        assertTrue(thread.contains(":memjcache-"), "user code ran on " + thread);
      }
    }
  }

  @Test
  void inlineCompletionCompletesOnTheIoThreadAndNeverOnTheCompletionThread() throws Exception {
    Cache<String, Integer> cache =
        counters(
            newManager("operationTimeoutMillis=5000&asyncCompletion=inline"), uniqueCacheName());
    AsyncCache<String, Integer> view = async(cache);
    cache.put("k", 1);
    List<String> threads = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> stages = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      stages.add(
          view.get("k")
              .whenComplete((v, e) -> threads.add(Thread.currentThread().getName()))
              .toCompletableFuture());
    }
    CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertEquals(500, threads.size());
    // a dependent attached before the answer arrived ran where the answer arrived
    assertTrue(
        threads.stream().anyMatch(t -> t.contains("Memcached IO")),
        "no stage completed on the I/O thread: " + new java.util.TreeSet<>(threads));
    assertTrue(
        threads.stream().noneMatch(t -> t.startsWith("memjcache-completions")),
        "a stage was handed to the completion thread");
  }

  @Test
  void theMappingFunctionRunsOncePerKeyAndItsValueIsStored() throws Exception {
    Cache<String, Integer> cache =
        counters(newManager("operationTimeoutMillis=5000"), uniqueCacheName());
    AsyncCache<String, Integer> view = async(cache);
    AtomicInteger calls = new AtomicInteger();
    List<CompletableFuture<Integer>> stages = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      stages.add(
          view.get(
                  "k",
                  k ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            calls.incrementAndGet();
                            sleep(200);
                            return 42;
                          }))
              .toCompletableFuture());
    }
    for (CompletableFuture<Integer> stage : stages) {
      assertEquals(42, stage.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, calls.get(), "single flight per key");
    assertEquals(42, cache.get("k"));
    assertNull(
        view.get("none", k -> CompletableFuture.completedFuture(null))
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS));
    assertFalse(cache.containsKey("none"), "a null result stores nothing");
  }

  @Test
  void withTheLoadLeaseTheMappingFunctionRunsOnceAcrossManagers() throws Exception {
    String name = uniqueCacheName();
    String options = "operationTimeoutMillis=5000&cache." + name + ".loadLeaseMillis=5s";
    List<AsyncCache<String, Integer>> views =
        List.of(
            async(counters(newManager(options), name)), async(counters(newManager(options), name)));
    AtomicInteger calls = new AtomicInteger();
    List<CompletableFuture<Integer>> stages = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      stages.add(
          views
              .get(i % 2)
              .get(
                  "k",
                  k ->
                      CompletableFuture.supplyAsync(
                          () -> {
                            calls.incrementAndGet();
                            sleep(300);
                            return 7;
                          }))
              .toCompletableFuture());
    }
    for (CompletableFuture<Integer> stage : stages) {
      assertEquals(7, stage.get(20, TimeUnit.SECONDS));
    }
    assertEquals(1, calls.get(), "once across the two managers");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A manager on a private server, with a short operation timeout. */
  private CacheManager privateManager(MemcachedProcess server, String options) {
    return newManager(
        URI.create(
            server.uri() + "?operationTimeoutMillis=300&serverRetryMillis=60000&" + options));
  }

  private static Throwable failureOf(CompletableFuture<?> stage, long timeoutMillis)
      throws Exception {
    try {
      stage.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    return fail("completed normally");
  }

  @Test
  void aHungServerFailsTheStagesWithinTheOperationTimeout() throws Exception {
    try (MemcachedProcess server = MemcachedProcess.start()) {
      Cache<String, Integer> cache = counters(privateManager(server, ""), "c");
      AsyncCache<String, Integer> view = async(cache);
      view.put("k", 1).toCompletableFuture().get(5, TimeUnit.SECONDS);
      server.pause();
      try {
        long start = System.nanoTime();
        Throwable get = failureOf(view.get("k").toCompletableFuture(), 5000);
        Throwable put = failureOf(view.put("k", 2).toCompletableFuture(), 5000);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertInstanceOf(CacheException.class, get);
        assertInstanceOf(CacheException.class, put);
        assertTrue(get.getMessage().contains("timed out after 300 ms"), get.getMessage());
        // two operations of 300 ms each, far below the 5 s the test waits
        assertTrue(millis < 3000, "took " + millis + " ms");
        // two timeouts mark the server down: its keys fail at once now
        long again = System.nanoTime();
        failureOf(view.get("k").toCompletableFuture(), 5000);
        assertTrue(
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - again) < 300,
            "not the 300 ms timeout");
      } finally {
        server.resume();
      }
    }
  }

  @Test
  void aStoppedServerDegradesToMissesAndDroppedWrites() throws Exception {
    try (MemcachedProcess server = MemcachedProcess.start()) {
      Cache<String, Integer> cache = counters(privateManager(server, "failureMode=degrade"), "c");
      AsyncCache<String, Integer> view = async(cache);
      view.put("k", 1).toCompletableFuture().get(5, TimeUnit.SECONDS);
      server.stop();
      assertNull(view.get("k").toCompletableFuture().get(5, TimeUnit.SECONDS));
      view.put("k", 2).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertFalse(view.containsKey("k").toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertNull(view.getAndPut("k", 3).toCompletableFuture().get(5, TimeUnit.SECONDS));
      // every other method: the synchronous method's fallback
      assertEquals(
          Map.of(), view.getAll(Set.of("k", "j")).toCompletableFuture().get(5, TimeUnit.SECONDS));
      view.putAll(Map.of("k", 4, "j", 5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertFalse(view.putIfAbsent("k", 6).toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertFalse(view.remove("k").toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertFalse(view.replace("k", 7).toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertNull(view.getAndRemove("k").toCompletableFuture().get(5, TimeUnit.SECONDS));
      assertNull(
          view.invoke("k", (entry, args) -> "processed")
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS));
      assertTrue(cache.unwrap(MemcachedCache.class).degradedCount() >= 11);
    }
  }

  @Test
  void aStoppedServerFailsEveryMethodsStageInFailMode() throws Exception {
    try (MemcachedProcess server = MemcachedProcess.start()) {
      Cache<String, Integer> cache = counters(privateManager(server, ""), "c");
      AsyncCache<String, Integer> view = async(cache);
      view.put("k", 1).toCompletableFuture().get(5, TimeUnit.SECONDS);
      server.stop();
      List<CompletionStage<?>> stages =
          List.of(
              view.get("k"),
              view.containsKey("k"),
              view.put("k", 2),
              view.getAll(Set.of("k", "j")),
              view.putAll(Map.of("k", 4, "j", 5)),
              view.putIfAbsent("k", 6),
              view.remove("k"),
              view.replace("k", 7),
              view.getAndPut("k", 3),
              view.getAndRemove("k"),
              view.invoke("k", (entry, args) -> "processed"),
              view.get("m", k -> CompletableFuture.completedFuture(1)));
      for (CompletionStage<?> stage : stages) {
        // within the operation timeout (300 ms), a closed connection fails at once
        Throwable cause = failureOf(stage.toCompletableFuture(), 5000);
        assertInstanceOf(CacheException.class, cause);
      }
    }
  }

  @Test
  void beyondMaxAsyncOperationsAStageFailsAtOnceAndNothingIsSent() throws Exception {
    try (MemcachedProcess server = MemcachedProcess.start()) {
      CacheManager manager =
          newManager(
              URI.create(server.uri() + "?operationTimeoutMillis=5000&maxAsyncOperations=4"));
      AsyncCache<String, Integer> view = async(counters(manager, "c"));
      view.put("warm", 0).toCompletableFuture().get(5, TimeUnit.SECONDS);
      server.pause();
      List<CompletableFuture<Integer>> pending = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          pending.add(view.get("k" + i).toCompletableFuture());
        }
        CompletableFuture<Void> refused = view.put("x", 1).toCompletableFuture();
        assertTrue(refused.isCompletedExceptionally(), "refused at once, without waiting");
        Throwable cause = failureOf(refused, 0);
        assertInstanceOf(CacheException.class, cause);
        assertTrue(cause.getMessage().contains("maxAsyncOperations=4"), cause.getMessage());
      } finally {
        server.resume();
      }
      for (CompletableFuture<Integer> stage : pending) {
        assertNull(stage.get(10, TimeUnit.SECONDS), "the admitted operations complete");
      }
      view.put("x", 1).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals(1, view.get("x").toCompletableFuture().get(5, TimeUnit.SECONDS));
    }
  }
}
