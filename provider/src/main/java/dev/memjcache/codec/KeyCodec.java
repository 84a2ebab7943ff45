package dev.memjcache.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * Maps a cache's keys to memcached item keys (DESIGN.md "Storage model", Key).
 *
 * <p>Layout, all printable ASCII (memcached keys are at most 250 bytes, no spaces or control
 * characters):
 *
 * <pre>
 *   &lt;prefix&gt;:&lt;cache&gt;:gen                       the cache's generation item (clear() increments it)
 *   &lt;prefix&gt;:&lt;cache&gt;:&lt;generation&gt;:&lt;part&gt;     one entry
 * </pre>
 *
 * <ul>
 *   <li>{@code <cache>} is the cache name itself when it is 1..64 characters in 0x21..0x7E without
 *       {@code ':'} and does not start with {@code '#'}; otherwise {@code '#'} +
 *       base64url-no-padding(SHA-256(UTF-8 name)).
 *   <li>{@code <generation>} is a non-negative decimal long (at most 19 digits).
 *   <li>{@code <part>} is the key itself for a {@code String} whose characters are all 0x21..0x7E,
 *       that does not start with {@code '#'}, and that keeps the item key within 250 bytes even
 *       with a 19-digit generation; every other key becomes {@code '#'} +
 *       base64url-no-padding(SHA-256(serialized key)) (44 characters), and the serialized key is
 *       stored in the value envelope and compared on read, so a hash collision is a miss, never a
 *       wrong value.
 * </ul>
 *
 * <p><b>Keys must serialize deterministically.</b> Equal keys (by {@code equals}) must serialize to
 * equal bytes, or they map to different items. This holds for Strings, boxed primitives, and the
 * usual JDK value types; a key class of your own must have a serialized form consistent with its
 * {@code equals} (no transient caches that differ, no hash-ordered collections whose iteration
 * order differs between equal instances, no identity-shared sub-objects in one instance that are
 * distinct in another).
 *
 * <p>Thread-safe.
 */
public final class KeyCodec {
  /** Memcached's maximum key length in bytes. */
  public static final int MAX_KEY_BYTES = 250;

  private static final int MAX_CACHE_NAME_CHARS = 64;

  /** Characters of Long.MAX_VALUE. */
  private static final int MAX_GENERATION_DIGITS = 19;

  /** '#' + 43 characters of base64url SHA-256. */
  private static final int HASHED_PART_CHARS = 44;

  /** The longest prefix that still fits a hashed key with a long cache name and generation. */
  private static final int MAX_PREFIX_CHARS =
      MAX_KEY_BYTES
          - (1 + MAX_CACHE_NAME_CHARS + 1 + MAX_GENERATION_DIGITS + 1 + HASHED_PART_CHARS);

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final ValueSerializer serializer;
  private final String cacheSegment;
  private final String base;
  private final String generationKey;
  private final String routingBase;
  private final int maxLiteralChars;

  /** At most this many generations' key prefixes are kept (one per server in most clusters). */
  private static final int MAX_PREFIXES = 16;

  /**
   * keyPrefix of the recently used generations, newest first: each server has a generation of its
   * own, and they change only on clear() or a server's repair, so every call finds its prefix here
   * instead of concatenating it. Replaced whole (copy on write).
   */
  private volatile GenerationPrefix[] prefixes = new GenerationPrefix[0];

  private record GenerationPrefix(long generation, String prefix) {}

