package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.config.MemcachedProtocol;
import dev.memjcache.store.NodeDownException;
import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One server of three dies or hangs: only its own keys are affected, bulk calls return what the
 * live servers hold, a server marked down fails its keys at once, and writes dropped while it was
 * down leave no older value readable once it is back.
 */
class NodeFailureTest {

  private static final int KEYS = 300;

  private MemcachedCluster cluster;
  private MemcachedProcess victim;

  /** The wire protocol under test: binary here, text in {@link NodeFailureTextTest}. */
  MemcachedProtocol protocol() {
    return MemcachedProtocol.BINARY;
  }

  @BeforeEach
  void startCluster() {
    cluster = MemcachedCluster.start(3, ClusterTestSupport.serverArgs(protocol()));
    victim = cluster.node(1);
  }

  private final List<MemcachedCacheManager> managers = new java.util.ArrayList<>();

  @AfterEach
  void stopCluster() {
    managers.forEach(MemcachedCacheManager::close);
    cluster.close();
  }

  /** A manager (as of another JVM) over the cluster, closed after the test. */
  private MemcachedCacheManager open(String options) {
    MemcachedCacheManager manager =
        ClusterTestSupport.manager(cluster, ClusterTestSupport.withProtocol(protocol(), options));
    managers.add(manager);
    return manager;
  }

  private Cache<String, String> cache(MemcachedCacheManager manager) {
    return manager.createCache(
        "nodes", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  private Map<String, String> fill(Cache<String, String> cache) {
    Map<String, String> all = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      all.put("k" + i, "v" + i);
    }
    cache.putAll(all);
    return all;
  }

  private Set<String> keysOnVictim(Cache<String, String> cache, Set<String> keys) {
    Set<String> on = new HashSet<>();
    for (String key : keys) {
      if (ClusterTestSupport.portOf(cache, key) == victim.port()) {
        on.add(key);
      }
    }
    return on;
  }

  /** A degrade-mode manager with short timeouts and a filled cache, and another JVM's view. */
  private record TwoJvms(
      MemcachedCacheManager manager,
      Cache<String, String> cache,
      Cache<String, String> otherView,
      Map<String, String> all) {}

  private TwoJvms twoJvms() {
    MemcachedCacheManager manager =
        open("operationTimeoutMillis=300&failureMode=degrade&serverRetryMillis=200");
    Cache<String, String> cache = cache(manager);
    Cache<String, String> otherView = cache(open("failureMode=degrade"));
    return new TwoJvms(manager, cache, otherView, fill(cache));
  }

  /** SIGSTOPs the victim and reads two of its keys: two timeouts mark it down (degrade mode). */
  private void hangVictim(
      MemcachedCacheManager manager, Cache<String, String> cache, String[] keysOnVictim) {
    victim.pause();
    assertNull(cache.get(keysOnVictim[keysOnVictim.length - 1]));
    assertNull(cache.get(keysOnVictim[keysOnVictim.length - 2]));
    assertEquals(List.of(victim.address()), manager.serversMarkedDown());
  }

  /** SIGCONTs the victim and waits until a probe brought it back. */
  private void resumeVictim(MemcachedCacheManager manager) throws InterruptedException {
    victim.resume();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!manager.serversMarkedDown().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(List.of(), manager.serversMarkedDown(), "the resumed server is back");
  }

  /** A filled cache whose victim server was then killed, and the keys that lived there. */
  private record Killed(
      MemcachedCacheManager manager,
      Cache<String, String> cache,
      Map<String, String> all,
      Set<String> dead) {}

  private Killed fillThenKill(String options) {
    MemcachedCacheManager manager = open("operationTimeoutMillis=500&" + options);
    Cache<String, String> cache = cache(manager);
    Map<String, String> all = fill(cache);
    Set<String> dead = keysOnVictim(cache, all.keySet());
    assertTrue(!dead.isEmpty() && dead.size() < KEYS);
    victim.stop();
    return new Killed(manager, cache, all, dead);
  }

  @Test
  void degradeBulkCallsServeWhatTheLiveServersHold() {
    Killed killed = fillThenKill("failureMode=degrade");
    MemcachedCacheManager manager = killed.manager();
    Cache<String, String> cache = killed.cache();
    Map<String, String> all = killed.all();
    Set<String> dead = killed.dead();

    Map<String, String> live = new HashMap<>(all);
    live.keySet().removeAll(dead);
    assertEquals(live, cache.getAll(all.keySet()), "getAll returns every live server's entry");

    long start = System.nanoTime();
    for (String key : dead) {
      assertNull(cache.get(key));
      cache.put(key, "dropped");
    }
    long perCallMicros =
        TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start) / (2L * dead.size());
    assertEquals(List.of(victim.address()), manager.serversMarkedDown());
    assertTrue(
        perCallMicros < 20_000,
        "a down server's keys answer at once, took " + perCallMicros + " µs per call");

    Map<String, String> update = new HashMap<>();
    all.keySet().forEach(key -> update.put(key, "new"));
    cache.putAll(update);
    for (String key : live.keySet()) {
      assertEquals("new", cache.get(key), "putAll stores the entries of live servers");
    }
    Set<String> some = new LinkedHashSet<>(all.keySet());
    cache.removeAll(some);
    assertEquals(Map.of(), cache.getAll(all.keySet()), "removeAll removes on live servers");
  }

