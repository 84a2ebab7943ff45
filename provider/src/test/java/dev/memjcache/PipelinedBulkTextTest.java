package dev.memjcache;

import dev.memjcache.config.MemcachedProtocol;

/** {@link PipelinedBulkTest}'s tests in the text protocol (pipelined bulk calls). */
class PipelinedBulkTextTest extends PipelinedBulkTest {
  @Override
  protected MemcachedProtocol protocol() {
    return MemcachedProtocol.TEXT;
  }
}
