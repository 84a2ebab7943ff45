package dev.memjcache.boot.actuate;

import dev.memjcache.MemcachedCacheManager;
import dev.memjcache.NodeMetrics;
import dev.memjcache.ServerStatus;
import dev.memjcache.config.SettingsParser;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Collection;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * MemJCache's node metrics ({@link MemcachedCacheManager#nodeMetrics()} and {@link
 * MemcachedCacheManager#servers()}) as Micrometer meters, each tagged {@code uri} (the manager's
 * URI, any password redacted); the per-server ones also {@code server} ({@code host:port}). Read
 * from memory when a registry polls them: no network call.
 *
 * <ul>
 *   <li>gauges {@code memjcache.servers}, {@code memjcache.servers.marked.down}, {@code
 *       memjcache.async.in.flight} (asynchronous operations in flight), and per server {@code
 *       memjcache.server.serving} (1 when it serves, else 0);
 *   <li>counters per server: {@code memjcache.server.timeouts}, {@code memjcache.server.failures}
 *       (failed without an answer otherwise: connection lost, cancelled, I/O error), {@code
 *       memjcache.server.marked.down} (times it was marked down);
 *   <li>counters {@code memjcache.reads.degraded}, {@code memjcache.writes.dropped} ({@code
 *       failureMode=degrade}), {@code memjcache.classes.refused} (items naming a class {@code
 *       allowPackages} refuses), {@code memjcache.single.flight.waits} (calls that waited for
 *       another thread's load of the same key), {@code memjcache.load.lease.waits} (calls that
 *       waited for another JVM's load lease).
 * </ul>
 */
public final class MemJCacheNodeMetrics implements MeterBinder {

  private final Collection<MemcachedCacheManager> managers;

  /**
   * @param managers the managers to report on
   */
  public MemJCacheNodeMetrics(Collection<MemcachedCacheManager> managers) {
    this.managers = List.copyOf(managers);
  }

  /** Registers the meters of every manager. */
  @Override
  public void bindTo(MeterRegistry registry) {
    for (MemcachedCacheManager manager : managers) {
      Tags tags = Tags.of("uri", SettingsParser.redacted(manager.getURI()));
      gauge(
          registry,
          "memjcache.servers",
          "memcached servers",
          tags,
          manager,
          NodeMetrics::getServers);
      gauge(
          registry,
          "memjcache.servers.marked.down",
          "servers marked down now",
          tags,
          manager,
          NodeMetrics::getServersMarkedDown);
      gauge(
          registry,
          "memjcache.async.in.flight",
          "asynchronous operations in flight",
          tags,
          manager,
          NodeMetrics::getAsyncOperationsInFlight);
      counter(
          registry,
          "memjcache.reads.degraded",
          "reads answered as misses because memcached failed",
          tags,
          manager,
          NodeMetrics::getDegradedReads);
      counter(
          registry,
          "memjcache.writes.dropped",
          "writes dropped because memcached failed",
          tags,
          manager,
          NodeMetrics::getDroppedWrites);
      counter(
          registry,
          "memjcache.classes.refused",
          "items read that name a class allowPackages refuses",
          tags,
          manager,
          NodeMetrics::getRefusedClasses);
      counter(
          registry,
          "memjcache.single.flight.waits",
          "calls that waited for another thread's load of the same key",
          tags,
          manager,
          NodeMetrics::getSingleFlightWaits);
      counter(
          registry,
          "memjcache.load.lease.waits",
          "calls that waited for another JVM's load lease",
          tags,
          manager,
          NodeMetrics::getLoadLeaseWaits);
      for (ServerStatus server : manager.servers()) {
        bindServer(registry, manager, server.getAddress(), tags.and("server", server.getAddress()));
      }
    }
  }

  private static void bindServer(
      MeterRegistry registry, MemcachedCacheManager manager, String address, Tags tags) {
    Gauge.builder(
            "memjcache.server.serving",
            manager,
            m -> server(m, address, s -> s.getState() == ServerStatus.State.SERVING ? 1 : 0))
        .description("1 while the server serves, else 0")
        .tags(tags)
        .register(registry);
    serverCounter(
        registry,
        "memjcache.server.timeouts",
        "commands that timed out",
        tags,
        manager,
        address,
        ServerStatus::getTimeouts);
    serverCounter(
        registry,
        "memjcache.server.failures",
        "commands that failed without an answer, other than timeouts",
        tags,
        manager,
        address,
        ServerStatus::getFailures);
    serverCounter(
        registry,
        "memjcache.server.marked.down",
        "times the server was marked down",
        tags,
        manager,
        address,
        ServerStatus::getMarkedDownCount);
  }

  private static void gauge(
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      MemcachedCacheManager manager,
      ToDoubleFunction<NodeMetrics> value) {
    Gauge.builder(
            name, manager, m -> m.isClosed() ? Double.NaN : value.applyAsDouble(m.nodeMetrics()))
        .description(description)
        .tags(tags)
        .register(registry);
  }

  private static void counter(
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      MemcachedCacheManager manager,
      ToLongFunction<NodeMetrics> value) {
    FunctionCounter.builder(
            name, manager, m -> m.isClosed() ? Double.NaN : value.applyAsLong(m.nodeMetrics()))
        .description(description)
        .tags(tags)
        .register(registry);
  }

  private static void serverCounter(
      MeterRegistry registry,
      String name,
      String description,
      Tags tags,
      MemcachedCacheManager manager,
      String address,
      ToLongFunction<ServerStatus> value) {
    FunctionCounter.builder(name, manager, m -> server(m, address, value::applyAsLong))
        .description(description)
        .tags(tags)
        .register(registry);
  }

  /** One server's value now; NaN once the manager is closed. */
  private static double server(
      MemcachedCacheManager manager, String address, ToDoubleFunction<ServerStatus> value) {
    if (manager.isClosed()) {
      return Double.NaN;
    }
    for (ServerStatus server : manager.servers()) {
      if (server.getAddress().equals(address)) {
        return value.applyAsDouble(server);
      }
    }
    return Double.NaN;
  }
}
