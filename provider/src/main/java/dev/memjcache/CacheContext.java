package dev.memjcache;

import dev.memjcache.event.EventDispatcher;
import dev.memjcache.expiry.ExpiryDecider;
import dev.memjcache.integration.LoadLease;
import dev.memjcache.integration.LoaderSupport;
import dev.memjcache.integration.WriterSupport;
import dev.memjcache.management.CacheStatistics;
import dev.memjcache.management.StatisticsRecorder;
import dev.memjcache.store.AsyncCommands;
import java.util.Map;
import javax.cache.event.EventType;

/**
 * The collaborators one cache's operations share: memcached entries, expiry, events, loader,
 * writer, the load lease across JVMs, what a miss answers and statistics. Statistics switch between
 * the live recorder and the null object at run time ({@code CacheManager.enableStatistics}); the
 * counts survive a switch off and on.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class CacheContext<K, V> {

  final Entries<K, V> entries;

  /**
   * {@link #entries} without waiting per command, for synchronous calls that send many commands
   * before awaiting their answers (pipelined bulk operations).
   */
  final AsyncEntries<K, V> pipelined;

  final ExpiryDecider expiry;
  final EventDispatcher<K, V> events;
  final LoaderSupport<K, V> loader;
  final WriterSupport<K, V> writer;
  final LoadLease lease;
  final FailureHandler failures;

  /**
   * What a {@code get} miss answers: {@link TimestampMisses#NONE} unless Hibernate's timestamps.
   */
  final TimestampMisses timestampMisses;

  final CacheStatistics statistics = new CacheStatistics();
  private volatile StatisticsRecorder stats = StatisticsRecorder.DISABLED;

  CacheContext(
      Entries<K, V> entries,
      ExpiryDecider expiry,
      EventDispatcher<K, V> events,
      LoaderSupport<K, V> loader,
      WriterSupport<K, V> writer,
      LoadLease lease,
      FailureHandler failures,
      TimestampMisses timestampMisses) {
    this.entries = entries;
    this.timestampMisses = timestampMisses;
    this.pipelined =
        new AsyncEntries<>(
            entries, new AsyncCommands(entries.store(), entries::markDirty), Runnable::run, true);
    this.expiry = expiry;
    this.events = events;
    this.loader = loader;
    this.writer = writer;
    this.lease = lease;
    this.failures = failures;
  }

  /**
   * Write-through of one entry ({@code CacheWriter.write}), after checking that memcached will take
   * it (allowlist, item size): a value refused with {@code ClassNotAllowedException} or {@code
   * ItemTooLargeException} never reaches the writer.
   */
  void writeThrough(K key, V value) {
    if (writer.writer() != null) {
      entries.checkStorable(key, value);
      writer.write(key, value);
    }
  }

  /**
   * Write-through of many entries ({@code CacheWriter.writeAll}), after checking every one as
   * {@link #writeThrough} does: one refused value fails the call before the writer runs.
   */
  WriterSupport.BatchResult<K> writeAllThrough(Map<? extends K, ? extends V> map) {
    if (writer.writer() != null) {
      map.forEach(entries::checkStorable);
    }
    return writer.writeAll(map);
  }

  /** The recorder in force: the live statistics or the disabled null object. */
  StatisticsRecorder stats() {
    return stats;
  }

  void enableStatistics(boolean enabled) {
    stats = enabled ? statistics : StatisticsRecorder.DISABLED;
  }

  /**
   * Whether a put may be a blind memcached {@code set}: nobody needs to know whether the entry
   * existed (no created/updated/expired listener) and the expiry does not depend on it.
   */
  boolean isBlindPutAllowed() {
    return expiry.isExistenceIndependent()
        && !events.hasListenerFor(EventType.CREATED)
        && !events.hasListenerFor(EventType.UPDATED)
        && !events.hasListenerFor(EventType.EXPIRED);
  }
}
