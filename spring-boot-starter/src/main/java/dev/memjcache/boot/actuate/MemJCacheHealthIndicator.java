package dev.memjcache.boot.actuate;

import dev.memjcache.MemcachedCacheManager;
import dev.memjcache.ServerStatus;
import dev.memjcache.config.SettingsParser;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The health of one MemJCache CacheManager from its node health ({@link
 * MemcachedCacheManager#servers()}): read from memory, so a call never waits on a server, hung or
 * not.
 *
 * <p>The status is {@link Status#UP} while at least one server serves and {@link Status#DOWN} when
 * none does (or the manager is closed): with one server of three down, the keys of the other two
 * are still served, and a consistent-hashing client is meant to ride that out, so it is a detail of
 * an UP status, not a reason for a load balancer to take the application out. The details:
 *
 * <ul>
 *   <li>{@code uri}: the manager's URI, with any password redacted;
 *   <li>{@code serving}: {@code "<n> of <m>"} servers;
 *   <li>{@code servers}: by {@code host:port}, each with {@code status} {@code UP} (serving),
 *       {@code DOWN} (marked down after {@code serverFailureLimit} failures; with {@code
 *       markedDownSince}, an ISO-8601 instant) or {@code RECONNECTING} (its connection is lost and
 *       being made again), its {@code lastFailure} when there was one (kept after it came back),
 *       and its {@code timeouts}, {@code failures} and {@code markedDownCount} since the manager
 *       opened.
 * </ul>
 */
public final class MemJCacheHealthIndicator implements HealthIndicator {

  /** A server's status while spymemcached connects to it again. */
  public static final Status RECONNECTING = new Status("RECONNECTING");

  private final MemcachedCacheManager manager;

  /**
   * @param manager the manager to report on
   */
  public MemJCacheHealthIndicator(MemcachedCacheManager manager) {
    this.manager = manager;
  }

  /**
   * The manager's health now; never throws, never blocks on the network.
   *
   * @return UP while a server serves, else DOWN, with the details of the class comment
   */
  @Override
  public Health health() {
    String uri = SettingsParser.redacted(manager.getURI());
    if (manager.isClosed()) {
      return Health.down().withDetail("uri", uri).withDetail("error", "closed").build();
    }
    List<ServerStatus> servers = manager.servers();
    Map<String, Object> byAddress = new LinkedHashMap<>();
    int serving = 0;
    for (ServerStatus server : servers) {
      serving += server.getState() == ServerStatus.State.SERVING ? 1 : 0;
      byAddress.put(server.getAddress(), details(server));
    }
    return Health.status(serving > 0 ? Status.UP : Status.DOWN)
        .withDetail("uri", uri)
        .withDetail("serving", serving + " of " + servers.size())
        .withDetail("servers", byAddress)
        .build();
  }

  private static Map<String, Object> details(ServerStatus server) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("status", status(server.getState()).getCode());
    if (server.getState() == ServerStatus.State.MARKED_DOWN) {
      details.put(
          "markedDownSince", Instant.ofEpochMilli(server.getMarkedDownSinceMillis()).toString());
    }
    if (!server.getLastFailure().isEmpty()) {
      details.put("lastFailure", server.getLastFailure());
    }
    details.put("timeouts", server.getTimeouts());
    details.put("failures", server.getFailures());
    details.put("markedDownCount", server.getMarkedDownCount());
    return details;
  }

  /**
   * The status of one server's entry.
   *
   * @param state the server's state
   * @return {@code UP}, {@code DOWN} or {@link #RECONNECTING}
   */
  static Status status(ServerStatus.State state) {
    return switch (state) {
      case SERVING -> Status.UP;
      case MARKED_DOWN -> Status.DOWN;
      case CONNECTING -> RECONNECTING;
    };
  }
}
