package dev.memjcache.management;

import dev.memjcache.ServerStatus;
import java.util.List;

/**
 * The platform MXBean of one {@code MemcachedCacheManager}: its memcached servers with their state
 * from node health and the node metrics, for JConsole and any JMX agent (docs/production.md "How to
 * see it"). Registered when the manager opens and unregistered when it closes, under {@link
 * MBeanRegistrar#cacheManagerObjectName}, for example {@code
 * dev.memjcache:type=CacheManager,uri="memcached://10.0.0.1:11211,10.0.0.2:11211?keyPrefix=a"}.
 *
 * <p>Every attribute is answered from memory, without a network call, so reading it never waits on
 * a hung server. No attribute holds a password. Counters count since the manager opened.
 */
public interface MemcachedCacheManagerMXBean {

  /** Returns the manager's URI ({@code CacheManager.getURI()}), which never holds a password. */
  String getUri();

  /**
   * Returns each server with its state, last failure, marked-down-since time (epoch ms) and
   * counters; in JMX a {@code CompositeData[]} with the items of {@link ServerStatus}'s getters.
   */
  List<ServerStatus> getServers();

  /** Returns the addresses ({@code host:port}) of the servers marked down now. */
  List<String> getServersMarkedDown();

  /** Returns how many servers are marked down now. */
  int getServersMarkedDownCount();

  /** Returns how many servers have their keys served now ({@code SERVING}). */
  int getServersServing();

  /** Returns how many times a server was marked down. */
  long getMarkedDownCount();

  /** Returns the commands that timed out, over all servers. */
  long getTimeouts();

  /** Returns the commands that failed without an answer otherwise, over all servers. */
  long getFailures();

  /** Returns the reads answered as misses under {@code failureMode=degrade}. */
  long getDegradedReads();

  /** Returns the writes dropped under {@code failureMode=degrade}. */
  long getDroppedWrites();

  /** Returns the reads of items naming a class that {@code allowPackages} refuses. */
  long getRefusedClasses();

  /** Returns the calls that waited for another thread's load or entry processor on their key. */
  long getSingleFlightWaits();

  /** Returns the calls that waited for another JVM's load lease. */
  long getLoadLeaseWaits();

  /** Returns the asynchronous operations in flight now. */
  int getAsyncOperationsInFlight();
}
