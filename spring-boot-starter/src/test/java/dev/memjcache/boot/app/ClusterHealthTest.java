package dev.memjcache.boot.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /actuator/health} under faults on a real 3-server memcached cluster, through the starter's
 * health indicator and the application's own cache calls (failureMode=fail, so a failed call throws
 * and can be counted): a killed or hung (SIGSTOP) server turns its entry DOWN within
 * serverFailureLimit failed calls while the whole stays UP, and the health call never waits on the
 * hung server; all three stopped turn the whole DOWN; after restarts everything is UP again within
 * serverRetryMillis plus reconnectDelaySeconds.
 */
@SpringBootTest(
    classes = StarterTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class ClusterHealthTest {

  static final int FAILURE_LIMIT = 2;
  static final long OPERATION_TIMEOUT_MILLIS = 500;
  static final long RETRY_MILLIS = 1000;
  static final int RECONNECT_DELAY_SECONDS = 1;

  /** How often the tests poll the health endpoint, ms: the resolution of the timing bounds. */
  static final long POLL_MILLIS = 25;

  static final MemcachedCluster CLUSTER = MemcachedCluster.start(3);

  @DynamicPropertySource
  static void cluster(DynamicPropertyRegistry registry) {
    registry.add("memjcache.servers", CLUSTER::addresses);
    registry.add("memjcache.server-failure-limit", () -> FAILURE_LIMIT);
    registry.add("memjcache.operation-timeout-millis", () -> OPERATION_TIMEOUT_MILLIS);
    registry.add("memjcache.server-retry-millis", () -> RETRY_MILLIS);
    registry.add("memjcache.reconnect-delay-seconds", () -> RECONNECT_DELAY_SECONDS);
  }

  @AfterAll
  static void stopCluster() {
    CLUSTER.close();
  }

  @Autowired javax.cache.CacheManager jcache;
  @Autowired TestRestTemplate http;

  private Cache<String, String> cache;
  private long key;

  @BeforeEach
  void cache() {
    Cache<String, String> existing = jcache.getCache("health-test");
    cache =
        existing != null
            ? existing
            : jcache.createCache("health-test", new MutableConfiguration<String, String>());
    awaitAllUp(30_000);
  }

  @AfterEach
  void everyServerBack() {
    for (MemcachedProcess node : CLUSTER.nodes()) {
      if (!node.isAlive()) {
        node.restart();
      }
      node.resume();
    }
    awaitAllUp(30_000);
  }

  private JsonNode health() {
    try {
      ResponseEntity<String> response = http.getForEntity("/actuator/health", String.class);
      return new ObjectMapper().readTree(response.getBody());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode memjcache(JsonNode health) {
    return health.path("components").path("memjcache");
  }

  private static String serverStatus(JsonNode health, MemcachedProcess node) {
    return memjcache(health)
        .path("details")
        .path("servers")
        .path(node.address())
        .path("status")
        .asText("(missing)");
  }

  private boolean allUp() {
    JsonNode health = health();
    for (MemcachedProcess node : CLUSTER.nodes()) {
      if (!"UP".equals(serverStatus(health, node))) {
        return false;
      }
    }
    return "UP".equals(health.path("status").asText());
  }

  private void awaitAllUp(long millis) {
    assertTrue(poll(this::allUp, millis), () -> "not all UP: " + health());
  }

  private static boolean poll(BooleanSupplier condition, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      sleep(POLL_MILLIS);
    }
    return condition.getAsBoolean();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Makes cache calls on fresh keys (spread over the three servers) one at a time until {@code
   * done} holds after a call, at most {@code maxCalls}.
   *
   * @return how many calls failed
   */
  private int callUntil(BooleanSupplier done, int maxCalls) {
    int failed = 0;
    for (int i = 0; i < maxCalls; i++) {
      try {
        cache.get("k" + key++);
      } catch (CacheException e) {
        failed++;
      }
      if (done.getAsBoolean()) {
        return failed;
      }
    }
    throw new AssertionError(maxCalls + " calls, " + failed + " failed; health " + health());
  }

  private void assertOnlyDown(MemcachedProcess victim, JsonNode health) {
    assertEquals("UP", health.path("status").asText(), health.toString());
    assertEquals("UP", memjcache(health).path("status").asText(), health.toString());
    assertEquals("2 of 3", memjcache(health).path("details").path("serving").asText());
    for (MemcachedProcess node : CLUSTER.nodes()) {
      assertEquals(node == victim ? "DOWN" : "UP", serverStatus(health, node), health.toString());
    }
    JsonNode entry = memjcache(health).path("details").path("servers").path(victim.address());
    assertTrue(!entry.path("lastFailure").asText().isEmpty(), entry.toString());
    assertTrue(!entry.path("markedDownSince").asText().isEmpty(), entry.toString());
  }

  @Test
  void aKilledServerIsDownWithinTheFailureLimitWhileTheWholeStaysUp() {
    MemcachedProcess victim = CLUSTER.node(0);
    victim.stop();
    int failed = callUntil(() -> "DOWN".equals(serverStatus(health(), victim)), 300);
    assertTrue(failed <= FAILURE_LIMIT, failed + " failed calls before its entry was DOWN");
    assertOnlyDown(victim, health());
  }

  @Test
  void aHungServerIsDownWithinTheFailureLimitAndHealthNeverWaitsOnIt() throws Exception {
    MemcachedProcess victim = CLUSTER.node(1);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong slowestNanos = new AtomicLong();
    AtomicLong healthCalls = new AtomicLong();
    health(); // the first HTTP call warms the client up; it is not the one measured
    Thread poller =
        new Thread(
            () -> {
              while (running.get()) {
                long start = System.nanoTime();
                health();
                slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                healthCalls.incrementAndGet();
                sleep(POLL_MILLIS);
              }
            },
            "health-poller");
    victim.pause();
    poller.start();
    int failed;
    try {
      failed = callUntil(() -> "DOWN".equals(serverStatus(health(), victim)), 300);
    } finally {
      running.set(false);
      poller.join(10_000);
    }
    assertTrue(failed <= FAILURE_LIMIT, failed + " failed calls before its entry was DOWN");
    assertTrue(healthCalls.get() > 0, "the health endpoint was called while the server hung");
    long slowestMillis = TimeUnit.NANOSECONDS.toMillis(slowestNanos.get());
    assertTrue(
        slowestMillis < OPERATION_TIMEOUT_MILLIS,
        "the slowest of "
            + healthCalls
            + " health calls during the hang took "
            + slowestMillis
            + " ms");
    assertOnlyDown(victim, health());
  }

  @Test
  void allThreeStoppedTurnTheWholeDownAndRestartsBringItBackInTime() {
    for (MemcachedProcess node : CLUSTER.nodes()) {
      node.stop();
    }
    callUntil(() -> "DOWN".equals(health().path("status").asText()), 300);
    JsonNode down = health();
    assertEquals("DOWN", memjcache(down).path("status").asText(), down.toString());
    assertEquals("0 of 3", memjcache(down).path("details").path("serving").asText());
    ResponseEntity<String> response = http.getForEntity("/actuator/health", String.class);
    assertEquals(503, response.getStatusCode().value(), "a load balancer sees the whole DOWN");

    for (MemcachedProcess node : CLUSTER.nodes()) {
      node.restart();
    }
    long restarted = System.nanoTime();
    long bound = RETRY_MILLIS + TimeUnit.SECONDS.toMillis(RECONNECT_DELAY_SECONDS);
    boolean up = poll(this::allUp, bound + POLL_MILLIS);
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
    assertTrue(up, "not all UP " + tookMillis + " ms after the restarts: " + health());
    System.out.println(
        "all servers UP " + tookMillis + " ms after the restarts (bound " + bound + " ms)");
  }
}
