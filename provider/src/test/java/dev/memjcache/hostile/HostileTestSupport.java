package dev.memjcache.hostile;

import com.esotericsoftware.kryo.io.Output;
import dev.memjcache.CacheTestSupport;
import dev.memjcache.codec.EnvelopeCodec;
import dev.memjcache.store.RawTranscoder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedClient;

/**
 * Base of the bad-input tests: one real memcached per class (from {@link CacheTestSupport}),
 * managers that allow no extra package, and helpers that plant bytes the way an attacker with
 * network access to memcached would: raw spymemcached {@code set}s under an entry's memcached key,
 * found with {@code lru_crawler metadump} (so the tests do not depend on how the key's generation
 * is built).
 */
abstract class HostileTestSupport extends CacheTestSupport {

  /** A manager of a fresh provider allowing no extra package; {@code options} is a URI query. */
  CacheManager newManager(String options) {
    return newManager(MEMCACHED.uri(), options);
  }

  CacheManager newManager(String serverUri, String options) {
    return newManager(URI.create(serverUri + (options.isEmpty() ? "" : "?" + options)));
  }

  static MemcachedClient raw(Cache<?, ?> cache) {
    return cache.unwrap(MemcachedClient.class);
  }

  /**
   * The memcached key of an entry that exists, found on the server by its cache segment and its
   * literal String key: {@code <prefix>:<cache>:...:<key>}.
   */
  static String itemKeyOf(Cache<?, ?> cache, String key) throws Exception {
    return itemKeyOf(cache, MEMCACHED.uri(), key);
  }

  /** {@link #itemKeyOf(Cache, String)} on the server of {@code serverUri} (one server). */
  static String itemKeyOf(Cache<?, ?> cache, String serverUri, String key) throws Exception {
    int port = Integer.parseInt(serverUri.substring(serverUri.lastIndexOf(':') + 1));
    String prefix = "mjc:" + cache.getName() + ":";
    String suffix = ":" + key;
    List<String> found = new ArrayList<>();
    for (String itemKey : metadumpKeys(port)) {
      if (itemKey.startsWith(prefix) && itemKey.endsWith(suffix) && !itemKey.endsWith(":gen")) {
        found.add(itemKey);
      }
    }
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one item for key " + key + " of cache " + cache.getName() + ", found " + found);
    }
    return found.get(0);
  }

  /** Every key memcached holds, from {@code lru_crawler metadump all} on its own socket. */
  static List<String> metadumpKeys(int port) throws Exception {
    List<String> keys = new ArrayList<>();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
        if (line.startsWith("key=")) {
          String encoded =
              line.substring(4, line.indexOf(' ') < 0 ? line.length() : line.indexOf(' '));
          keys.add(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
        } else if (line.startsWith("ERROR") || line.startsWith("BUSY")) {
          throw new AssertionError("metadump refused: " + line);
        }
      }
    }
    return keys;
  }

  /** Raw {@code set} of an item, flags and bytes as given. */
  static void plant(Cache<?, ?> cache, String itemKey, int flags, byte[] data) throws Exception {
    if (!raw(cache)
        .set(itemKey, 0, new CachedData(flags, data, Integer.MAX_VALUE), RawTranscoder.INSTANCE)
        .get(5, TimeUnit.SECONDS)) {
      throw new AssertionError("raw set of " + itemKey + " failed");
    }
  }

  /** The raw item, or null. */
  static CachedData rawItem(Cache<?, ?> cache, String itemKey) throws Exception {
    return raw(cache).asyncGet(itemKey, RawTranscoder.INSTANCE).get(5, TimeUnit.SECONDS);
  }

  /**
   * A version-1 envelope (layout in {@link EnvelopeCodec}): eternal, no stored key, then {@code
   * value} as the serialized value.
   */
  static byte[] envelope(byte[] value) {
    ByteBuffer b = ByteBuffer.allocate(13 + value.length);
    b.put((byte) 1).putLong(EnvelopeCodec.ETERNAL).putInt(-1).put(value);
    return b.array();
  }

  /**
   * Kryo bytes that name {@code className} as an unregistered class (class id "by name", name id 0,
   * the name) followed by {@code tail}; built by hand so that the class is never touched here.
   */
  static byte[] kryoNaming(String className, byte... tail) {
    Output out = new Output(256, -1);
    out.writeVarInt(1, true); // DefaultClassResolver.NAME + 2
    out.writeVarInt(0, true); // first class name of the graph
    out.writeString(className);
    out.writeBytes(tail);
    return out.toBytes();
  }

  /** Whether a fixture's static initializer recorded that it ran. */
  static String initRan(String simpleName) {
    return System.getProperty("memjcache.hostile.initRan." + simpleName);
  }
}