  /**
   * @param prefix the key prefix option: 1..120 characters in 0x21..0x7E, without {@code ':'}
   * @param cacheName the JSR-107 cache name; any string (encoded as described in the class javadoc)
   * @param serializer serializes non-literal keys
   * @throws IllegalArgumentException if {@code prefix} is empty, too long, or contains a character
   *     outside 0x21..0x7E or a {@code ':'}
   * @throws NullPointerException if an argument is null
   */
  public KeyCodec(String prefix, String cacheName, ValueSerializer serializer) {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(cacheName, "cacheName");
    this.serializer = Objects.requireNonNull(serializer, "serializer");
    if (prefix.isEmpty()
        || prefix.length() > MAX_PREFIX_CHARS
        || !isPrintable(prefix)
        || prefix.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "Key prefix '"
              + prefix
              + "' must be 1.."
              + MAX_PREFIX_CHARS
              + " printable ASCII characters (0x21..0x7E) without ':'");
    }
    boolean literalName =
        !cacheName.isEmpty()
            && cacheName.length() <= MAX_CACHE_NAME_CHARS
            && isPrintable(cacheName)
            && cacheName.indexOf(':') < 0
            && cacheName.charAt(0) != '#';
    this.cacheSegment = literalName ? cacheName : hash(cacheName.getBytes(StandardCharsets.UTF_8));
    this.base = prefix + ':' + cacheSegment + ':';
    this.generationKey = base + "gen";
    this.routingBase = base + "0:";
    this.maxLiteralChars = MAX_KEY_BYTES - (base.length() + MAX_GENERATION_DIGITS + 1);
  }

  /**
   * @return the encoded cache name used as the second key segment
   */
  public String cacheSegment() {
    return cacheSegment;
  }

  /**
   * @return {@code "<prefix>:<cacheSegment>:gen"}, the key of the cache's generation item
   */
  public String generationKey() {
    return generationKey;
  }

  /**
   * @param generation the cache's current generation (non-negative)
   * @return {@code "<prefix>:<cacheSegment>:<generation>:"}, the common prefix of every entry of
   *     that generation (used to select this cache's keys during enumeration)
   * @throws IllegalArgumentException if {@code generation} is negative
   */
  public String keyPrefix(long generation) {
    if (generation < 0) {
      throw new IllegalArgumentException("Generation must not be negative: " + generation);
    }
    GenerationPrefix[] known = prefixes;
    for (GenerationPrefix p : known) {
      if (p.generation() == generation) {
        return p.prefix();
      }
    }
    String prefix = base + generation + ':';
    GenerationPrefix[] next = new GenerationPrefix[Math.min(known.length + 1, MAX_PREFIXES)];
    next[0] = new GenerationPrefix(generation, prefix);
    System.arraycopy(known, 0, next, 1, next.length - 1);
    prefixes = next; // a lost race only drops a prefix that is built again next time
    return prefix;
  }

  /**
   * Encodes a cache key into the last segment of its item key.
   *
   * @param key the JSR-107 key
   * @return the literal String key, or its hash plus serialized bytes
   * @throws NullPointerException if {@code key} is null (JSR-107 forbids null keys)
   * @throws SerializationException if a non-literal key cannot be serialized
   */
  public EncodedKey encode(Object key) {
    Objects.requireNonNull(key, "key");
    if (key instanceof String s && isLiteral(s)) {
      return new EncodedKey(s, null);
    }
    byte[] bytes = serializer.serialize(key);
    return new EncodedKey(hash(bytes), bytes);
  }

  /**
   * @param generation the cache's current generation (non-negative)
   * @param key an encoded key
   * @return the memcached item key, at most {@value #MAX_KEY_BYTES} bytes of 0x21..0x7E
   * @throws IllegalArgumentException if {@code generation} is negative
   */
  public String itemKey(long generation, EncodedKey key) {
    return keyPrefix(generation).concat(key.part());
  }

  /**
   * The key of an entry's load lease item ({@code LoadLease}): {@code
   * <prefix>:<cache>:lease:<generation>:<part>}. It lies outside every generation's entry prefix,
   * so enumeration never lists it; a part too long for 250 bytes is hashed.
   *
   * @param generation the cache's current generation (non-negative)
   * @param key an encoded key
   * @return the lease item's key, at most {@value #MAX_KEY_BYTES} bytes of 0x21..0x7E
   */
  public String leaseKey(long generation, EncodedKey key) {
    String head = base + "lease:" + generation + ':';
    String part = key.part();
    return head.length() + part.length() <= MAX_KEY_BYTES
        ? head + part
        : head + hash(part.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * For enumeration: strips this cache's generation prefix from an item key read from the servers.
   *
   * @param itemKey a memcached item key
   * @param generation the generation to match
   * @return the part after {@link #keyPrefix(long)}, or null when {@code itemKey} does not belong
   *     to this cache and generation
   */
  public String partOf(String itemKey, long generation) {
    String prefix = keyPrefix(generation);
    return itemKey.startsWith(prefix) ? itemKey.substring(prefix.length()) : null;
  }

  /**
   * The key whose hash picks the server of {@code key}: its item key in generation 0 (the server
   * does not depend on the generation, see {@code EntryKeyHash}).
   *
   * @param key an encoded key
   * @return {@code "<prefix>:<cacheSegment>:0:<part>"}
   */
  public String routingKey(EncodedKey key) {
    return routingBase.concat(key.part());
  }

  /**
   * For enumeration with per-server generations: strips {@code <prefix>:<cache>:<generation>:}
   * whatever the generation.
   *
   * @param itemKey a memcached item key
   * @return the part after the generation, or null when {@code itemKey} is not an entry of this
   *     cache
   */
  public String partOf(String itemKey) {
    if (!itemKey.startsWith(base)) {
      return null;
    }
    int end = itemKey.indexOf(':', base.length());
    if (end <= base.length() || end - base.length() > MAX_GENERATION_DIGITS) {
      return null;
    }
    for (int i = base.length(); i < end; i++) {
      char c = itemKey.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return itemKey.substring(end + 1);
  }

  /**
   * @return {@code "<prefix>:<cacheSegment>:"}, the common prefix of all of this cache's items
   */
  public String cachePrefix() {
    return base;
  }

  /**
   * @param part a key part from {@link #partOf}
   * @return true when it is a hash, so the key must be recovered from the envelope's serialized key
   */
  public boolean isHashedPart(String part) {
    return part.startsWith("#");
  }

  /**
   * @param part a literal (non-hashed) key part
   * @return the String key it encodes, which is the part itself
   * @throws IllegalArgumentException if {@code part} is a hash
   */
  public Object decodePlainPart(String part) {
    if (isHashedPart(part)) {
      throw new IllegalArgumentException(
          "Hashed key part cannot be decoded; read the envelope's key");
    }
    return part;
  }

  private boolean isLiteral(String s) {
    return s.length() <= maxLiteralChars && (s.isEmpty() || s.charAt(0) != '#') && isPrintable(s);
  }

  private static boolean isPrintable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  private static String hash(byte[] bytes) {
    try {
      // MessageDigest instances are cheap and not thread-safe.
      return '#' + BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
