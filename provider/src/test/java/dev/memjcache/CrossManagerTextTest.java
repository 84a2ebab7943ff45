package dev.memjcache;

import dev.memjcache.config.MemcachedProtocol;

/**
 * {@link CrossManagerTest}'s tests in the text protocol (the invoke and replace counts of two
 * managers, as of two JVMs).
 */
class CrossManagerTextTest extends CrossManagerTest {
  @Override
  protected MemcachedProtocol protocol() {
    return MemcachedProtocol.TEXT;
  }
}
