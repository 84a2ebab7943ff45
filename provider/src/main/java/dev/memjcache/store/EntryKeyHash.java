package dev.memjcache.store;

import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.HashAlgorithm;

/**
 * The Ketama hash of spymemcached's consistent-hashing locator, with the generation segment left
 * out of entry keys: an entry key {@code <prefix>:<cache>:<generation>:<part>} hashes as {@code
 * <prefix>:<cache>:<part>}, so an entry lives on the same memcached server whatever its generation.
 * Per-node generations (README "How entries are stored") depend on this: the server is chosen
 * first, then the entry takes that server's generation.
 *
 * <p>Every other string, in particular the locator's node points ({@code host:port-i}) and the
 * cache's own items ({@code <prefix>:<cache>:gen}), is hashed unchanged with {@link
 * DefaultHashAlgorithm#KETAMA_HASH} (the first 4 bytes of its MD5). A string is an entry key when
 * it starts with {@code <prefix>:}, has a third {@code ':'} and its third segment is 1..19 decimal
 * digits. Stateless and thread-safe.
 */
public final class EntryKeyHash implements HashAlgorithm {

  private static final int MAX_GENERATION_DIGITS = 19;

  private final String prefix;

  /**
   * The last key this thread hashed and its hash: MemJCache looks a key's server up (node health)
   * right before spymemcached does the same on the same thread, with the same String.
   */
  private final ThreadLocal<LastHash> last = ThreadLocal.withInitial(LastHash::new);

  /** A mutable pair, so that the memo boxes no Long per call. */
  private static final class LastHash {
    String key;
    long hash;
  }

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
    long hash = DefaultHashAlgorithm.KETAMA_HASH.hash(withoutGeneration(key));
    memo.key = key;
    memo.hash = hash;
    return hash;
  }

  /**
   * Returns {@code key} with the generation segment removed when it is an entry key, else {@code
   * key} itself.
   */
  String withoutGeneration(String key) {
    if (!key.startsWith(prefix)) {
      return key;
    }
    int cacheEnd = key.indexOf(':', prefix.length());
    if (cacheEnd < 0) {
      return key;
    }
    int generationEnd = key.indexOf(':', cacheEnd + 1);
    int digits = generationEnd - cacheEnd - 1;
    if (generationEnd < 0 || digits < 1 || digits > MAX_GENERATION_DIGITS) {
      return key;
    }
    for (int i = cacheEnd + 1; i < generationEnd; i++) {
      char c = key.charAt(i);
      if (c < '0' || c > '9') {
        return key;
      }
    }
    return key.substring(0, cacheEnd + 1).concat(key.substring(generationEnd + 1));
  }
}
