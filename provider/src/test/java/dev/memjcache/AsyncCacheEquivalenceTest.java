package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The same sequence of operations through the synchronous cache and through its asynchronous view,
 * on two caches configured alike: results, events, statistics and write-through calls match, and
 * every piece of user code the async view ran, ran on the manager's executor.
 */
class AsyncCacheEquivalenceTest extends CacheTestSupport {

  /** What user code saw: events, writer and loader calls, and the threads they ran on. */
  static final class Record implements Serializable {
    private static final long serialVersionUID = 1L;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final List<String> threads = Collections.synchronizedList(new ArrayList<>());

    void add(String call) {
      calls.add(call);
      threads.add(Thread.currentThread().getName());
    }
  }

  static final class Listener
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryUpdatedListener<String, String>,
          CacheEntryRemovedListener<String, String>,
          CacheEntryExpiredListener<String, String>,
          Serializable {
    private static final long serialVersionUID = 1L;
    private final Record record;

    Listener(Record record) {
      this.record = record;
    }

    private void on(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> e : events) {
        record.add(
            e.getEventType() + " " + e.getKey() + "=" + e.getValue() + "/" + e.getOldValue());
        if (e.getKey().startsWith("boom")) {
          throw new IllegalStateException("listener fails for " + e.getKey());
        }
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      on(events);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      on(events);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      on(events);
    }

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      on(events);
    }
  }

  static final class Writer implements CacheWriter<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final Record record;

    Writer(Record record) {
      this.record = record;
    }

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      record.add("write " + entry.getKey() + "=" + entry.getValue());
      refuse(entry.getKey());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      Map<String, String> sorted = new TreeMap<>();
      entries.forEach(e -> sorted.put(e.getKey(), e.getValue()));
      record.add("writeAll " + sorted);
      sorted.keySet().forEach(Writer::refuse);
      entries.clear();
    }

    @Override
    public void delete(Object key) {
      record.add("delete " + key);
      refuse((String) key);
    }

    /** The writer fails for keys starting with "bad". */
    private static void refuse(String key) {
      if (key.startsWith("bad")) {
        throw new IllegalStateException("writer refuses " + key);
      }
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      record.add("deleteAll " + new TreeMap<>(Map.of()).keySet() + keys.size());
      keys.clear();
    }
  }

  /** Loads "loaded-k" for keys not starting with "n" (those load as null). */
  static final class Loader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final Record record;

    Loader(Record record) {
      this.record = record;
    }

    @Override
    public String load(String key) {
      record.add("load " + key);
      if (key.startsWith("bad")) {
        throw new IllegalStateException("loader fails for " + key);
      }
      return key.startsWith("n") ? null : "loaded-" + key;
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new LinkedHashMap<>();
      List<String> asked = new ArrayList<>();
      for (String key : keys) {
        asked.add(key);
        if (!key.startsWith("n")) {
          loaded.put(key, "loaded-" + key);
        }
      }
      Collections.sort(asked);
      record.add("loadAll " + asked);
      if (asked.stream().anyMatch(key -> key.startsWith("bad"))) {
        throw new IllegalStateException("loader fails for " + asked);
      }
      return loaded;
    }
  }

  /**
   * One step: the synchronous call and its asynchronous twin, both answering a comparable value.
   */
  record Step(String name, Function<Cache<String, String>, Object> sync, AsyncStep async) {}

  interface AsyncStep {
    CompletionStage<?> apply(AsyncCache<String, String> cache);
  }

  private static Step step(
      String name, Function<Cache<String, String>, Object> sync, AsyncStep async) {
    return new Step(name, sync, async);
  }

  private static Object sorted(Object result) {
    return result instanceof Map<?, ?> map ? new TreeMap<>(map) : result;
  }

  private static final List<Step> STEPS =
      List.of(
          step("get miss", c -> c.get("k1"), a -> a.get("k1")),
          step("containsKey", c -> c.containsKey("k1"), a -> a.containsKey("k1")),
          step("put", c -> put(c, "k1", "v1"), a -> a.put("k1", "v1")),
          step("get hit", c -> c.get("k1"), a -> a.get("k1")),
          step("containsKey hit", c -> c.containsKey("k1"), a -> a.containsKey("k1")),
          step("putIfAbsent present", c -> c.putIfAbsent("k1", "x"), a -> a.putIfAbsent("k1", "x")),
          step(
              "putIfAbsent absent", c -> c.putIfAbsent("k2", "v2"), a -> a.putIfAbsent("k2", "v2")),
          step("getAndPut", c -> c.getAndPut("k1", "v3"), a -> a.getAndPut("k1", "v3")),
          step("getAndPut absent", c -> c.getAndPut("k8", "v8"), a -> a.getAndPut("k8", "v8")),
          step("replace", c -> c.replace("k1", "v4"), a -> a.replace("k1", "v4")),
          step("replace absent", c -> c.replace("k9", "v9"), a -> a.replace("k9", "v9")),
          step(
              "getAll",
              c -> c.getAll(Set.of("k1", "k2", "k3", "n3")),
              a -> a.getAll(Set.of("k1", "k2", "k3", "n3"))),
          step(
              "putAll",
              c -> put(c, Map.of("k4", "a", "k5", "b")),
              a -> a.putAll(Map.of("k4", "a", "k5", "b"))),
          step(
              "invoke update",
              c -> c.invoke("k1", AsyncCacheEquivalenceTest::append, "!"),
              a -> a.invoke("k1", AsyncCacheEquivalenceTest::append, "!")),
          step(
              "invoke create",
              c -> c.invoke("n6", AsyncCacheEquivalenceTest::append, "new"),
              a -> a.invoke("n6", AsyncCacheEquivalenceTest::append, "new")),
          step(
              "invoke read",
              c -> c.invoke("k1", AsyncCacheEquivalenceTest::read),
              a -> a.invoke("k1", AsyncCacheEquivalenceTest::read)),
          step(
              "invoke load",
              c -> c.invoke("k10", AsyncCacheEquivalenceTest::read),
              a -> a.invoke("k10", AsyncCacheEquivalenceTest::read)),
          step(
              "invoke nothing",
              c -> c.invoke("k11", (entry, args) -> "none"),
              a -> a.invoke("k11", (entry, args) -> "none")),
          step(
              "invoke remove",
              c -> c.invoke("k5", AsyncCacheEquivalenceTest::remove),
              a -> a.invoke("k5", AsyncCacheEquivalenceTest::remove)),
          step(
              "invoke failing",
              c -> failure(() -> c.invoke("k1", AsyncCacheEquivalenceTest::fail)),
              a -> failure(a.invoke("k1", AsyncCacheEquivalenceTest::fail))),
          step("getAndRemove", c -> c.getAndRemove("k2"), a -> a.getAndRemove("k2")),
          step("getAndRemove absent", c -> c.getAndRemove("n2"), a -> a.getAndRemove("n2")),
          step("remove", c -> c.remove("k4"), a -> a.remove("k4")),
          step("remove absent", c -> c.remove("n404"), a -> a.remove("n404")),
          step(
              "get with mapping function, miss",
              c -> getOrCompute(c, "n7"),
              a -> a.get("n7", k -> CompletableFuture.completedFuture("computed-" + k))),
          step(
              "get with mapping function, hit",
              c -> getOrCompute(c, "n7"),
              a -> a.get("n7", k -> CompletableFuture.completedFuture("other-" + k))),
          step("get last", c -> c.get("k1"), a -> a.get("k1")));

  /** Steps whose user code fails (writer, loader, processor, listener): the same exceptions. */
  private static final List<Step> FAILING_STEPS =
      List.of(
          step(
              "put, writer",
              c -> failure(() -> c.put("bad1", "v")),
              a -> failure(a.put("bad1", "v"))),
          step(
              "remove, writer",
              c -> failure(() -> c.remove("bad2")),
              a -> failure(a.remove("bad2"))),
          step(
              "getAndPut, writer",
              c -> failure(() -> c.getAndPut("bad3", "v")),
              a -> failure(a.getAndPut("bad3", "v"))),
          step(
              "putIfAbsent, writer",
              c -> failure(() -> c.putIfAbsent("bad4", "v")),
              a -> failure(a.putIfAbsent("bad4", "v"))),
          step(
              "getAndRemove, writer",
              c -> failure(() -> c.getAndRemove("bad5")),
              a -> failure(a.getAndRemove("bad5"))),
          step(
              "putAll, writer",
              c -> failure(() -> c.putAll(Map.of("bad6", "v"))),
              a -> failure(a.putAll(Map.of("bad6", "v")))),
          step(
              "invoke, writer",
              c -> failure(() -> c.invoke("bad7", AsyncCacheEquivalenceTest::append, "v")),
              a -> failure(a.invoke("bad7", AsyncCacheEquivalenceTest::append, "v"))),
          step("get, loader", c -> failure(() -> c.get("bad8")), a -> failure(a.get("bad8"))),
          step(
              "getAll, loader",
              c -> failure(() -> c.getAll(Set.of("bad9", "k1"))),
              a -> failure(a.getAll(Set.of("bad9", "k1")))),
          step(
              "put, listener",
              c -> failure(() -> c.put("boom1", "v")),
              a -> failure(a.put("boom1", "v"))),
          step(
              "invoke, listener",
              c -> failure(() -> c.invoke("boom2", AsyncCacheEquivalenceTest::append, "v")),
              a -> failure(a.invoke("boom2", AsyncCacheEquivalenceTest::append, "v"))),
          step("get after", c -> c.get("boom1"), a -> a.get("boom1")));

  /** The steps on entries past their expiry (a creation expiry of {@link #SHORT}). */
  private static final List<Step> EXPIRY_STEPS =
      List.of(
          step("putAll", c -> put(c, expiring()), a -> a.putAll(expiring())),
          step("wait for expiry", c -> sleep(), a -> CompletableFuture.supplyAsync(() -> sleep())),
          step("get expired", c -> c.get("e1"), a -> a.get("e1")),
          step("containsKey expired", c -> c.containsKey("e2"), a -> a.containsKey("e2")),
          step("getAndPut expired", c -> c.getAndPut("e2", "x"), a -> a.getAndPut("e2", "x")),
          step("putIfAbsent expired", c -> c.putIfAbsent("e3", "x"), a -> a.putIfAbsent("e3", "x")),
          step("remove expired", c -> c.remove("e4"), a -> a.remove("e4")),
          step(
              "invoke expired",
              c -> c.invoke("e5", AsyncCacheEquivalenceTest::append, "x"),
              a -> a.invoke("e5", AsyncCacheEquivalenceTest::append, "x")),
          step("replace expired", c -> c.replace("e6", "x"), a -> a.replace("e6", "x")),
          step("getAll expired", c -> c.getAll(Set.of("e7")), a -> a.getAll(Set.of("e7"))),
          step("put expired", c -> put(c, "e8", "x"), a -> a.put("e8", "x")),
          step("getAndRemove expired", c -> c.getAndRemove("e9"), a -> a.getAndRemove("e9")));

  /** The creation expiry of the entries {@link #EXPIRY_STEPS} let expire. */
  private static final Duration SHORT = new Duration(TimeUnit.MILLISECONDS, 700);

  private static Map<String, String> expiring() {
    Map<String, String> entries = new TreeMap<>();
    for (int i = 1; i <= 9; i++) {
      entries.put("e" + i, "old" + i);
    }
    return entries;
  }

  private static Object sleep() {
    try {
      Thread.sleep(SHORT.getDurationAmount() + 300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  private static Object put(Cache<String, String> c, String key, String value) {
    c.put(key, value);
    return null;
  }

  private static Object put(Cache<String, String> c, Map<String, String> entries) {
    c.putAll(entries);
    return null;
  }

  /** What the async get(key, mappingFunction) does, spelled with synchronous calls. */
  private static Object getOrCompute(Cache<String, String> c, String key) {
    String found = c.get(key);
    if (found != null) {
      return found;
    }
    String computed = "computed-" + key;
    c.putIfAbsent(key, computed);
    return computed;
  }

  private static String read(
      javax.cache.processor.MutableEntry<String, String> entry, Object... args) {
    return entry.getValue();
  }

  private static String remove(
      javax.cache.processor.MutableEntry<String, String> entry, Object... args) {
    entry.remove();
    return "removed";
  }

  private static String fail(
      javax.cache.processor.MutableEntry<String, String> entry, Object... args) {
    entry.setValue("never stored");
    throw new IllegalStateException("processor failed");
  }

  /** The class of the exception {@code call} throws, as a comparable result. */
  private static Object failure(Runnable call) {
    try {
      call.run();
      return "no failure";
    } catch (RuntimeException e) {
      return describe(e);
    }
  }

  private static String describe(Throwable e) {
    return e.getClass().getName()
        + " caused by "
        + (e.getCause() == null ? "nothing" : e.getCause().getClass().getName());
  }

  /** The class of the exception {@code stage} fails with, as a comparable result. */
  private static CompletionStage<Object> failure(CompletionStage<?> stage) {
    return stage.handle(
        (value, e) -> {
          Throwable cause =
              e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
          return cause == null
              ? "no failure"
              : cause.getClass().getName() + " caused by " + cause.getCause().getClass().getName();
        });
  }

  private static String append(
      javax.cache.processor.MutableEntry<String, String> entry, Object... args) {
    String old = entry.exists() ? entry.getValue() : "";
    entry.setValue(old + args[0]);
    return old;
  }

  /** A cache with statistics; with {@code userCode}, also listener, writer, loader and expiry. */
  private Cache<String, String> cache(
      CacheManager manager, boolean userCode, Record record, Factory<ExpiryPolicy> expiry) {
    MutableConfiguration<String, String> config =
        new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setStatisticsEnabled(true);
    if (userCode) {
      config
          .setExpiryPolicyFactory(expiry)
          .setReadThrough(true)
          .setWriteThrough(true)
          .setCacheLoaderFactory(FactoryBuilder.factoryOf(new Loader(record)))
          .setCacheWriterFactory(FactoryBuilder.factoryOf(new Writer(record)))
          .addCacheEntryListenerConfiguration(
              new MutableCacheEntryListenerConfiguration<>(
                  FactoryBuilder.factoryOf(new Listener(record)), null, true, true));
    }
    return manager.createCache(uniqueCacheName(), config);
  }

  private static List<Long> statistics(Cache<?, ?> cache) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name =
        new ObjectName(
            "javax.cache:type=CacheStatistics,CacheManager="
                + cache.getCacheManager().getURI().toString().replaceAll("[,:=\n?*\"]", ".")
                + ",Cache="
                + cache.getName());
    List<Long> values = new ArrayList<>();
    for (String attribute :
        List.of("CacheHits", "CacheMisses", "CachePuts", "CacheRemovals", "CacheEvictions")) {
      values.add((Long) server.getAttribute(name, attribute));
    }
    return values;
  }

  private void assertSameBehaviour(boolean userCode) throws Exception {
    assertSameBehaviour(
        userCode, TouchedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 1)), STEPS);
  }

  private void assertSameBehaviour(boolean userCode, Factory<ExpiryPolicy> expiry, List<Step> steps)
      throws Exception {
    // a generous timeout: the machine running the tests may be loaded
    CacheManager manager = newManager("operationTimeoutMillis=5000");
    Record syncRecord = new Record();
    Record asyncRecord = new Record();
    Cache<String, String> sync = cache(manager, userCode, syncRecord, expiry);
    Cache<String, String> viaAsync = cache(manager, userCode, asyncRecord, expiry);
    @SuppressWarnings("unchecked")
    AsyncCache<String, String> async = viaAsync.unwrap(AsyncCache.class);
    assertTrue(async.synchronous() == viaAsync);
    for (Step step : steps) {
      int before = syncRecord.calls.size();
      Object expected = sorted(step.sync().apply(sync));
      Object actual =
          sorted(step.async().apply(async).toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals(expected, actual, step.name());
      assertEquals(
          syncRecord.calls.subList(before, syncRecord.calls.size()),
          asyncRecord.calls.subList(
              before, Math.min(asyncRecord.calls.size(), syncRecord.calls.size())),
          step.name() + ": events, writer and loader calls");
      assertEquals(statistics(sync), statistics(viaAsync), step.name() + ": statistics");
    }
    assertEquals(syncRecord.calls, asyncRecord.calls);
    if (userCode) {
      assertFalse(asyncRecord.calls.isEmpty());
      for (String thread : asyncRecord.threads) {
        assertTrue(
            thread.startsWith("memjcache-"),
            "user code ran on " + thread + ", not on the manager's executor");
      }
    }
  }

  @Test
  void withoutUserCodeTheAsyncViewBehavesLikeTheCache() throws Exception {
    assertSameBehaviour(false);
  }

  @Test
  void withListenersWriterLoaderAndExpiryTheAsyncViewBehavesLikeTheCache() throws Exception {
    assertSameBehaviour(true);
  }

  @Test
  void withAnExpiryThatDependsOnExistenceTheAsyncViewBehavesLikeTheCache() throws Exception {
    // a creation expiry unlike the update one: no blind set or add, every write reads first
    assertSameBehaviour(
        true, CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 1)), STEPS);
  }

  @Test
  void failingUserCodeFailsTheStagesAsItFailsTheSynchronousCalls() throws Exception {
    assertSameBehaviour(
        true, TouchedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 1)), FAILING_STEPS);
  }

  @Test
  void onExpiredEntriesTheAsyncViewBehavesLikeTheCache() throws Exception {
    assertSameBehaviour(true, CreatedExpiryPolicy.factoryOf(SHORT), EXPIRY_STEPS);
  }
}
