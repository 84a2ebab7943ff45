package dev.memjcache.proxy;

import dev.memjcache.testkit.MemcachedProcess;
import dev.memjcache.testkit.NutcrackerProcess;
import java.util.List;

/**
 * Two private memcached servers behind a real twemproxy ({@code nutcracker}, {@code distribution:
 * ketama}, {@code auto_eject_hosts: true}, 500 ms timeout, ejected after 2 failures for 30 s), for
 * the tests of this package; {@link #close} stops all three.
 */
final class ProxiedServers implements AutoCloseable {

  private final List<MemcachedProcess> backends;
  private final NutcrackerProcess proxy;

  private ProxiedServers(List<MemcachedProcess> backends, NutcrackerProcess proxy) {
    this.backends = backends;
    this.proxy = proxy;
  }

  /**
   * Starts the servers, each with {@code memcachedArgs}, and the proxy in front of them.
   *
   * @throws IllegalStateException when a binary is missing (the message says how to install it)
   */
  static ProxiedServers start(String... memcachedArgs) {
    List<MemcachedProcess> backends = MemcachedProcess.startAll(2, memcachedArgs);
    try {
      return new ProxiedServers(backends, NutcrackerProcess.start(backends, 500, 30_000, 2));
    } catch (RuntimeException e) {
      backends.forEach(MemcachedProcess::close);
      throw e;
    }
  }

  /** Returns the proxy's {@code 127.0.0.1:<port>}. */
  String address() {
    return proxy.address();
  }

  @Override
  public void close() {
    proxy.close();
    backends.forEach(MemcachedProcess::close);
  }
}
