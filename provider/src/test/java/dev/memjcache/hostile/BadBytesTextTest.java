package dev.memjcache.hostile;

import dev.memjcache.config.MemcachedProtocol;

/** {@link BadBytesTest}'s tests in the text protocol (planted bytes). */
class BadBytesTextTest extends BadBytesTest {
  @Override
  protected MemcachedProtocol protocol() {
    return MemcachedProtocol.TEXT;
  }
}
