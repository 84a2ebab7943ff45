package dev.memjcache.hostile;

import dev.memjcache.config.MemcachedProtocol;

/** {@link BadArgumentsTest}'s tests in the text protocol (bad arguments). */
class BadArgumentsTextTest extends BadArgumentsTest {
  @Override
  protected MemcachedProtocol protocol() {
    return MemcachedProtocol.TEXT;
  }
}
