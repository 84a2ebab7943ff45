package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.AsyncCacheEquivalenceTest.Listener;
import dev.memjcache.AsyncCacheEquivalenceTest.Record;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheWriter;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pipelined bulk calls against the per-key calls they replace, on two caches configured and
 * filled alike (listeners with old values, write-through, read-through, an access expiry, entries
 * that expired): {@code invokeAll} against {@code invoke} per key, {@code putAll} against {@code
 * put}, {@code removeAll(keys)} against {@code remove}, {@code getAll} with read-through against
 * {@code get}. Results, events, writer and loader calls, statistics and the entries left match.
 * Events are recorded by {@link AsyncCacheEquivalenceTest}'s listener.
 */
class PipelinedBulkEquivalenceTest extends CacheTestSupport {

  /** The creation expiry of the next entries: 300 ms while the test plants entries to expire. */
  static volatile Duration creation = Duration.ETERNAL;

  /** Creation expiry as set by the test, access expiry 1 h (a {@code cas} per read), no update. */
  public static final class SwitchableExpiry implements ExpiryPolicy, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Duration getExpiryForCreation() {
      return creation;
    }

    @Override
    public Duration getExpiryForAccess() {
      return new Duration(TimeUnit.HOURS, 1);
    }

    @Override
    public Duration getExpiryForUpdate() {
      return null;
    }
  }

  /** Records each entry written or deleted, whether one by one or in a batch. */
  static final class Writer implements CacheWriter<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final Record record;

    Writer(Record record) {
      this.record = record;
    }

    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      record.add("write " + entry.getKey() + "=" + entry.getValue());
    }

    @Override
    public void writeAll(Collection<Cache.Entry<? extends String, ? extends String>> entries) {
      entries.forEach(this::write);
      entries.clear();
    }

    @Override
    public void delete(Object key) {
      record.add("delete " + key);
    }

    @Override
    public void deleteAll(Collection<?> keys) {
      keys.forEach(this::delete);
      keys.clear();
    }
  }

  /** Loads the length of the key, and records each key loaded, whether one by one or in a batch. */
  static final class Loader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final Record record;

    Loader(Record record) {
      this.record = record;
    }

    @Override
    public String load(String key) {
      record.add("load " + key);
      return String.valueOf(key.length());
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      Map<String, String> loaded = new HashMap<>();
      keys.forEach(k -> loaded.put(k, load(k)));
      return loaded;
    }
  }

  @AfterEach
  void eternalAgain() {
    creation = Duration.ETERNAL;
  }

  /**
   * A cache with statistics, listener (old values), writer, loader and {@link SwitchableExpiry}.
   */
  private Cache<String, String> cache(CacheManager manager, Record record) {
    return manager.createCache(
        uniqueCacheName(),
        new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setStatisticsEnabled(true)
            .setExpiryPolicyFactory(FactoryBuilder.factoryOf(new SwitchableExpiry()))
            .setReadThrough(true)
            .setWriteThrough(true)
            .setCacheLoaderFactory(FactoryBuilder.factoryOf(new Loader(record)))
            .setCacheWriterFactory(FactoryBuilder.factoryOf(new Writer(record)))
            .addCacheEntryListenerConfiguration(
                new MutableCacheEntryListenerConfiguration<>(
                    FactoryBuilder.factoryOf(new Listener(record)), null, true, true)));
  }

  /** Hits, misses, puts and removals of {@code cache}, from its statistics MXBean. */
  static Map<String, Long> statistics(Cache<?, ?> cache) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name =
        new ObjectName(
            "javax.cache:type=CacheStatistics,CacheManager="
                + cache.getCacheManager().getURI().toString().replaceAll("[,:=\n?*\"]", ".")
                + ",Cache="
                + cache.getName());
    Map<String, Long> values = new TreeMap<>();
    for (String attribute : List.of("CacheHits", "CacheMisses", "CachePuts", "CacheRemovals")) {
      values.put(attribute, (Long) server.getAttribute(name, attribute));
    }
    return values;
  }

  /**
   * Fills both caches alike: {@code e0..e4} expire (300 ms, then slept over), the other prefixes
   * (one per kind of processor effect) are eternal; {@code c*} and {@code m*} stay absent.
   */
  private static void fill(List<Cache<String, String>> caches) throws InterruptedException {
    creation = new Duration(TimeUnit.MILLISECONDS, 300);
    for (Cache<String, String> cache : caches) {
      for (int i = 0; i < 5; i++) {
        cache.put("e" + i, String.valueOf(i));
      }
    }
    creation = Duration.ETERNAL;
    for (Cache<String, String> cache : caches) {
      for (String prefix : List.of("u", "r", "g", "n", "x")) {
        for (int i = 0; i < 6; i++) {
          cache.put(prefix + i, String.valueOf(i));
        }
      }
    }
    Thread.sleep(400);
  }

  private static Set<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    for (String prefix : List.of("e", "u", "r", "g", "n", "x", "c", "m")) {
      for (int i = 0; i < 6; i++) {
        keys.add(prefix + i);
      }
    }
    return keys;
  }

  /** One effect per key prefix: update, remove, read, nothing, throw, create, remove absent. */
  private static final EntryProcessor<String, String, Object> BY_PREFIX =
      (entry, args) -> {
        String key = entry.getKey();
        switch (key.charAt(0)) {
          case 'u':
            entry.setValue(entry.getValue() + "+100");
            return "updated to " + entry.getValue();
          case 'r':
            entry.remove();
            return null;
          case 'g':
            return entry.getValue();
          case 'n':
            return null;
          case 'x':
            throw new IllegalStateException("processor failed on " + key);
          case 'm':
            entry.remove();
            return entry.exists();
          default: // 'c' absent, 'e' expired: created (e5 never existed: loaded by getValue)
            if (key.equals("e5")) {
              return entry.getValue();
            }
            entry.setValue("created-" + key);
            return "created";
        }
      };

  /** The calls {@code record} saw, in a canonical order (keys are processed in other orders). */
  private static List<String> sorted(Record record) {
    synchronized (record.calls) {
      List<String> copy = new ArrayList<>(record.calls);
      Collections.sort(copy);
      return copy;
    }
  }

  /** Asserts that {@code record} holds a call starting with {@code prefix}. */
  private static void assertHas(Record record, String prefix) {
    assertTrue(
        sorted(record).stream().anyMatch(call -> call.startsWith(prefix)),
        "no " + prefix + " in " + sorted(record));
  }

  /** A result, or the class and message of the failure it holds. */
  private static String outcome(EntryProcessorResult<Object> result) {
    try {
      return String.valueOf(result.get());
    } catch (EntryProcessorException e) {
      return "failed: " + e.getCause();
    }
  }

  @Test
  void invokeAllHasTheResultsEventsWritesAndStatisticsOfInvokePerKey() throws Exception {
    CacheManager manager = newManager("");
    Record bulkRecord = new Record();
    Record perKeyRecord = new Record();
    Cache<String, String> bulk = cache(manager, bulkRecord);
    Cache<String, String> perKey = cache(manager, perKeyRecord);
    fill(List.of(bulk, perKey));
    assertEquals(statistics(perKey), statistics(bulk));
    bulkRecord.calls.clear();
    perKeyRecord.calls.clear();

    Map<String, String> bulkResults = new TreeMap<>();
    bulk.invokeAll(keys(), BY_PREFIX).forEach((k, r) -> bulkResults.put(k, outcome(r)));
    Map<String, String> perKeyResults = new TreeMap<>();
    for (String key : keys()) {
      try {
        Object result = perKey.invoke(key, BY_PREFIX);
        if (result != null) {
          perKeyResults.put(key, String.valueOf(result));
        }
      } catch (EntryProcessorException e) {
        perKeyResults.put(key, "failed: " + e.getCause());
      }
    }

    assertEquals(perKeyResults, bulkResults);
    assertEquals(sorted(perKeyRecord), sorted(bulkRecord), "events, writer and loader calls");
    assertHas(bulkRecord, "EXPIRED e0=");
    assertHas(bulkRecord, "CREATED e0=");
    assertHas(bulkRecord, "UPDATED u1=");
    assertHas(bulkRecord, "REMOVED r2=");
    assertHas(bulkRecord, "CREATED e5=");
    assertEquals(statistics(perKey), statistics(bulk), "hits, misses, puts, removals");
    assertEquals(perKey.getAll(keys()), bulk.getAll(keys()), "the entries left");
  }

  @Test
  void putAllRemoveAllAndGetAllHaveTheEventsWritesAndStatisticsOfTheCallsPerKey() throws Exception {
    CacheManager manager = newManager("");
    Record bulkRecord = new Record();
    Record perKeyRecord = new Record();
    Cache<String, String> bulk = cache(manager, bulkRecord);
    Cache<String, String> perKey = cache(manager, perKeyRecord);
    fill(List.of(bulk, perKey));
    bulkRecord.calls.clear();
    perKeyRecord.calls.clear();

    // putAll over updated, created and expired entries
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : keys()) {
      if (!key.startsWith("x")) {
        values.put(key, key + "-put");
      }
    }
    bulk.putAll(values);
    values.forEach(perKey::put);
    assertEquals(sorted(perKeyRecord), sorted(bulkRecord), "putAll: events and writes");
    assertHas(bulkRecord, "EXPIRED e3=");
    assertEquals(statistics(perKey), statistics(bulk), "putAll: statistics");

    // removeAll over live, absent and (below) expired entries
    creation = new Duration(TimeUnit.MILLISECONDS, 300);
    bulk.put("t0", "1");
    perKey.put("t0", "1");
    creation = Duration.ETERNAL;
    Thread.sleep(400);
    Set<String> removed = new LinkedHashSet<>(List.of("t0", "nothing-here"));
    for (String key : keys()) {
      if (key.startsWith("u") || key.startsWith("c") || key.startsWith("m")) {
        removed.add(key);
      }
    }
    bulkRecord.calls.clear();
    perKeyRecord.calls.clear();
    bulk.removeAll(removed);
    removed.forEach(perKey::remove);
    assertEquals(sorted(perKeyRecord), sorted(bulkRecord), "removeAll: events and deletes");
    assertHas(bulkRecord, "EXPIRED t0=");
    assertHas(bulkRecord, "REMOVED u0=");
    assertEquals(statistics(perKey), statistics(bulk), "removeAll: statistics");

    // getAll with read-through: hits, then the misses loaded and created
    bulkRecord.calls.clear();
    perKeyRecord.calls.clear();
    Set<String> wanted = new LinkedHashSet<>(removed);
    wanted.addAll(List.of("g0", "g1", "n2"));
    Map<String, String> got = bulk.getAll(wanted);
    Map<String, String> gotPerKey = new HashMap<>();
    for (String key : wanted) {
      String value = perKey.get(key);
      if (value != null) {
        gotPerKey.put(key, value);
      }
    }
    assertEquals(gotPerKey, got);
    assertEquals(sorted(perKeyRecord), sorted(bulkRecord), "getAll: events and loads");
    assertHas(bulkRecord, "CREATED u1=");
    assertEquals(statistics(perKey), statistics(bulk), "getAll: statistics");
    assertEquals(perKey.getAll(keys()), bulk.getAll(keys()), "the entries left");
    assertFalse(bulk.getAll(keys()).isEmpty());
  }
}
