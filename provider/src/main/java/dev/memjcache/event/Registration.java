package dev.memjcache.event;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered listener: the listener and filter its configuration's factories created, and one
 * delivery chain per key so that events for a key reach the listener in publication order (JSR-107
 * section 8.3). Chains of different keys run independently, possibly in parallel.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Registration<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

  final CacheEntryListenerConfiguration<K, V> configuration;
  final CacheEntryListener<? super K, ? super V> listener;

  /** {@code null} when the configuration has no filter factory. */
  final CacheEntryEventFilter<? super K, ? super V> filter;

  final boolean synchronous;
  final boolean oldValueRequired;

  /** Bit {@code 1 << EventType.ordinal()} per sub-interface the listener implements. */
  final int eventTypes;

  /** Key -> last delivery queued for it; an entry is removed when its delivery ends as the tail. */
  private final ConcurrentHashMap<Object, Delivery<K, V>> tails = new ConcurrentHashMap<>();

  private volatile boolean active = true;

  Registration(
      CacheEntryListenerConfiguration<K, V> configuration,
      CacheEntryListener<? super K, ? super V> listener,
      CacheEntryEventFilter<? super K, ? super V> filter) {
    this.configuration = configuration;
    this.listener = listener;
    this.filter = filter;
    this.synchronous = configuration.isSynchronous();
    this.oldValueRequired = configuration.isOldValueRequired();
    this.eventTypes = typesOf(listener);
  }

  static int bit(EventType type) {
    return 1 << type.ordinal();
  }

  private static int typesOf(CacheEntryListener<?, ?> listener) {
    int types = 0;
    if (listener instanceof CacheEntryCreatedListener) {
      types |= bit(EventType.CREATED);
    }
    if (listener instanceof CacheEntryUpdatedListener) {
      types |= bit(EventType.UPDATED);
    }
    if (listener instanceof CacheEntryRemovedListener) {
      types |= bit(EventType.REMOVED);
    }
    if (listener instanceof CacheEntryExpiredListener) {
      types |= bit(EventType.EXPIRED);
    }
    return types;
  }

  boolean accepts(EventType type) {
    return (eventTypes & bit(type)) != 0;
  }

  /** Stops delivery: events still queued for this registration are dropped. */
  void deactivate() {
    active = false;
  }

  /** Number of keys with a live delivery chain (for tests: idle chains must not accumulate). */
  int chainCount() {
    return tails.size();
  }

  /**
   * Evaluates the filter on the publishing thread, then queues the event behind the key's previous
   * delivery. A synchronous delivery whose key is idle runs at once on the publishing thread;
   * everything else runs on {@code executor}.
   *
   * @return the delivery, possibly already completed (normally or with the listener's or filter's
   *     failure), or {@code null} when the filter rejected the event
   */
  Delivery<K, V> dispatch(MemJCacheEntryEvent<K, V> event, Executor executor) {
    if (filter != null) {
      boolean accepted;
      try {
        accepted = filter.evaluate(event);
      } catch (Throwable t) {
        Delivery<K, V> failed = new Delivery<>(this, event);
        failed.fail(t);
        return failed;
      }
      if (!accepted) {
        return null;
      }
    }
    Delivery<K, V> delivery = new Delivery<>(this, event);
    Delivery<K, V> previous = tails.put(event.getKey(), delivery);
    if (previous == null || previous.isDone()) {
      if (synchronous) {
        delivery.run();
      } else {
        submit(delivery, executor);
      }
    } else {
      previous.whenComplete((ignored, failure) -> submit(delivery, executor));
    }
    return delivery;
  }

  private static <K, V> void submit(Delivery<K, V> delivery, Executor executor) {
    try {
      executor.execute(delivery);
    } catch (RejectedExecutionException e) {
      delivery.fail(e);
    }
  }

  @SuppressWarnings("unchecked")
  private void deliver(MemJCacheEntryEvent<K, V> event) {
    List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(event);
    switch (event.getEventType()) {
      case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
      case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
      case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
      case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
      default -> throw new IllegalStateException("Unknown event type " + event.getEventType());
    }
  }

  /** A human-readable description of a failed delivery, used in logs and exception messages. */
  String describe(MemJCacheEntryEvent<K, V> event) {
    return (synchronous ? "Synchronous" : "Asynchronous")
        + " CacheEntryListener "
        + listener.getClass().getName()
        + " failed on "
        + event.getEventType()
        + " event for key "
        + event.getKey()
        + " of cache '"
        + event.getSource().getName()
        + "'";
  }

  /**
   * One event on its way to this registration's listener. Completes (normally or exceptionally)
   * when the listener returned or threw; the key's next delivery starts only then.
   */
  static final class Delivery<K, V> extends CompletableFuture<Void> implements Runnable {
    final Registration<K, V> registration;
    final MemJCacheEntryEvent<K, V> event;

    Delivery(Registration<K, V> registration, MemJCacheEntryEvent<K, V> event) {
      this.registration = registration;
      this.event = event;
    }

    @Override
    public void run() {
      Throwable failure = null;
      try {
        if (registration.active) {
          registration.deliver(event);
        }
      } catch (Throwable t) {
        failure = t;
      }
      if (failure == null) {
        complete(null);
        registration.tails.remove(event.getKey(), this);
      } else {
        fail(failure);
      }
    }

    /** Completes with {@code failure}; asynchronous failures have no caller, so they are logged. */
    void fail(Throwable failure) {
      if (!registration.synchronous) {
        LOG.warn("{}", registration.describe(event), failure);
      }
      completeExceptionally(failure);
      registration.tails.remove(event.getKey(), this);
    }
  }
}
