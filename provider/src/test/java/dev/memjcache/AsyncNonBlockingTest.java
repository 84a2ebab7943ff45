package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.testkit.MemcachedProcess;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import org.junit.jupiter.api.Test;

/**
 * No thread waits for memcached on the asynchronous view: with the server paused and hundreds of
 * stages of every method in flight (with a writer, a loader, a synchronous listener, entry
 * processors and mapping functions, so user code is involved), no thread is inside a memcached wait
 * and the manager's executor keeps few threads; after the server resumes every stage completes,
 * user code having run on the executor only.
 */
class AsyncNonBlockingTest extends CacheTestSupport {

  private static final int PER_METHOD = 200;

  /** Which user code ran on which threads, by kind. */
  private final Map<String, Set<String>> userCode = new ConcurrentHashMap<>();

  private void ran(String kind) {
    userCode
        .computeIfAbsent(kind, k -> ConcurrentHashMap.newKeySet())
        .add(Thread.currentThread().getName());
  }

  private final class Writer implements CacheWriter<String, Integer> {
    @Override
    public void write(Cache.Entry<? extends String, ? extends Integer> entry) {
      ran("writer");
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends Integer>> entries) {
      ran("writer");
      entries.clear();
    }

    @Override
    public void delete(Object key) {
      ran("writer");
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      ran("writer");
      keys.clear();
    }
  }

  /** Loads the key's length. */
  private final class Loader implements CacheLoader<String, Integer> {
    @Override
    public Integer load(String key) {
      ran("loader");
      return key.startsWith("f") ? null : key.length(); // "f": left to the mapping function
    }

    @Override
    public Map<String, Integer> loadAll(Iterable<? extends String> keys) {
      ran("loader");
      Map<String, Integer> loaded = new HashMap<>();
      keys.forEach(key -> loaded.put(key, key.length()));
      return loaded;
    }
  }

