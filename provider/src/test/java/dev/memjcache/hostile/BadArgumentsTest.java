package dev.memjcache.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad arguments and hostile callers: null arguments, calls on a closed cache, throwing loaders,
 * writers, expiry policies and entry processors (including checked exceptions thrown sneakily),
 * hostile keys and cache names, and a huge getAll. Each case asserts a clear outcome and that the
 * cache's other entries are untouched.
 */
class BadArgumentsTest extends HostileTestSupport {

  private static final Set<String> NULL_KEY_SET = new HashSet<>(Collections.singleton(null));
  private static final Map<String, String> NULL_VALUE_MAP =
      new HashMap<>(Collections.singletonMap("k", null));
  private static final EntryProcessor<String, String, Object> NOOP = (e, a) -> null;

  static Stream<Arguments> nullArguments() {
    return Stream.of(
        call("get(null)", c -> c.get(null)),
        call("getAll(null)", c -> c.getAll(null)),
        call("getAll({null})", c -> c.getAll(NULL_KEY_SET)),
        call("containsKey(null)", c -> c.containsKey(null)),
        call("put(null, v)", c -> c.put(null, "v")),
        call("put(k, null)", c -> c.put("a", null)),
        call("getAndPut(k, null)", c -> c.getAndPut("a", null)),
        call("putAll(null)", c -> c.putAll(null)),
        call("putAll({k=null})", c -> c.putAll(NULL_VALUE_MAP)),
        call("putIfAbsent(k, null)", c -> c.putIfAbsent("a", null)),
        call("remove(null)", c -> c.remove(null)),
        call("remove(k, null)", c -> c.remove("a", null)),
        call("getAndRemove(null)", c -> c.getAndRemove(null)),
        call("replace(k, null, v)", c -> c.replace("a", null, "v")),
        call("replace(k, v, null)", c -> c.replace("a", "A", null)),
        call("replace(k, null)", c -> c.replace("a", null)),
        call("getAndReplace(null, v)", c -> c.getAndReplace(null, "v")),
        call("removeAll(null)", c -> c.removeAll(null)),
        call("removeAll({null})", c -> c.removeAll(NULL_KEY_SET)),
        call("invoke(null, p)", c -> c.invoke(null, NOOP)),
        call("invoke(k, null)", c -> c.invoke("a", null)),
        call("invokeAll(null, p)", c -> c.invokeAll(null, NOOP)),
        call("invokeAll(keys, null)", c -> c.invokeAll(Set.of("a"), null)),
        call("loadAll(null, ...)", c -> c.loadAll(null, false, null)),
        call("registerCacheEntryListener(null)", c -> c.registerCacheEntryListener(null)));
  }

