package dev.memjcache.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.config.MemcachedProtocol;
import dev.memjcache.testkit.MemcachedExtension;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The conditional delete (delete only an unchanged item) in both protocols, blocking and
 * asynchronous: binary delete-with-CAS, text {@code cas} to an exptime in the past, against a
 * server that speaks only that protocol ({@code memcached -B binary} / {@code -B ascii}).
 */
class ConditionalDeleteTest {

  @RegisterExtension
  static final MemcachedExtension BINARY_ONLY = MemcachedExtension.single("-B", "binary");

  @RegisterExtension
  static final MemcachedExtension TEXT_ONLY = MemcachedExtension.single("-B", "ascii");

  private static MemcachedStore connect(MemcachedProtocol protocol) {
    MemcachedExtension server = protocol == MemcachedProtocol.TEXT ? TEXT_ONLY : BINARY_ONLY;
    return PlainStores.connect(server.servers(), 2_000, protocol);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(MemcachedProtocol.class)
  void aStaleCasKeepsTheItemAFreshOneRemovesItAndAMissingItemIsNotDeleted(
      MemcachedProtocol protocol) {
    try (MemcachedStore store = connect(protocol)) {
      String key = "conditional-delete-" + protocol + "-" + System.nanoTime();
      store.set(key, 0, 7, bytes("first"));
      StoreItem read = store.gets(key);
      store.set(key, 0, 7, bytes("second"));

      assertFalse(store.delete(key, read.cas()), "a stale CAS deletes nothing");
      StoreItem kept = store.gets(key);
      assertNotNull(kept, "the changed item is kept");
      assertArrayEquals(bytes("second"), kept.data());

      assertTrue(store.delete(key, kept.cas()), "a fresh CAS deletes");
      assertNull(store.gets(key), "no readable item is left");
      assertTrue(store.add(key, 0, 7, bytes("again")), "add sees no item either");
      assertTrue(store.delete(key));

      assertFalse(store.delete(key, kept.cas()), "a missing item is not deleted");
      assertNull(store.gets(key), "and the conditional delete created none");
    }
  }

  @ParameterizedTest
  @EnumSource(MemcachedProtocol.class)
  void theAsynchronousConditionalDeleteAnswersTheSame(MemcachedProtocol protocol) throws Exception {
    try (MemcachedStore store = connect(protocol)) {
      AsyncCommands commands = new AsyncCommands(store, node -> {});
      String key = "async-conditional-delete-" + protocol + "-" + System.nanoTime();
      store.set(key, 0, 7, bytes("first"));
      StoreItem read = store.gets(key);
      store.set(key, 0, 7, bytes("second"));

      assertFalse(commands.delete(key, read.cas()).get(5, TimeUnit.SECONDS), "stale CAS");
      StoreItem kept = commands.gets(key).get(5, TimeUnit.SECONDS);
      assertArrayEquals(bytes("second"), kept.data(), "the changed item is kept");

      assertTrue(commands.delete(key, kept.cas()).get(5, TimeUnit.SECONDS), "fresh CAS");
      assertNull(commands.gets(key).get(5, TimeUnit.SECONDS), "no readable item is left");
      assertFalse(commands.delete(key, kept.cas()).get(5, TimeUnit.SECONDS), "missing item");
      assertTrue(commands.add(key, 0, 7, bytes("again")).get(5, TimeUnit.SECONDS));
    }
  }
}
