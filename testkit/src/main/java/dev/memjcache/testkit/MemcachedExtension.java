package dev.memjcache.testkit;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts real memcached processes before a test class and stops them after
 * it. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MemcachedExtension MEMCACHED = MemcachedExtension.nodes(2);
 * }</pre>
 *
 * <p>A missing memcached binary fails the class with installation instructions (see {@link
 * MemcachedProcess#findBinary()}).
 */
public final class MemcachedExtension implements BeforeAllCallback, AfterAllCallback {

  private final int nodes;
  private final String[] args;
  private volatile List<MemcachedProcess> servers = List.of();

  private MemcachedExtension(int nodes, String[] args) {
    this.nodes = nodes;
    this.args = args;
  }

  /** One memcached server with default settings plus {@code args}. */
  public static MemcachedExtension single(String... args) {
    return new MemcachedExtension(1, args);
  }

  /** {@code count} memcached servers, each started with {@code args}. */
  public static MemcachedExtension nodes(int count, String... args) {
    return new MemcachedExtension(count, args);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    servers = MemcachedProcess.startAll(nodes, args);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    servers.forEach(MemcachedProcess::close);
    servers = List.of();
  }

  /** Returns the running servers (empty outside the test class's lifetime). */
  public List<MemcachedProcess> servers() {
    return servers;
  }

  /** Returns the first server. */
  public MemcachedProcess server() {
    return servers.get(0);
  }

  /** Returns the URI naming every server, {@code memcached://127.0.0.1:p1,127.0.0.1:p2}. */
  public String uri() {
    return MemcachedProcess.uriOf(servers);
  }
}
