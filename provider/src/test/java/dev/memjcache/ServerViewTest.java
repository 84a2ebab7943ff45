package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link MemcachedCacheManager#servers()} and the per-server counters on a real 3-server cluster:
 * every server serves at first; a killed one is marked down after exactly {@code
 * serverFailureLimit} failed calls and serves again after a restart; a hung one (SIGSTOP) too, its
 * timeouts counted, while the view itself answers at once even with a command waiting on it.
 */
class ServerViewTest {

  private MemcachedCluster cluster;
  private MemcachedProcess victim;
  private final List<MemcachedCacheManager> managers = new ArrayList<>();

  @BeforeEach
  void startCluster() {
    cluster = MemcachedCluster.start(3);
    victim = cluster.node(1);
  }

  @AfterEach
  void stopCluster() {
    managers.forEach(MemcachedCacheManager::close);
    if (victim.isAlive()) {
      victim.resume();
    }
    cluster.close();
  }

  private MemcachedCacheManager open(String options) {
    MemcachedCacheManager manager = ClusterTestSupport.manager(cluster, options);
    managers.add(manager);
    return manager;
  }

  private static Cache<String, String> cache(MemcachedCacheManager manager) {
    return manager.createCache(
        "view", new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  /** {@code count} keys of {@code cache} that live on the victim. */
  private List<String> keysOnVictim(Cache<String, String> cache, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      if (ClusterTestSupport.portOf(cache, "k" + i) == victim.port()) {
        keys.add("k" + i);
      }
    }
    return keys;
  }

  private ServerStatus victimStatus(MemcachedCacheManager manager) {
    return manager.servers().stream()
        .filter(s -> s.getAddress().equals(victim.address()))
        .findFirst()
        .orElseThrow();
  }

  private void assertOthersServe(MemcachedCacheManager manager) {
    for (ServerStatus server : manager.servers()) {
      if (!server.getAddress().equals(victim.address())) {
        assertEquals(ServerStatus.State.SERVING, server.getState(), server.toString());
      }
    }
  }

  private ServerStatus awaitServing(MemcachedCacheManager manager, long withinMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(withinMillis);
    while (victimStatus(manager).getState() != ServerStatus.State.SERVING
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return victimStatus(manager);
  }

  @Test
  void everyServerServesAtFirstInTheOrderOfTheServersOption() {
    MemcachedCacheManager manager = open("");
    List<ServerStatus> servers = manager.servers();
    assertEquals(
        Arrays.asList(cluster.addresses().split(",")),
        servers.stream().map(ServerStatus::getAddress).toList());
    for (ServerStatus server : servers) {
      assertEquals(ServerStatus.State.SERVING, server.getState(), server.toString());
      assertEquals("", server.getLastFailure());
      assertEquals(0, server.getMarkedDownSinceMillis());
      assertEquals(0, server.getTimeouts() + server.getFailures() + server.getMarkedDownCount());
    }
    NodeMetrics metrics = manager.nodeMetrics();
    assertEquals(3, metrics.getServers());
    assertEquals(0, metrics.getServersMarkedDown());
    assertThrows(UnsupportedOperationException.class, () -> servers.add(servers.get(0)));
  }

  @Test
  void aServerUnreachableAtStartIsConnectingUntilItsCallsMarkItDown() {
    victim.stop();
    MemcachedCacheManager manager = open("connectTimeoutMillis=300&serverFailureLimit=2");
    ServerStatus connecting = victimStatus(manager);
    assertEquals(ServerStatus.State.CONNECTING, connecting.getState(), connecting.toString());
    assertEquals(0, connecting.getFailures(), "nothing was sent to it yet");
    assertOthersServe(manager);
    assertEquals(0, manager.nodeMetrics().getServersMarkedDown(), "connecting is not marked down");

    Cache<String, String> cache = cache(manager);
    for (String key : keysOnVictim(cache, 2)) {
      assertThrows(CacheException.class, () -> cache.get(key));
    }
    ServerStatus down = victimStatus(manager);
    assertEquals(ServerStatus.State.MARKED_DOWN, down.getState(), down.toString());
    assertEquals("no connection", down.getLastFailure());
  }

  @Test
  void aKilledServerIsMarkedDownAfterServerFailureLimitFailedCallsAndServesAfterARestart()
      throws Exception {
    int limit = 3;
    long retryMillis = 300;
    MemcachedCacheManager manager =
        open("serverFailureLimit=" + limit + "&serverRetryMillis=" + retryMillis);
    Cache<String, String> cache = cache(manager);
    List<String> keys = keysOnVictim(cache, limit + 1);
    keys.forEach(key -> cache.put(key, "v"));

    long before = System.currentTimeMillis();
    victim.stop();
    for (int call = 1; call <= limit; call++) {
      String key = keys.get(call - 1);
      assertThrows(CacheException.class, () -> cache.get(key), "call " + key);
      ServerStatus status = victimStatus(manager);
      assertEquals(call, status.getFailures() + status.getTimeouts(), status.toString());
      if (call < limit) {
        assertNotEquals(ServerStatus.State.MARKED_DOWN, status.getState(), "after call " + call);
      }
    }
    ServerStatus down = victimStatus(manager);
    assertEquals(ServerStatus.State.MARKED_DOWN, down.getState());
    assertFalse(down.getLastFailure().isEmpty(), "the last failure is given");
    assertTrue(
        down.getMarkedDownSinceMillis() >= before
            && down.getMarkedDownSinceMillis() <= System.currentTimeMillis(),
        "marked down since " + down.getMarkedDownSinceMillis());
    assertEquals(1, down.getMarkedDownCount());
    assertOthersServe(manager);
    assertEquals(List.of(victim.address()), manager.serversMarkedDown());
    NodeMetrics metrics = manager.nodeMetrics();
    assertEquals(1, metrics.getServersMarkedDown());
    assertEquals(1, metrics.getMarkedDownCount());
    assertEquals(limit, metrics.getFailures() + metrics.getTimeouts());

    // a server marked down is refused without a command: nothing more is counted against it
    assertThrows(CacheException.class, () -> cache.get(keys.get(limit)));
    assertEquals(limit, victimStatus(manager).getFailures() + victimStatus(manager).getTimeouts());

    victim.restart();
    long reconnectMillis = TimeUnit.SECONDS.toMillis(1); // reconnectDelaySeconds' default
    ServerStatus back = awaitServing(manager, retryMillis + reconnectMillis + 5_000);
    assertEquals(ServerStatus.State.SERVING, back.getState(), back.toString());
    assertEquals(0, back.getMarkedDownSinceMillis());
    assertEquals(down.getLastFailure(), back.getLastFailure(), "the last failure is kept");
    cache.put(keys.get(0), "again");
    assertEquals("again", cache.get(keys.get(0)));
  }

  @Test
  void aHungServerIsMarkedDownWithItsTimeoutsWhileTheViewAnswersAtOnce() throws Exception {
    long timeoutMillis = 1000; // the default: a loaded machine answers the set-up in time
    MemcachedCacheManager manager =
        open(
            "operationTimeoutMillis="
                + timeoutMillis
                + "&serverFailureLimit=2&serverRetryMillis=200&failureMode=fail");
    Cache<String, String> cache = cache(manager);
    List<String> keys = keysOnVictim(cache, 2);
    keys.forEach(key -> cache.put(key, "v"));

    victim.pause();
    CompletableFuture<Void> waiting =
        CompletableFuture.runAsync(
            () -> assertThrows(CacheException.class, () -> cache.get(keys.get(0))));
    Thread.sleep(timeoutMillis / 3); // the get is now waiting on the hung server
    long start = System.nanoTime();
    List<ServerStatus> during = manager.servers();
    NodeMetrics metrics = manager.nodeMetrics();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(
        tookMillis < timeoutMillis,
        "the view answers at once with a command waiting on a hung server: " + tookMillis + " ms");
    assertEquals(3, during.size());
    assertEquals(3, metrics.getServers());
    waiting.get(10, TimeUnit.SECONDS);
    assertThrows(CacheException.class, () -> cache.get(keys.get(1)));

    ServerStatus down = victimStatus(manager);
    assertEquals(ServerStatus.State.MARKED_DOWN, down.getState(), down.toString());
    assertEquals(2, down.getTimeouts());
    assertEquals(0, down.getFailures());
    assertTrue(down.getLastFailure().contains("timed out"), down.getLastFailure());
    assertOthersServe(manager);
    assertEquals(2, manager.nodeMetrics().getTimeouts());

    victim.resume();
    ServerStatus back = awaitServing(manager, 5_000);
    assertEquals(ServerStatus.State.SERVING, back.getState(), back.toString());
    assertEquals(1, back.getMarkedDownCount());
    assertEquals("v", cache.get(keys.get(1)));
  }
}
