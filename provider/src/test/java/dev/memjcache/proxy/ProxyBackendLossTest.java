package dev.memjcache.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.testkit.MemcachedProcess;
import dev.memjcache.testkit.NutcrackerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One of twemproxy's two backends is killed while twemproxy ejects it ({@code auto_eject_hosts:
 * true}): entries written after a {@code clear()} are read back or missed, never the cleared ones.
 * When the killed backend did not hold the cache's generation item, exactly the entries of the
 * surviving backend stay readable; when it held it, the generation item is re-created on the
 * survivor from the clock (a new generation), so every entry becomes a miss.
 */
class ProxyBackendLossTest {

  private static final int KEYS = 1_000;

  @ParameterizedTest(name = "the killed backend holds the generation item: {0}")
  @ValueSource(booleans = {false, true})
  void killingABackendLosesItsEntriesAndNeverServesAClearedOne(boolean killGenerationHolder)
      throws Exception {
    List<MemcachedProcess> backends = MemcachedProcess.startAll(2);
    try (NutcrackerProcess proxy = NutcrackerProcess.start(backends, 300, 60_000, 1);
        CacheManager manager = ProxyTopologyTest.manager(proxy.address(), "")) {
      String name = "proxy-loss-" + killGenerationHolder;
      Cache<String, String> cache =
          manager.createCache(
              name,
              new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      for (int i = 0; i < KEYS; i++) {
        cache.put("k" + i, "cleared-" + i);
      }
      cache.clear();
      for (int i = 0; i < KEYS; i++) {
        cache.put("k" + i, "live-" + i);
      }
      String generationKey = "mjc:" + name + ":gen";
      int holder = holds(backends.get(0), generationKey) ? 0 : 1;
      assertTrue(holds(backends.get(holder), generationKey));
      String generation = value(backends.get(holder), generationKey);
      MemcachedProcess killed = backends.get(killGenerationHolder ? holder : 1 - holder);
      MemcachedProcess survivor = backends.get(killGenerationHolder ? 1 - holder : holder);
      int onSurvivor = 0;
      for (int i = 0; i < KEYS; i++) {
        if (holds(survivor, "mjc:" + name + ":" + generation + ":k" + i)) {
          onSurvivor++;
        }
      }
      killed.stop();
      // twemproxy answers errors for the dead backend's keys until it ejects it
      int failures = 0;
      int readable = 0;
      long deadline = System.nanoTime() + 10_000_000_000L;
      boolean stable = false;
      while (!stable && System.nanoTime() < deadline) {
        readable = 0;
        stable = true;
        for (int i = 0; i < KEYS; i++) {
          String value;
          try {
            value = cache.get("k" + i);
          } catch (CacheException e) {
            failures++;
            stable = false;
            continue;
          }
          assertNotEquals("cleared-" + i, value, "a cleared entry was served");
          if (value != null) {
            assertEquals("live-" + i, value);
            readable++;
          }
        }
        Thread.sleep(killGenerationHolder ? 1_100 : 0); // a refresh interval, then read again
        if (killGenerationHolder && readable > 0) {
          stable = false;
        }
      }
      System.out.printf(
          "proxy: backend holding the generation item killed: %b; %d of %d entries were on the"
              + " survivor, %d readable after twemproxy ejected the dead one (%d reads failed"
              + " meanwhile)%n",
          killGenerationHolder, onSurvivor, KEYS, readable, failures);
      assertTrue(stable, "reads still fail or still serve entries after 10 s");
      assertEquals(killGenerationHolder ? 0 : onSurvivor, readable);
      cache.put("after", "written after the loss");
      assertEquals("written after the loss", cache.get("after"));
    } finally {
      backends.forEach(MemcachedProcess::close);
    }
  }

  /**
   * A backend that hangs (SIGSTOP) is ejected by twemproxy; while it is out the cache is cleared
   * and rewritten on the survivor; then it comes back (SIGCONT) with every item it held, and
   * twemproxy routes its keys to it again. Neither the manager that cleared nor a new one (another
   * JVM's) may read an entry from before the clear. The cache is picked so that its generation item
   * and clear marker both live on the backend that hangs: the worst case. Behind a proxy the clear
   * marker has copies ({@code :clear:1} to {@code :clear:7}) that twemproxy spreads over both
   * backends; the guarantee needs one on a backend that stayed, which the cache is picked to have
   * (with 2 backends, all 8 land on one in 1 cache of 128).
   */
  @Test
  void aBackendComingBackWithOldItemsDoesNotResurrectClearedEntries() throws Exception {
    List<MemcachedProcess> backends = MemcachedProcess.startAll(2);
    try (NutcrackerProcess proxy = NutcrackerProcess.start(backends, 300, 8_000, 1);
        CacheManager manager = ProxyTopologyTest.manager(proxy.address(), "")) {
      Cache<String, String> cache = null;
      String name = null;
      int holder = -1;
      for (int n = 0; holder < 0; n++) {
        name = "proxy-return-" + n;
        cache =
            manager.createCache(
                name,
                new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        cache.clear();
        int gen = holds(backends.get(0), "mjc:" + name + ":gen") ? 0 : 1;
        if (holds(backends.get(gen), "mjc:" + name + ":clear")
            && copyElsewhere(backends.get(1 - gen), "mjc:" + name + ":clear")) {
          holder = gen;
        }
      }
      for (int i = 0; i < KEYS; i++) {
        cache.put("k" + i, "cleared-" + i);
      }
      MemcachedProcess hung = backends.get(holder);
      hung.pause();
      try {
        awaitStableReads(cache, 15_000);
        cache.clear();
        for (int i = 0; i < KEYS; i += 2) {
          cache.put("k" + i, "live-" + i);
        }
      } finally {
        hung.resume();
      }
      Thread.sleep(9_000); // past server_retry_timeout: twemproxy routes to the backend again
      try (CacheManager other = ProxyTopologyTest.manager(proxy.address(), "")) {
        Cache<String, String> fresh =
            other.createCache(
                name,
                new MutableConfiguration<String, String>().setTypes(String.class, String.class));
        int[] served = new int[2];
        for (Cache<String, String> c : List.of(fresh, cache)) { // the new one reads first
          for (int i = 0; i < KEYS; i++) {
            String value = c.get("k" + i);
            assertNotEquals("cleared-" + i, value, "a cleared entry came back with its backend");
            if (value != null) {
              assertEquals("live-" + i, value);
              served[c == fresh ? 0 : 1]++;
            }
          }
        }
        System.out.printf(
            "proxy: backend with the generation item and clear marker hung, cleared meanwhile,"
                + " back with its items: %d and %d of %d live entries readable (a new manager, the one that cleared)%n",
            served[0], served[1], KEYS / 2);
      }
    } finally {
      backends.forEach(MemcachedProcess::close);
    }
  }

  /** Reads every key until a whole pass succeeds (twemproxy ejected the failing backend). */
  private static void awaitStableReads(Cache<String, String> cache, long timeoutMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      boolean failed = false;
      for (int i = 0; i < KEYS && !failed; i++) {
        try {
          cache.get("k" + i);
        } catch (CacheException e) {
          failed = true;
        }
      }
      if (!failed) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("reads still fail " + timeoutMillis + " ms after a backend hung");
  }

  private static boolean copyElsewhere(MemcachedProcess server, String clearKey)
      throws IOException {
    for (int copy = 1; copy < 8; copy++) {
      if (holds(server, clearKey + ":" + copy)) {
        return true;
      }
    }
    return false;
  }

  private static boolean holds(MemcachedProcess server, String key) throws IOException {
    return value(server, key) != null;
  }

  /** The item's value read from one backend directly (text {@code get}); null when absent. */
  private static String value(MemcachedProcess server, String key) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String line = in.readLine();
      if (line.equals("END")) {
        return null;
      }
      String data = in.readLine();
      in.readLine(); // END
      return data;
    }
  }
}