  @Test
  void failModeFailsOnlyTheDownServersKeysAndReportsInvokeAllPerKey() {
    Killed killed = fillThenKill("failureMode=fail");
    Cache<String, String> cache = killed.cache();
    Map<String, String> all = killed.all();
    Set<String> dead = killed.dead();
    for (String key : all.keySet()) {
      if (dead.contains(key)) {
        CacheException e = assertThrows(CacheException.class, () -> cache.get(key));
        assertTrue(e.getMessage().contains(victim.address()), e.getMessage());
      } else {
        assertEquals(all.get(key), cache.get(key));
      }
    }
    assertInstanceOf(
        NodeDownException.class,
        assertThrows(CacheException.class, () -> cache.getAll(all.keySet())),
        "fail mode: getAll throws when a server of its keys is down");
    Map<String, EntryProcessorResult<String>> results =
        cache.invokeAll(all.keySet(), (entry, args) -> entry.getValue());
    for (String key : all.keySet()) {
      if (dead.contains(key)) {
        assertThrows(EntryProcessorException.class, () -> results.get(key).get());
      } else {
        assertEquals(all.get(key), results.get(key).get());
      }
    }
  }

  /** Keys whose entries a listener saw updated (old value required: writes take the CAS path). */
  static final Set<String> UPDATED = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static final class UpdatedKeys
      implements javax.cache.event.CacheEntryUpdatedListener<String, String>, java.io.Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void onUpdated(
        Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends String>> events) {
      events.forEach(e -> UPDATED.add(e.getKey()));
    }
  }

  /**
   * Pipelined invokeAll, putAll (CAS path: a listener needs the old values) and removeAll with one
   * server of three killed: the live servers' keys are written, the dead one's fail per key in
   * invokeAll; putAll and removeAll throw in fail mode only, after doing the live servers' work.
   */
  private void pipelinedWritesServeTheLiveServers(String failureMode) {
    MemcachedCacheManager manager = open("operationTimeoutMillis=500&failureMode=" + failureMode);
    Cache<String, String> cache =
        manager.createCache(
            "bulk",
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .addCacheEntryListenerConfiguration(
                    new javax.cache.configuration.MutableCacheEntryListenerConfiguration<>(
                        javax.cache.configuration.FactoryBuilder.factoryOf(new UpdatedKeys()),
                        null,
                        true,
                        true)));
    Map<String, String> all = fill(cache);
    Set<String> dead = keysOnVictim(cache, all.keySet());
    Set<String> live = new HashSet<>(all.keySet());
    live.removeAll(dead);
    victim.stop();

    Map<String, EntryProcessorResult<String>> results =
        cache.invokeAll(
            all.keySet(),
            (entry, args) -> {
              entry.setValue(entry.getValue() + "+1");
              return entry.getValue();
            });
    assertEquals(all.keySet(), results.keySet());
    Map<String, String> incremented = new HashMap<>();
    for (String key : all.keySet()) {
      if (dead.contains(key)) {
        assertThrows(EntryProcessorException.class, () -> results.get(key).get(), key);
      } else {
        assertEquals(all.get(key) + "+1", results.get(key).get());
        incremented.put(key, all.get(key) + "+1");
      }
    }
    assertEquals(incremented, cache.getAll(live), "invokeAll wrote every live server's key");

    UPDATED.clear();
    Map<String, String> update = new HashMap<>();
    all.keySet().forEach(key -> update.put(key, "new"));
    if (failureMode.equals("fail")) {
      CacheException e = assertThrows(CacheException.class, () -> cache.putAll(update));
      assertTrue(e.getMessage().contains(victim.address()), e.getMessage());
    } else {
      cache.putAll(update);
    }
    assertEquals(live, UPDATED, "UPDATED for the live servers' entries, none for the dead one's");
    Map<String, String> updated = new HashMap<>();
    live.forEach(key -> updated.put(key, "new"));
    assertEquals(updated, cache.getAll(live), "putAll stored the live servers' entries");

    if (failureMode.equals("fail")) {
      CacheException e = assertThrows(CacheException.class, () -> cache.removeAll(all.keySet()));
      assertTrue(e.getMessage().contains(victim.address()), e.getMessage());
    } else {
      cache.removeAll(all.keySet());
    }
    assertEquals(Map.of(), cache.getAll(live), "removeAll removed the live servers' entries");
  }

  @Test
  void failModePipelinedWritesServeTheLiveServersAndFailTheDeadOnesKeys() {
    pipelinedWritesServeTheLiveServers("fail");
  }

  @Test
  void degradeModePipelinedWritesServeTheLiveServersAndDropTheDeadOnesKeys() {
    pipelinedWritesServeTheLiveServers("degrade");
  }

  @Test
  void aRestartedServerServesWithinTheReconnectDelay() throws Exception {
    MemcachedCacheManager manager = open("operationTimeoutMillis=500&failureMode=fail");
    Cache<String, String> cache = cache(manager);
    Map<String, String> all = fill(cache);
    String key = keysOnVictim(cache, all.keySet()).iterator().next();
    victim.stop();
    assertThrows(CacheException.class, () -> cache.get(key));
    Thread.sleep(1_500);
    victim.restart();
    long restarted = System.nanoTime();
    long servedAfter = -1;
    while (System.nanoTime() - restarted < TimeUnit.SECONDS.toNanos(5)) {
      try {
        cache.put(key, "back");
        servedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        break;
      } catch (CacheException notYet) {
        Thread.sleep(10);
      }
    }
    System.out.println("restarted server served again after " + servedAfter + " ms");
    assertTrue(servedAfter >= 0 && servedAfter <= 2_000, "served after " + servedAfter + " ms");
    assertEquals("back", cache.get(key));
  }

  @Test
  void writesDroppedWhileAServerHungLeaveNoOlderValueReadable() throws Exception {
    TwoJvms jvms = twoJvms();
    MemcachedCacheManager manager = jvms.manager();
    Cache<String, String> cache = jvms.cache();
    Cache<String, String> otherView = jvms.otherView();
    Map<String, String> all = jvms.all();
    Set<String> onVictim = keysOnVictim(cache, all.keySet());
    String[] keys = onVictim.toArray(new String[0]);
    String replaced = keys[0];
    String removed = keys[1];
    assertEquals("v" + replaced.substring(1), otherView.get(replaced));

    // two timeouts mark it down; from then on writes are dropped without being sent
    hangVictim(manager, cache, keys);
    cache.put(replaced, "newer");
    assertTrue(cache.remove(removed) == false, "degrade: a dropped remove reports nothing");
    resumeVictim(manager);
    assertNull(cache.get(replaced), "the value the dropped put should have replaced is gone");
    assertNull(cache.get(removed), "the value the dropped remove should have removed is gone");
    // another JVM sees it within its generation refresh interval (1 s by default)
    Thread.sleep(1_100);
    assertNull(otherView.get(replaced));
    assertNull(otherView.get(removed));
    String elsewhere =
        all.keySet().stream().filter(k -> !onVictim.contains(k)).findFirst().orElseThrow();
    assertEquals(all.get(elsewhere), otherView.get(elsewhere), "other servers keep entries");
  }

  @Test
  void aClearMissedByAHungServerDoesNotBringItsEntriesBack() throws Exception {
    TwoJvms jvms = twoJvms();
    Set<String> keys = jvms.all().keySet();
    hangVictim(
        jvms.manager(), jvms.cache(), keysOnVictim(jvms.cache(), keys).toArray(new String[0]));
    jvms.cache().clear();
    resumeVictim(jvms.manager());
    assertEquals(Map.of(), jvms.cache().getAll(keys), "nothing cleared comes back here");
    Thread.sleep(1_100);
    assertEquals(Map.of(), jvms.otherView().getAll(keys), "nor in another JVM");
  }
}
