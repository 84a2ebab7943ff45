package dev.memjcache;

import dev.memjcache.config.MemcachedProtocol;

/** {@link LoadLeaseTest}'s tests in the text protocol (the load lease, over two JVMs). */
class LoadLeaseTextTest extends LoadLeaseTest {
  @Override
  protected MemcachedProtocol protocol() {
    return MemcachedProtocol.TEXT;
  }
}
