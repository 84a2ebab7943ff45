package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import org.hibernate.cache.internal.QueryResultsCacheImpl.CacheItem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dependent-cache rule without Hibernate: a cache that holds Hibernate's query-results item (a
 * stand-in of the same name) is invalidated on every server when a write to any cache of its
 * manager is dropped, during the outage on the live servers as well as afterwards, in this JVM at
 * once and in another within its generation refresh. Other caches are not touched.
 */
class DependentCacheTest {

  private static final String OPTIONS =
      "operationTimeoutMillis=300&failureMode=degrade&serverRetryMillis=200";

  private MemcachedCluster cluster;
  private final List<MemcachedCacheManager> managers = new ArrayList<>();

  @BeforeEach
  void startCluster() {
    cluster = MemcachedCluster.start(2);
  }

  @AfterEach
  void stopCluster() {
    managers.forEach(MemcachedCacheManager::close);
    cluster.close();
  }

  private MemcachedCacheManager open(String options) {
    MemcachedCacheManager manager = ClusterTestSupport.manager(cluster, options);
    managers.add(manager);
    return manager;
  }

  private static Cache<Object, Object> cache(MemcachedCacheManager manager, String name) {
    Cache<Object, Object> cache = manager.getCache(name);
    return cache != null ? cache : manager.createCache(name, new MutableConfiguration<>());
  }

  /** The caches of one manager, and the keys chosen so results and stamp live apart. */
  private record Layout(
      Cache<Object, Object> stamps,
      Cache<Object, Object> results,
      Cache<Object, Object> plain,
      String stampKey,
      String resultKey,
      String plainKey,
      MemcachedProcess stampServer) {}

  private Layout layout(MemcachedCacheManager manager) {
    Cache<Object, Object> stamps = cache(manager, "stamps");
    Cache<Object, Object> results = cache(manager, "results");
    Cache<Object, Object> plain = cache(manager, "plain");
    String resultKey = "q";
    int resultPort = ClusterTestSupport.portOf(results, resultKey);
    String stampKey = firstKeyNotOn(stamps, resultPort);
    String plainKey = firstKeyOn(plain, resultPort);
    int stampPort = ClusterTestSupport.portOf(stamps, stampKey);
    assertNotEquals(resultPort, stampPort);
    MemcachedProcess stampServer =
        cluster.node(ClusterTestSupport.indexOf(cluster.nodes(), stampPort));
    return new Layout(stamps, results, plain, stampKey, resultKey, plainKey, stampServer);
  }

  private static String firstKeyNotOn(Cache<?, ?> cache, int port) {
    for (int i = 0; ; i++) {
      if (ClusterTestSupport.portOf(cache, "t" + i) != port) {
        return "t" + i;
      }
    }
  }

  private static String firstKeyOn(Cache<?, ?> cache, int port) {
    for (int i = 0; ; i++) {
      if (ClusterTestSupport.portOf(cache, "p" + i) == port) {
        return "p" + i;
      }
    }
  }

  private static List<String> resultsOf(Object item) {
    return item == null ? null : ((CacheItem) item).results();
  }

  private static void awaitBack(MemcachedCacheManager manager) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!manager.serversMarkedDown().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of(), manager.serversMarkedDown(), "the resumed server is back");
  }

  @Test
  void aDroppedWriteAnywhereInvalidatesQueryResultsOnEveryServerDuringAndAfterTheOutage()
      throws Exception {
    MemcachedCacheManager manager = open(OPTIONS);
    Layout l = layout(manager);
    Cache<Object, Object> otherJvmResults = cache(open(OPTIONS), "results");
    l.stamps.put(l.stampKey, 1L);
    l.results.put(l.resultKey, new CacheItem(2L, List.of("Notes")));
    l.plain.put(l.plainKey, "kept");
    assertEquals(List.of("Notes"), resultsOf(otherJvmResults.get(l.resultKey)));

    l.stampServer.pause();
    try {
      l.stamps.put(l.stampKey, 3L); // dropped: times out on the hung server
      assertNull(
          l.results.get(l.resultKey),
          "during the outage the results on the live server are unreachable");
      assertEquals("kept", l.plain.get(l.plainKey), "a cache without query results is untouched");
      l.results.put(l.resultKey, new CacheItem(4L, List.of("Errata", "Notes")));
      assertEquals(
          List.of("Errata", "Notes"),
          resultsOf(l.results.get(l.resultKey)),
          "results stored after the drop are served during the outage");
      Thread.sleep(1_100); // the other JVM's generation refresh
      assertEquals(List.of("Errata", "Notes"), resultsOf(otherJvmResults.get(l.resultKey)));
    } finally {
      l.stampServer.resume();
    }
    awaitBack(manager);
    assertEquals(List.of("Errata", "Notes"), resultsOf(l.results.get(l.resultKey)));
    assertNull(l.stamps.get(l.stampKey), "the stamp the dropped put should have replaced is gone");
  }

  @Test
  void writesDroppedBeforeTheCacheWasKnownToHoldQueryResultsMakeItsFirstReadAMiss()
      throws Exception {
    MemcachedCacheManager writer = open(OPTIONS);
    Layout w = layout(writer);
    w.results.put(w.resultKey, new CacheItem(2L, List.of("Notes")));

    MemcachedCacheManager reader = open(OPTIONS);
    Layout r = layout(reader);
    r.stampServer.pause();
    try {
      r.stamps.put(r.stampKey, 3L); // dropped before "results" was ever read in this manager
    } finally {
      r.stampServer.resume();
    }
    awaitBack(reader);
    assertNull(r.results.get(r.resultKey), "its first read finds it may be stale: a miss");
    assertNull(r.results.get(r.resultKey), "and its generation has advanced");
  }

  @Test
  void aManagerWithoutQueryResultsKeepsItsOtherCachesEntriesAfterADroppedWrite() throws Exception {
    MemcachedCacheManager manager = open(OPTIONS);
    Layout l = layout(manager);
    l.plain.put(l.plainKey, "kept");
    l.stampServer.pause();
    try {
      l.stamps.put(l.stampKey, 3L);
      assertEquals("kept", l.plain.get(l.plainKey));
    } finally {
      l.stampServer.resume();
    }
    awaitBack(manager);
    assertEquals("kept", l.plain.get(l.plainKey));
  }
}
