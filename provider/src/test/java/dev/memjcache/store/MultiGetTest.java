package dev.memjcache.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.config.MemcachedProtocol;
import dev.memjcache.testkit.MemcachedExtension;
import dev.memjcache.testkit.MemcachedProcess;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.spy.memcached.MemcachedNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The multi-get ({@link BulkCommands#getBulk}, built on {@link MultiGet}) against three real
 * servers in both protocols: every answer lands in its key's position, misses and repeated keys
 * included, and a server that stops answering fails only its own keys, within the operation
 * timeout.
 */
class MultiGetTest {

  private static final long TIMEOUT_MILLIS = 400;

  @RegisterExtension static final MemcachedExtension SERVERS = MemcachedExtension.nodes(3);

  private static MemcachedStore connect(MemcachedProtocol protocol) {
    return PlainStores.connect(SERVERS.servers(), TIMEOUT_MILLIS, protocol);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(MemcachedProtocol.class)
  void everyAnswerLandsInItsKeysPositionWithMissesAndRepeatedKeys(MemcachedProtocol protocol) {
    try (MemcachedStore store = connect(protocol)) {
      String prefix = "multi-get-" + protocol + "-" + System.nanoTime() + "-";
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String key = prefix + i;
        keys.add(key);
        if (i % 3 != 0) {
          store.set(key, 0, 70 + i, bytes("value " + i));
        }
      }
      // a key asked twice, and a copy that is equal but not the same String
      keys.add(prefix + 1);
      keys.add(new String(prefix + 2));
      assertEquals(3, serversOf(store, keys), "the keys span all three servers");

      BulkCommands.BulkRead read = store.bulk().getBulk(keys);

      assertNull(read.failure());
      assertEquals(List.of(), read.failedKeys());
      for (int p = 0; p < keys.size(); p++) {
        int i = p < 60 ? p : p - 59; // the two repeats are of keys 1 and 2
        assertFalse(read.failed(p));
        if (i % 3 == 0) {
          assertNull(read.data(p), "a miss at " + p);
        } else {
          assertArrayEquals(bytes("value " + i), read.data(p), "the item at " + p);
          assertEquals(70 + i, read.flags(p), "its flags at " + p);
        }
      }
      Map<String, net.spy.memcached.CachedData> items = read.items();
      assertEquals(40, items.size());
      assertArrayEquals(bytes("value 59"), items.get(prefix + 59).getData());
    }
  }

  @ParameterizedTest
  @EnumSource(MemcachedProtocol.class)
  void aServerThatStopsAnsweringFailsOnlyItsOwnKeysWithinTheTimeout(MemcachedProtocol protocol) {
    try (MemcachedStore store = connect(protocol)) {
      List<String> keys = written(store, "multi-get-hang-" + protocol);
      MemcachedNode hung = store.nodeFor(keys.get(0));
      HungRead hungRead = readWhileHung(store, keys, List.of(hung));
      BulkCommands.BulkRead read = hungRead.read();
      long took = hungRead.millis();

      assertTrue(
          took < TIMEOUT_MILLIS + 300, "all servers are awaited together: took " + took + " ms");
      assertNotNull(read.failure());
      assertTrue(
          read.failure().getMessage().contains("timed out after " + TIMEOUT_MILLIS + " ms"),
          read.failure().getMessage());
      int failed = 0;
      for (int p = 0; p < keys.size(); p++) {
        boolean ofHung = store.nodeFor(keys.get(p)) == hung;
        assertEquals(ofHung, read.failed(p), "failed only where the hung server holds " + p);
        if (ofHung) {
          failed++;
          assertNull(read.data(p));
        } else {
          assertArrayEquals(bytes("v" + p), read.data(p), "a live server's item at " + p);
        }
      }
      assertEquals(failed, read.failedKeys().size());
      assertTrue(failed > 0 && failed < keys.size());
    }
  }

  @ParameterizedTest
  @EnumSource(MemcachedProtocol.class)
  void twoHungServersCostOneTimeoutNotOneEach(MemcachedProtocol protocol) {
    try (MemcachedStore store = connect(protocol)) {
      List<String> keys = written(store, "multi-get-two-hang-" + protocol);
      List<MemcachedNode> nodes = keys.stream().map(store::nodeFor).distinct().toList();
      MemcachedNode live = nodes.get(2);
      HungRead hungRead = readWhileHung(store, keys, nodes.subList(0, 2));
      BulkCommands.BulkRead read = hungRead.read();
      long took = hungRead.millis();

      assertTrue(took >= TIMEOUT_MILLIS - 20, "waited for the hung servers: " + took + " ms");
      assertTrue(
          took < 2 * TIMEOUT_MILLIS - 100, "one timeout for both hung servers: took " + took);
      for (int p = 0; p < keys.size(); p++) {
        boolean ofLive = store.nodeFor(keys.get(p)) == live;
        assertEquals(!ofLive, read.failed(p), "failed only on the hung servers at " + p);
        if (ofLive) {
          assertArrayEquals(bytes("v" + p), read.data(p));
        }
      }
    }
  }

  @Test
  void positionsFindEveryKeyAmongEqualHashesAndChainRepeats() {
    // "Aa" and "BB" share a hashCode: one table slot's probe passes the other
    MultiGet.Positions positions =
        new MultiGet.Positions(List.of("Aa", "BB", "Aa", "x", new String("BB")));

    assertEquals(0, positions.first(new String("Aa")));
    assertEquals(2, positions.next(0));
    assertEquals(-1, positions.next(2));
    assertEquals(1, positions.first("BB"));
    assertEquals(4, positions.next(1));
    assertEquals(3, positions.first("x"));
    assertEquals(-1, positions.first("C#"), "a key not asked for");
  }

  /** Writes 60 items {@code <prefix>-<n>} = {@code "v<n>"} and returns their keys, in order. */
  private static List<String> written(MemcachedStore store, String prefix) {
    String base = prefix + "-" + System.nanoTime() + "-";
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      keys.add(base + i);
      store.set(base + i, 0, 1, bytes("v" + i));
    }
    return keys;
  }

  /** A multi-get made while some servers were stopped, and how long it took. */
  private record HungRead(BulkCommands.BulkRead read, long millis) {}

  /** The multi-get of {@code keys} while {@code hung} are SIGSTOPped (resumed after it). */
  private static HungRead readWhileHung(
      MemcachedStore store, List<String> keys, List<MemcachedNode> hung) {
    List<MemcachedProcess> processes = hung.stream().map(MultiGetTest::processOf).toList();
    processes.forEach(MemcachedProcess::pause);
    try {
      long start = System.nanoTime();
      BulkCommands.BulkRead read = store.bulk().getBulk(keys);
      return new HungRead(read, (System.nanoTime() - start) / 1_000_000);
    } finally {
      processes.forEach(MemcachedProcess::resume);
    }
  }

  private static int serversOf(MemcachedStore store, List<String> keys) {
    return (int) keys.stream().map(store::nodeFor).distinct().count();
  }

  private static MemcachedProcess processOf(MemcachedNode node) {
    int port = ((InetSocketAddress) node.getSocketAddress()).getPort();
    return SERVERS.servers().stream().filter(s -> s.port() == port).findFirst().orElseThrow();
  }
}
