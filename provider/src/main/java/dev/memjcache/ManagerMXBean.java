package dev.memjcache;

import dev.memjcache.management.MemcachedCacheManagerMXBean;
import java.util.List;

/** The {@link MemcachedCacheManagerMXBean} of one manager: reads its server view and counters. */
final class ManagerMXBean implements MemcachedCacheManagerMXBean {

  private final MemcachedCacheManager manager;

  ManagerMXBean(MemcachedCacheManager manager) {
    this.manager = manager;
  }

  @Override
  public String getUri() {
    return manager.getURI().toString();
  }

  @Override
  public List<ServerStatus> getServers() {
    return manager.servers();
  }

  @Override
  public List<String> getServersMarkedDown() {
    return manager.serversMarkedDown();
  }

  @Override
  public int getServersMarkedDownCount() {
    return manager.nodeMetrics().getServersMarkedDown();
  }

  @Override
  public int getServersServing() {
    int serving = 0;
    for (ServerStatus server : manager.servers()) {
      serving += server.getState() == ServerStatus.State.SERVING ? 1 : 0;
    }
    return serving;
  }

  @Override
  public long getMarkedDownCount() {
    return manager.nodeMetrics().getMarkedDownCount();
  }

  @Override
  public long getTimeouts() {
    return manager.nodeMetrics().getTimeouts();
  }

  @Override
  public long getFailures() {
    return manager.nodeMetrics().getFailures();
  }

  @Override
  public long getDegradedReads() {
    return manager.nodeMetrics().getDegradedReads();
  }

  @Override
  public long getDroppedWrites() {
    return manager.nodeMetrics().getDroppedWrites();
  }

  @Override
  public long getRefusedClasses() {
    return manager.nodeMetrics().getRefusedClasses();
  }

  @Override
  public long getSingleFlightWaits() {
    return manager.nodeMetrics().getSingleFlightWaits();
  }

  @Override
  public long getLoadLeaseWaits() {
    return manager.nodeMetrics().getLoadLeaseWaits();
  }

  @Override
  public int getAsyncOperationsInFlight() {
    return manager.nodeMetrics().getAsyncOperationsInFlight();
  }
}
