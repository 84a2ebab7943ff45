package dev.memjcache.store;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import net.spy.memcached.HashAlgorithm;

/**
 * The standard Ketama hash (libketama's: the first 4 bytes of the MD5 of the string's UTF-8 bytes,
 * little-endian, unsigned) for spymemcached's consistent-hashing locator, with the generation
 * segment left out of entry keys: an entry key {@code <prefix>:<cache>:<generation>:<part>} hashes
 * as {@code <prefix>:<cache>:<part>}, so an entry lives on the same memcached server whatever its
 * generation. Per-node generations (docs/storage-format.md) depend on this: the server is chosen
 * first, then the entry takes that server's generation.
 *
 * <p>Every other string, in particular the locator's node points ({@code host:port-i}) and the
 * cache's own items ({@code <prefix>:<cache>:gen}), is hashed unchanged. The hash is computed here,
 * not taken from the client's {@code DefaultHashAlgorithm.KETAMA_HASH}: AWS's fork of spymemcached
 * changed that one, and the servers of existing entries must not move with the client jar. A string
 * is an entry key when it starts with {@code <prefix>:}, has a third {@code ':'} and its third
 * segment is 1..19 decimal digits. Stateless and thread-safe.
 */
public final class EntryKeyHash implements HashAlgorithm {

  private static final int MAX_GENERATION_DIGITS = 19;

  private final String prefix;

  /**
   * The last key this thread hashed and its hash: MemJCache looks a key's server up (node health)
   * right before spymemcached does the same on the same thread, with the same String.
   */
  private final ThreadLocal<LastHash> last = ThreadLocal.withInitial(LastHash::new);

  /**
   * The memo, and this thread's MD5 and buffers: hashing an entry key copies its ASCII characters
   * around the generation segment into {@code chars} and digests them there, with no String or
   * MessageDigest made per call.
   */
  private static final class LastHash {
    String key;
    long hash;

    /** The last cache prefix {@link #entryHash} found to have an entry key's layout. */
    String entryPrefix;

    /**
     * Recently hashed keys by identity, two-way: a bulk call routes its item keys, then
     * spymemcached routes the same String objects again when it queues the multi-get or the sets. A
     * key may sit in two slots (two slices of its identity hash); a new key takes the one written
     * longer ago, so the keys of one batch rarely evict each other (direct-mapped, about one key in
     * ten of a batch of 100 was evicted and hashed again).
     */
    final String[] recentKeys = new String[RECENT];

    final long[] recentHashes = new long[RECENT];

    /** When each slot was written, by {@link #clock}. */
    final int[] written = new int[RECENT];

    int clock;
    final byte[] chars = new byte[MAX_ASCII_KEY];
    final byte[] digest = new byte[16];
    final MessageDigest md5;

    /** The slot holding {@code key} (by identity), or -1. */
    int find(String key, int identity) {
      int a = identity & (RECENT - 1);
      if (recentKeys[a] == key) {
        return a;
      }
      int b = (identity >>> RECENT_BITS) & (RECENT - 1);
      return recentKeys[b] == key ? b : -1;
    }

    /** Remembers {@code key}'s hash in the older of its two slots; it becomes the last key. */
    void put(String key, int identity, long keyHash) {
      int a = identity & (RECENT - 1);
      int b = (identity >>> RECENT_BITS) & (RECENT - 1);
      int slot = written[b] - written[a] < 0 ? b : a;
      recentKeys[slot] = key;
      recentHashes[slot] = keyHash;
      written[slot] = ++clock;
      this.key = key;
      this.hash = keyHash;
    }

    LastHash() {
      try {
        md5 = MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("MD5 is required of every Java platform", e);
      }
    }
  }

  /**
   * Slots of the per-thread identity cache: a power of two, ten times a bulk batch of 100, so few
   * keys of a batch evict each other.
   */
  private static final int RECENT = 1024;

  private static final int RECENT_BITS = 10;