  private static Arguments call(String name, Consumer<Cache<String, String>> call) {
    return Arguments.of(name, call);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullArguments")
  void nullArgumentsThrowNullPointerExceptionAndChangeNothing(
      String name, Consumer<Cache<String, String>> call) {
    Cache<String, String> cache = newCache(newManager(""), String.class, String.class);
    cache.put("a", "A");
    cache.put("b", "B");
    assertThrows(NullPointerException.class, () -> call.accept(cache), name);
    assertEquals(Map.of("a", "A", "b", "B"), cache.getAll(Set.of("a", "b")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullArguments")
  void aClosedCacheAnswersIllegalStateExceptionBeforeCheckingArguments(
      String name, Consumer<Cache<String, String>> call) {
    CacheManager manager = newManager("");
    Cache<String, String> cache = newCache(manager, String.class, String.class);
    cache.put("a", "A");
    cache.close();
    assertThrows(IllegalStateException.class, () -> call.accept(cache), name);
    assertEquals(
        "A",
        manager
            .createCache(
                cache.getName(),
                new MutableConfiguration<String, String>().setTypes(String.class, String.class))
            .get("a"),
        "closing deleted nothing");
  }

  /** Throws a checked exception without declaring it (Kotlin, Lombok @SneakyThrows). */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  @Test
  void aProcessorThrowingACheckedExceptionReachesInvokeAsEntryProcessorException() {
    Cache<String, String> cache = newCache(newManager(""), String.class, String.class);
    cache.put("k", "v");
    IOException checked = new IOException("disk full");
    EntryProcessorException e =
        assertThrows(
            EntryProcessorException.class,
            () ->
                cache.invoke(
                    "k",
                    (entry, args) -> {
                      entry.setValue("changed");
                      throw sneaky(checked);
                    }));
    assertSame(checked, e.getCause());
    assertEquals("v", cache.get("k"), "the processor's change was not applied");
  }

  @Test
  void aProcessorThrowingACheckedExceptionBecomesThatKeysResultInInvokeAll() {
    Cache<String, String> cache = newCache(newManager(""), String.class, String.class);
    cache.put("bad", "v");
    cache.put("good", "v");
    Map<String, EntryProcessorResult<String>> results =
        cache.invokeAll(
            Set.of("bad", "good"),
            (entry, args) -> {
              if (entry.getKey().equals("bad")) {
                throw sneaky(new Exception("checked"));
              }
              entry.setValue("done");
              return "ok";
            });
    EntryProcessorException e =
        assertThrows(EntryProcessorException.class, () -> results.get("bad").get());
    assertEquals("checked", e.getCause().getMessage());
    assertEquals("ok", results.get("good").get(), "the other key was processed");
    assertEquals("done", cache.get("good"));
    assertEquals("v", cache.get("bad"));
  }

  @Test
  void aProcessorThrowingARuntimeExceptionIsWrappedAndChangesNothing() {
    Cache<String, String> cache = newCache(newManager(""), String.class, String.class);
    cache.put("k", "v");
    EntryProcessorException e =
        assertThrows(
            EntryProcessorException.class,
            () ->
                cache.invoke(
                    "k",
                    (entry, args) -> {
                      entry.remove();
                      throw new IllegalStateException("boom");
                    }));
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertEquals("v", cache.get("k"));
  }

  /** A loader that always fails. */
  public static final class FailingLoader implements CacheLoader<String, String> {
    @Override
    public String load(String key) {
      throw new IllegalStateException("loader down");
    }

    @Override
    public Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new IllegalStateException("loader down");
    }
  }

  /** A writer that always fails. */
  public static final class FailingWriter implements CacheWriter<String, String> {
    @Override
    public void write(Cache.Entry<? extends String, ? extends String> entry) {
      throw new IllegalStateException("writer down");
    }

    @Override
    public void writeAll(java.util.Collection<Cache.Entry<? extends String, ? extends String>> c) {
      throw new IllegalStateException("writer down");
    }

    @Override
    public void delete(Object key) {
      throw new IllegalStateException("writer down");
    }

    @Override
    public void deleteAll(java.util.Collection<?> keys) {
      throw new IllegalStateException("writer down");
    }
  }

  /** An expiry policy whose every method throws. */
  public static final class FailingExpiry implements ExpiryPolicy {
    @Override
    public Duration getExpiryForCreation() {
      throw new IllegalStateException("policy down");
    }

    @Override
    public Duration getExpiryForAccess() {
      throw new IllegalStateException("policy down");
    }

    @Override
    public Duration getExpiryForUpdate() {
      throw new IllegalStateException("policy down");
    }
  }

  @Test
  void aFailingLoaderGivesCacheLoaderExceptionAndStoresNothing() {
    Cache<String, String> cache =
        newManager("")
            .createCache(
                uniqueCacheName(),
                new MutableConfiguration<String, String>()
                    .setTypes(String.class, String.class)
                    .setReadThrough(true)
                    .setCacheLoaderFactory(FactoryBuilder.factoryOf(FailingLoader.class)));
    cache.put("a", "A");
    CacheLoaderException e = assertThrows(CacheLoaderException.class, () -> cache.get("missing"));
    assertTrue(
        String.valueOf(e.getMessage()).contains("loader down")
            || String.valueOf(e.getCause()).contains("loader down"),
        e.toString());
    assertThrows(CacheLoaderException.class, () -> cache.getAll(Set.of("a", "missing")));
    assertFalse(cache.containsKey("missing"));
    assertEquals("A", cache.get("a"));
  }

  @Test
  void aFailingWriterGivesCacheWriterExceptionAndLeavesTheCacheUnchanged() {
    Cache<String, String> cache =
        newManager("")
            .createCache(
                uniqueCacheName(),
                new MutableConfiguration<String, String>()
                    .setTypes(String.class, String.class)
                    .setWriteThrough(true)
                    .setCacheWriterFactory(FactoryBuilder.factoryOf(FailingWriter.class)));
    assertThrows(CacheWriterException.class, () -> cache.put("a", "A"));
    assertFalse(cache.containsKey("a"));
    assertThrows(CacheWriterException.class, () -> cache.putAll(Map.of("b", "B")));
    assertFalse(cache.containsKey("b"));
    assertThrows(CacheWriterException.class, () -> cache.remove("a"));
  }

  @Test
  void aFailingExpiryPolicyFallsBackToTheSpecDefaults() {
    Cache<String, String> cache =
        newManager("")
            .createCache(
                uniqueCacheName(),
                new MutableConfiguration<String, String>()
                    .setTypes(String.class, String.class)
                    .setExpiryPolicyFactory(FactoryBuilder.factoryOf(FailingExpiry.class)));
    cache.put("a", "A");
    assertEquals("A", cache.get("a"), "creation falls back to eternal");
    cache.put("a", "A2");
    assertEquals("A2", cache.get("a"), "update leaves the expiry unchanged");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "k\r\nset injected 0 0 1\r\nx",
        "k mjc:other:1:k",
        "",
        " ",
        "\u0000\u0000",
        "#AAAA",
        "mjc:",
        "%s%n%x"
      })
  void hostileKeysAreStoredAsThemselvesAndTouchNothingElse(String key) throws Exception {
    Cache<String, String> cache = newCache(newManager(""), String.class, String.class);
    cache.put("a", "A");
    cache.put(key, "hostile");
    assertEquals("hostile", cache.get(key));
    assertEquals("A", cache.get("a"));
    assertNull(raw(cache).get("injected"), "no command was injected");
    assertTrue(cache.remove(key));
    assertFalse(cache.containsKey(key));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "name\r\nflush_all",
        "a:b:c",
        "../../etc",
        "gen",
        "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
            + "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789",
        "javax.cache:type=CacheStatistics",
        "*"
      })
  void hostileCacheNamesGetTheirOwnEntries(String name) {
    CacheManager manager = newManager("");
    Cache<String, String> plain = newCache(manager, String.class, String.class);
    plain.put("k", "plain");
    Cache<String, String> hostile =
        manager.createCache(
            name,
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setStatisticsEnabled(true)
                .setManagementEnabled(true));
    hostile.put("k", "hostile");
    hostile.clear();
    assertNull(hostile.get("k"));
    assertEquals("plain", plain.get("k"), "another cache was not touched");
    manager.destroyCache(name);
  }

  @Test
  void aTenThousandKeyGetAllReturnsExactlyThePresentEntries() {
    // correctness, not speed: a loaded 2-core machine may need more than the default 1 s
    Cache<Integer, Integer> cache =
        newCache(newManager("operationTimeoutMillis=20000"), Integer.class, Integer.class);
    Map<Integer, Integer> present = new HashMap<>();
    for (int i = 0; i < 10_000; i += 2) {
      present.put(i, -i);
    }
    cache.putAll(present);
    Set<Integer> keys = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      keys.add(i);
    }
    assertEquals(present, cache.getAll(keys));
  }
}
