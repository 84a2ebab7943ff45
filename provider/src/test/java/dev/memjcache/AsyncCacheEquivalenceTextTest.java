package dev.memjcache;

import dev.memjcache.config.MemcachedProtocol;

/**
 * {@link AsyncCacheEquivalenceTest}'s tests in the text protocol (every AsyncCache operation
 * against its Cache twin).
 */
class AsyncCacheEquivalenceTextTest extends AsyncCacheEquivalenceTest {
  @Override
  protected MemcachedProtocol protocol() {
    return MemcachedProtocol.TEXT;
  }
}