  private final class Listener
      implements CacheEntryCreatedListener<String, Integer>,
          CacheEntryUpdatedListener<String, Integer>,
          CacheEntryRemovedListener<String, Integer> {
    private void on(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      events.forEach(e -> ran("listener"));
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      on(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      on(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends Integer>> events) {
      on(events);
    }
  }

  private static <T> Factory<T> factory(T instance) {
    return () -> instance;
  }

  /** Whether {@code stack} is inside a wait for a memcached answer. */
  private static boolean waitsForMemcached(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      String type = frame.getClassName();
      if (type.equals("dev.memjcache.store.MemcachedStore") && frame.getMethodName().equals("await")
          || type.startsWith("net.spy.memcached.internal.") && frame.getMethodName().equals("get")
          || type.startsWith("net.spy.memcached.") && type.contains("Latch")) {
        return true;
      }
    }
    return false;
  }

  private static List<String> threadsWaitingForMemcached() {
    List<String> waiting = new ArrayList<>();
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              if (waitsForMemcached(stack)) {
                waiting.add(thread.getName());
              }
            });
    return waiting;
  }

  private static long executorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("memjcache-"))
        .count();
  }

  @Test
  void withTheServerPausedNoThreadWaitsForMemcachedAndAllStagesCompleteAfterResume()
      throws Exception {
    try (MemcachedProcess server = MemcachedProcess.start()) {
      // a long operation timeout: the stages wait for the resume instead of failing; generations
      // are read once here (their re-read is the documented exception: one thread per server)
      CacheManager manager =
          newManager(
              URI.create(
                  server.uri() + "?operationTimeoutMillis=30000&generationRefreshMillis=600000"));
      MutableConfiguration<String, Integer> config =
          new MutableConfiguration<String, Integer>()
              .setTypes(String.class, Integer.class)
              .setReadThrough(true)
              .setWriteThrough(true)
              .setCacheLoaderFactory(factory(new Loader()))
              .setCacheWriterFactory(factory(new Writer()))
              .addCacheEntryListenerConfiguration(
                  new MutableCacheEntryListenerConfiguration<>(
                      factory((CacheEntryListener<String, Integer>) new Listener()),
                      null,
                      true,
                      true));
      Cache<String, Integer> cache = manager.createCache("c", config);
      @SuppressWarnings("unchecked")
      AsyncCache<String, Integer> view = cache.unwrap(AsyncCache.class);
      Map<String, Integer> existing = new HashMap<>();
      for (int i = 0; i < PER_METHOD; i++) {
        for (String prefix : List.of("c", "u", "p", "r", "d", "i")) {
          existing.put(prefix + i, i);
        }
      }
      cache.putAll(existing);
      userCode.clear();

      Map<String, List<CompletableFuture<?>>> stages = new HashMap<>();
      Set<String> completedOn = ConcurrentHashMap.newKeySet();
      server.pause();
      List<String> waiting;
      long threads;
      long doneWhilePaused;
      Thread blockingCaller = new Thread(() -> cache.get("c0"), "synchronous-caller");
      try {
        for (int n = 0; n < PER_METHOD; n++) {
          int i = n;
          add(stages, completedOn, "get", () -> view.get("g" + i));
          add(stages, completedOn, "getAll", () -> view.getAll(Set.of("h" + i, "c" + i)));
          add(stages, completedOn, "containsKey", () -> view.containsKey("c" + i));
          add(stages, completedOn, "put", () -> view.put("n" + i, i));
          add(stages, completedOn, "putAll", () -> view.putAll(Map.of("m" + i, i)));
          add(stages, completedOn, "putIfAbsent", () -> view.putIfAbsent("a" + i, i));
          add(stages, completedOn, "replace", () -> view.replace("u" + i, -i));
          add(stages, completedOn, "getAndPut", () -> view.getAndPut("p" + i, -i));
          add(stages, completedOn, "remove", () -> view.remove("r" + i));
          add(stages, completedOn, "getAndRemove", () -> view.getAndRemove("d" + i));
          add(
              stages,
              completedOn,
              "invoke",
              () ->
                  view.invoke(
                      "i" + i,
                      (entry, args) -> {
                        ran("processor");
                        entry.setValue(entry.getValue() + 1);
                        return entry.getValue();
                      }));
          add(
              stages,
              completedOn,
              "get(key, fn)",
              () ->
                  view.get(
                      "f" + i,
                      key -> {
                        ran("mapping");
                        return CompletableFuture.completedFuture(-1);
                      }));
        }
        // the control: a synchronous call waits inside memcached, and the check sees it
        blockingCaller.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
          Thread.sleep(100);
          waiting = threadsWaitingForMemcached();
        } while (!waiting.contains("synchronous-caller") && System.nanoTime() < deadline);
        Thread.sleep(500); // the writers queued before memcached commands have run by now
        waiting = threadsWaitingForMemcached();
        threads = executorThreads();
        doneWhilePaused =
            stages.values().stream()
                .flatMap(List::stream)
                .filter(CompletableFuture::isDone)
                .count();
      } finally {
        server.resume();
      }
      System.out.println("with the server paused: " + threads + " executor threads alive");
      assertEquals(
          List.of("synchronous-caller"),
          waiting.subList(0, Math.min(5, waiting.size())),
          waiting.size() + " threads inside a memcached wait, the first shown");
      assertEquals(0, doneWhilePaused, "stages completed without memcached");
      // one thread per stage would be 2,400; user code and event delivery need a few
      assertTrue(threads < 64, threads + " executor threads alive with the server paused");

      List<CompletableFuture<?>> all = stages.values().stream().flatMap(List::stream).toList();
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      blockingCaller.join(10_000);
      for (int i = 0; i < PER_METHOD; i++) {
        assertEquals(("g" + i).length(), stages.get("get").get(i).join());
        assertEquals(
            Map.of("h" + i, ("h" + i).length(), "c" + i, i), stages.get("getAll").get(i).join());
        assertEquals(true, stages.get("containsKey").get(i).join());
        assertEquals(true, stages.get("putIfAbsent").get(i).join());
        assertEquals(true, stages.get("replace").get(i).join());
        assertEquals(i, stages.get("getAndPut").get(i).join());
        assertEquals(true, stages.get("remove").get(i).join());
        assertEquals(i, stages.get("getAndRemove").get(i).join());
        assertEquals(i + 1, stages.get("invoke").get(i).join());
        assertEquals(-1, stages.get("get(key, fn)").get(i).join());
      }
      assertEquals(Map.of("n0", 0, "m0", 0, "u0", 0), cache.getAll(Set.of("n0", "m0", "u0")));
      for (String kind : List.of("writer", "loader", "listener", "processor", "mapping")) {
        Set<String> ranOn = userCode.get(kind);
        assertTrue(ranOn != null && !ranOn.isEmpty(), kind + " never ran");
        assertTrue(
            ranOn.stream().allMatch(name -> name.startsWith("memjcache-")),
            kind + " ran on " + ranOn);
      }
      assertFalse(
          completedOn.stream().anyMatch(name -> name.contains("Memcached IO")),
          "a stage completed on spymemcached's I/O thread: " + completedOn);
    }
  }

  private static void add(
      Map<String, List<CompletableFuture<?>>> stages,
      Set<String> completedOn,
      String method,
      Supplier<CompletionStage<?>> call) {
    CompletableFuture<?> stage = call.get().toCompletableFuture();
    stage.whenComplete((value, failure) -> completedOn.add(Thread.currentThread().getName()));
    stages.computeIfAbsent(method, m -> new ArrayList<>()).add(stage);
  }
}
