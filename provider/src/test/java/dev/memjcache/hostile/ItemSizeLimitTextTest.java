package dev.memjcache.hostile;

import dev.memjcache.config.MemcachedProtocol;

/**
 * {@link ItemSizeLimitTest}'s tests in the text protocol (memcached's item size rule, read from
 * stats settings over text).
 */
class ItemSizeLimitTextTest extends ItemSizeLimitTest {
  @Override
  protected MemcachedProtocol protocol() {
    return MemcachedProtocol.TEXT;
  }
}
