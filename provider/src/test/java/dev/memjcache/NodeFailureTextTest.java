package dev.memjcache;

import dev.memjcache.config.MemcachedProtocol;

/**
 * {@link NodeFailureTest}'s node kill and hang in the text protocol, against servers that speak
 * only text ({@code memcached -B ascii}).
 */
class NodeFailureTextTest extends NodeFailureTest {
  @Override
  MemcachedProtocol protocol() {
    return MemcachedProtocol.TEXT;
  }
}