  /** memcached keys are at most 250 bytes; longer strings take the general path. */
  private static final int MAX_ASCII_KEY = 250;

  /**
   * @param keyPrefix the {@code keyPrefix} option (no {@code ':'})
   */
  public EntryKeyHash(String keyPrefix) {
    this.prefix = keyPrefix + ':';
  }

  /**
   * Returns the Ketama hash of {@code key} without its generation segment (see the class javadoc).
   *
   * @return a 32-bit unsigned hash in a long
   */
  @Override
  public long hash(String key) {
    LastHash memo = last.get();
    if (memo.key == key) {
      return memo.hash;
    }
    int identity = System.identityHashCode(key);
    int slot = memo.find(key, identity);
    if (slot >= 0) {
      memo.key = key;
      memo.hash = memo.recentHashes[slot];
      return memo.hash;
    }
    long hash;
    if (memo.key != null && sameWithoutGeneration(memo.key, key)) {
      // a call hashes its routing key (generation 0), then its item key: one MD5 for both
      hash = memo.hash;
    } else {
      hash = asciiKetama(key, memo);
      if (hash < 0) {
        hash = utf8Ketama(withoutGeneration(key), memo);
      }
    }
    memo.put(key, identity, hash);
    return hash;
  }

  /**
   * The hash of every entry key {@code <cachePrefix><generation>:<part>}, computed from its parts
   * without building a key: what {@link #hash} returns for such a key whatever its generation.
   *
   * @param cachePrefix {@code <prefix>:<cache>:} ({@code KeyCodec#cachePrefix})
   * @param part the key's last segment
   * @return a 32-bit unsigned hash in a long
   */
  long entryHash(String cachePrefix, String part) {
    int length = cachePrefix.length() + part.length();
    LastHash memo = last.get();
    if (cachePrefix != memo.entryPrefix) {
      int cacheEnd = cachePrefix.length() - 1;
      if (!cachePrefix.startsWith(prefix)
          || cacheEnd <= prefix.length()
          || cachePrefix.charAt(cacheEnd) != ':'
          || cachePrefix.indexOf(':', prefix.length()) != cacheEnd) {
        return hash(cachePrefix + "0:" + part); // not an entry key's layout: the general path
      }
      memo.entryPrefix = cachePrefix; // a cache's calls pass the same String: checked once
    }
    int n = length > MAX_ASCII_KEY ? -1 : ascii(cachePrefix, 0, cachePrefix.length(), memo, 0);
    n = n < 0 ? -1 : ascii(part, 0, part.length(), memo, n);
    // a non-ASCII or too long key: the general path, which encodes UTF-8
    return n < 0 ? hash(cachePrefix + "0:" + part) : md5Ketama(memo, n);
  }

  /**
   * Records that {@code itemKey} hashes to {@code hash} ({@link #entryHash} of its parts): the
   * lookups of the same String that follow on this thread (a multi-get's grouping by server,
   * spymemcached's own routing of the command) find it by identity.
   */
  void remember(String itemKey, long hash) {
    last.get().put(itemKey, System.identityHashCode(itemKey), hash);
  }

  /**
   * Records {@code itemKey}'s hash as this thread's last one only, for a single-key call whose
   * lookups of that String follow at once: no identity hash, no slot of the recent keys.
   */
  void rememberLast(String itemKey, long hash) {
    LastHash memo = last.get();
    memo.key = itemKey;
    memo.hash = hash;
  }

  /**
   * Whether {@code a} and {@code b} are entry keys that differ in their generation segment only.
   */
  private boolean sameWithoutGeneration(String a, String b) {
    if (a.isEmpty() || b.isEmpty() || a.charAt(a.length() - 1) != b.charAt(b.length() - 1)) {
      return false; // the cheap test first: a bulk call's keys mostly differ in their last char
    }
    int aEnd = generationEnd(a);
    int bEnd = generationEnd(b);
    if (aEnd < 0 || bEnd < 0) {
      return false;
    }
    int aStart = a.lastIndexOf(':', aEnd - 1);
    int bStart = b.lastIndexOf(':', bEnd - 1);
    return aStart == bStart
        && a.length() - aEnd == b.length() - bEnd
        && a.regionMatches(0, b, 0, aStart)
        && a.regionMatches(aEnd, b, bEnd, a.length() - aEnd);
  }

  /**
   * The Ketama hash of {@link #withoutGeneration}{@code (key)}, computed without building that
   * string: the first 4 bytes of the MD5 of its bytes, little-endian.
   *
   * @return the hash, or -1 when {@code key} is not ASCII or longer than 250 characters (the caller
   *     then takes the general path, which encodes UTF-8)
   */
  private long asciiKetama(String key, LastHash memo) {
    int length = key.length();
    if (length > MAX_ASCII_KEY) {
      return -1;
    }
    int skipFrom = length; // the generation digits and their ':' are [skipFrom, skipTo)
    int skipTo = length;
    int generationEnd = generationEnd(key);
    if (generationEnd >= 0) {
      skipFrom = key.lastIndexOf(':', generationEnd - 1) + 1;
      skipTo = generationEnd + 1;
    }
    int n = ascii(key, 0, skipFrom, memo, 0);
    n = n < 0 ? -1 : ascii(key, skipTo, length, memo, n);
    return n < 0 ? -1 : md5Ketama(memo, n);
  }

  /**
   * Copies the characters {@code [from, to)} of {@code s} into {@code memo.chars} at {@code at}.
   *
   * @return the index after the copy, or -1 when a character is not ASCII
   */
  private static int ascii(String s, int from, int to, LastHash memo, int at) {
    byte[] chars = memo.chars;
    int n = at;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        return -1;
      }
      chars[n++] = (byte) c;
    }
    return n;
  }

  /** The Ketama hash of the first {@code n} bytes of {@code memo.chars}. */
  private static long md5Ketama(LastHash memo, int n) {
    byte[] d = memo.digest;
    memo.md5.update(memo.chars, 0, n);
    try {
      memo.md5.digest(d, 0, d.length);
    } catch (DigestException e) {
      throw new IllegalStateException("MD5 digest of 16 bytes", e);
    }
    return littleEndian(d);
  }

  /** The Ketama hash of any string: the general path, which encodes UTF-8. */
  private static long utf8Ketama(String s, LastHash memo) {
    return littleEndian(memo.md5.digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static long littleEndian(byte[] d) {
    return ((long) (d[3] & 0xFF) << 24)
        | ((long) (d[2] & 0xFF) << 16)
        | ((long) (d[1] & 0xFF) << 8)
        | (d[0] & 0xFF);
  }

  /**
   * Returns {@code key} with the generation segment removed when it is an entry key, else {@code
   * key} itself.
   */
  String withoutGeneration(String key) {
    int generationEnd = generationEnd(key);
    if (generationEnd < 0) {
      return key;
    }
    int cacheEnd = key.lastIndexOf(':', generationEnd - 1);
    return key.substring(0, cacheEnd + 1).concat(key.substring(generationEnd + 1));
  }

  /**
   * @return the index of the {@code ':'} that ends the generation segment of an entry key, or -1
   *     when {@code key} is not an entry key
   */
  private int generationEnd(String key) {
    if (!key.startsWith(prefix)) {
      return -1;
    }
    int cacheEnd = key.indexOf(':', prefix.length());
    if (cacheEnd < 0) {
      return -1;
    }
    int generationEnd = key.indexOf(':', cacheEnd + 1);
    int digits = generationEnd - cacheEnd - 1;
    if (generationEnd < 0 || digits < 1 || digits > MAX_GENERATION_DIGITS) {
      return -1;
    }
    for (int i = cacheEnd + 1; i < generationEnd; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return generationEnd;
  }
}
