package dev.memjcache.event;

import dev.memjcache.event.Registration.Delivery;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that publishes entry events for one Cache (JSR-107 chapter 8). Events are
 * JVM-local: they report mutations made through this JVM and expiries this JVM observed.
 *
 * <h2>Protocol for the Cache</h2>
 *
 * A mutating Cache operation first checks {@link #hasListenerFor(EventType)} (and {@link
 * #isOldValueRequired(EventType)} to decide whether it must read the old value from memcached),
 * performs the memcached command, calls the {@code publish*} methods for every entry it changed,
 * and then calls {@link #awaitSynchronous()} before returning, or {@link #discardSynchronous()}
 * when the operation failed. {@code Cache.clear()} publishes nothing (JSR-107 section 8.4, TCK
 * {@code CacheListenerTest.testCacheClearListener}).
 *
 * <h2>Delivery</h2>
 *
 * <ul>
 *   <li>A listener receives only the event types whose sub-interfaces it implements ({@code
 *       CacheEntryCreatedListener}, {@code ...Updated}, {@code ...Removed}, {@code ...Expired});
 *       its filter, if any, is evaluated first, on the publishing thread, on the same event the
 *       listener would receive.
 *   <li>Events for one key reach one registration in publication order, synchronous and
 *       asynchronous alike; different keys and different registrations may be delivered in
 *       parallel, so a listener may be called concurrently for different keys. Each call carries
 *       one event.
 *   <li>A synchronous delivery whose key has nothing queued runs on the publishing thread; one
 *       queued behind an earlier delivery of the same key, and every asynchronous delivery, runs on
 *       the executor given to the constructor. The executor must not run tasks on the submitting
 *       thread (a caller-runs executor would nest one stack frame per queued event).
 *   <li>A synchronous listener's (or filter's) exception surfaces from {@link #awaitSynchronous()};
 *       an asynchronous one's is logged (SLF4J, WARN) and affects nobody.
 *   <li>Old values follow {@link MemJCacheEntryEvent}: a registration gets old values only when its
 *       configuration sets {@code oldValueRequired}; otherwise it never sees them, whether or not
 *       the Cache had them. This keeps what a listener sees independent of the operation and of the
 *       other registrations (JSR-107 1.1 allows either).
 * </ul>
 *
 * A listener must not mutate the key it is being notified about from a synchronous callback: that
 * mutation's own synchronous event would wait for the callback that waits for it.
 *
 * <p>Thread-safe. Registrations are a copy-on-write snapshot, so {@link #register} and {@link
 * #deregister} may run while events flow; {@link #hasListenerFor} reads one volatile field.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class EventDispatcher<K, V> implements EntryEventSink<K, V> {

  private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);

  private final Cache<K, V> source;
  private final Executor asyncExecutor;

  /** Synchronous deliveries this thread published and has not yet awaited or discarded. */
  private final ThreadLocal<ArrayList<Delivery<K, V>>> pending =
      ThreadLocal.withInitial(ArrayList::new);

  private final Object lock = new Object();
  private volatile Snapshot<K, V> snapshot = Snapshot.empty();
  private boolean closed; // guarded by lock

  /**
   * Creates a dispatcher for one cache.
   *
   * @param source the cache every event names as {@link
   *     javax.cache.event.CacheEntryEvent#getSource()}
   * @param asyncExecutor runs asynchronous deliveries and synchronous ones queued behind an earlier
   *     delivery of the same key; must not run tasks on the submitting thread
   * @throws NullPointerException if an argument is null
   */
  public EventDispatcher(Cache<K, V> source, Executor asyncExecutor) {
    this.source = Objects.requireNonNull(source, "source");
    this.asyncExecutor = Objects.requireNonNull(asyncExecutor, "asyncExecutor");
  }

  /**
   * Creates the listener (and the filter, if the configuration has a filter factory) from the
   * configuration's factories and registers it (JSR-107 {@code Cache.registerCacheEntryListener},
   * also used for the listeners of the cache's initial configuration). Events published from now on
   * reach it.
   *
   * @param configuration the listener configuration; compared with {@code equals}
   * @throws NullPointerException if {@code configuration} is null
   * @throws IllegalArgumentException if an equal configuration is already registered, or the
   *     configuration's listener factory is or creates {@code null}
   * @throws IllegalStateException if {@link #close()} was called
   * @throws RuntimeException whatever a factory's {@code create()} throws (nothing is registered)
   */
  public void register(CacheEntryListenerConfiguration<K, V> configuration) {
    Objects.requireNonNull(configuration, "configuration");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException(
            "Cannot register a CacheEntryListener: cache '" + source.getName() + "' is closed");
      }
      for (Registration<K, V> r : snapshot.registrations) {
        if (r.configuration.equals(configuration)) {
          throw new IllegalArgumentException(
              "CacheEntryListenerConfiguration "
                  + configuration
                  + " is already registered with cache '"
                  + source.getName()
                  + "'");
        }
      }
      snapshot = snapshot.with(create(configuration));
    }
  }

  private Registration<K, V> create(CacheEntryListenerConfiguration<K, V> configuration) {
    Factory<CacheEntryListener<? super K, ? super V>> listenerFactory =
        configuration.getCacheEntryListenerFactory();
    if (listenerFactory == null) {
      throw new IllegalArgumentException(
          "CacheEntryListenerConfiguration " + configuration + " has no listener factory");
    }
    CacheEntryListener<? super K, ? super V> listener = listenerFactory.create();
    if (listener == null) {
      throw new IllegalArgumentException(
          "The listener factory of " + configuration + " created null");
    }
    CacheEntryEventFilter<? super K, ? super V> filter = null;
    Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
        configuration.getCacheEntryEventFilterFactory();
    if (filterFactory != null) {
      try {
        filter = filterFactory.create();
      } catch (RuntimeException | Error e) {
        closeQuietly(listener, configuration);
        throw e;
      }
    }
    return new Registration<>(configuration, listener, filter);
  }

  /**
   * Removes the registration equal to {@code configuration} and closes its listener and filter if
   * they implement {@link AutoCloseable} (which includes {@link java.io.Closeable}); events still
   * queued for it are dropped (JSR-107 {@code Cache.deregisterCacheEntryListener}). Does nothing if
   * no equal configuration is registered.
   *
   * @param configuration the listener configuration; compared with {@code equals}
   * @throws NullPointerException if {@code configuration} is null
   */
  public void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
    Objects.requireNonNull(configuration, "configuration");
    Registration<K, V> removed = null;
    synchronized (lock) {
      for (Registration<K, V> r : snapshot.registrations) {
        if (r.configuration.equals(configuration)) {
          removed = r;
          snapshot = snapshot.without(r);
          break;
        }
      }
    }
    if (removed != null) {
      removed.deactivate();
      closeResources(removed);
    }
  }

  /**
   * @return the registered configurations in registration order, as an immutable list; empty after
   *     {@link #close()}
   */
  public List<CacheEntryListenerConfiguration<K, V>> configurations() {
    List<Registration<K, V>> registrations = snapshot.registrations;
    List<CacheEntryListenerConfiguration<K, V>> result = new ArrayList<>(registrations.size());
    for (Registration<K, V> r : registrations) {
      result.add(r.configuration);
    }
    return List.copyOf(result);
  }

  /**
   * Whether some registered listener implements the sub-interface for {@code type}. One volatile
   * read, no allocation: meant to be called on every Cache operation.
   *
   * @param type the event type
   * @return {@code true} if publishing an event of this type can reach a listener
   */
  public boolean hasListenerFor(EventType type) {
    return (snapshot.eventTypes & Registration.bit(type)) != 0;
  }

  /**
   * Whether some listener for {@code type} was registered with {@code oldValueRequired}, i.e. the
   * Cache must read the old value (for example {@code gets} before {@code set}) instead of taking
   * the plain-command fast path. One volatile read, no allocation.
   *
   * @param type the event type
   * @return {@code true} if an event of this type must carry the old value
   */
  public boolean isOldValueRequired(EventType type) {
    return (snapshot.oldValueTypes & Registration.bit(type)) != 0;
  }

  /**
   * Publishes a {@code CREATED} event (JSR-107 section 8.4: put, putAll, putIfAbsent, getAndPut,
   * invoke and load of an absent entry).
   *
   * @param key the key, never null
   * @param value the new value
   */
  @Override
  public void publishCreated(K key, V value) {
    publish(EventType.CREATED, key, value, null);
  }

  /**
   * Publishes an {@code UPDATED} event.
   *
   * @param key the key, never null
   * @param oldValue the replaced value, or {@code null} if the Cache did not read it (allowed only
   *     when {@link #isOldValueRequired(EventType) isOldValueRequired(UPDATED)} is false)
   * @param newValue the new value
   */
  @Override
  public void publishUpdated(K key, V oldValue, V newValue) {
    publish(EventType.UPDATED, key, newValue, oldValue);
  }

  /**
   * Publishes a {@code REMOVED} event.
   *
   * @param key the key, never null
   * @param oldValue the removed value, or {@code null} if the Cache did not read it (allowed only
   *     when {@link #isOldValueRequired(EventType) isOldValueRequired(REMOVED)} is false)
   */
  @Override
  public void publishRemoved(K key, V oldValue) {
    publish(EventType.REMOVED, key, oldValue, oldValue);
  }

  /**
   * Publishes an {@code EXPIRED} event, for an entry this JVM observed past its expiry.
   *
   * @param key the key, never null
   * @param oldValue the expired value, or {@code null} if unknown
   */
  @Override
  public void publishExpired(K key, V oldValue) {
    publish(EventType.EXPIRED, key, oldValue, oldValue);
  }

  private void publish(EventType type, K key, V value, V oldValue) {
    Snapshot<K, V> current = snapshot;
    if ((current.eventTypes & Registration.bit(type)) == 0) {
      return;
    }
    Objects.requireNonNull(key, "key");
    MemJCacheEntryEvent<K, V> withOld = null;
    MemJCacheEntryEvent<K, V> withoutOld = null;
    for (Registration<K, V> r : current.registrations) {
      if (!r.accepts(type)) {
        continue;
      }
      MemJCacheEntryEvent<K, V> event;
      if (r.oldValueRequired) {
        event =
            withOld != null
                ? withOld
                : (withOld = new MemJCacheEntryEvent<>(source, type, key, value, oldValue));
      } else {
        // CREATED/UPDATED keep the new value; REMOVED/EXPIRED carry only the old one, now hidden.
        event =
            withoutOld != null
                ? withoutOld
                : (withoutOld =
                    new MemJCacheEntryEvent<>(
                        source,
                        type,
                        key,
                        type == EventType.CREATED || type == EventType.UPDATED ? value : null,
                        null));
      }
      Delivery<K, V> delivery = r.dispatch(event, asyncExecutor);
      if (delivery != null
          && r.synchronous
          && (!delivery.isDone() || delivery.isCompletedExceptionally())) {
        pending.get().add(delivery);
      }
    }
  }

  /**
   * Waits until the synchronous listeners have processed every event this thread published since
   * its last {@code awaitSynchronous()} or {@link #discardSynchronous()} (JSR-107 section 8.2:
   * synchronous listeners complete before the mutating call returns). Asynchronous listeners are
   * not waited for.
   *
   * @throws CacheEntryListenerException wrapping the first exception a synchronous listener or
   *     filter threw (later ones are added as suppressed), after all deliveries ended; also when
   *     the thread is interrupted while waiting (the interrupt flag is restored)
   * @throws Error the first {@code Error} a synchronous listener threw, unwrapped (as the TCK's
   *     {@code testBrokenCacheEntryListener} expects), with later failures suppressed
   */
  public void awaitSynchronous() {
    ArrayList<Delivery<K, V>> list = pending.get();
    if (list.isEmpty()) {
      return;
    }
    List<Delivery<K, V>> deliveries = List.copyOf(list);
    list.clear();
    Throwable first = null;
    Delivery<K, V> firstFailed = null;
    List<Throwable> later = new ArrayList<>(0);
    for (Delivery<K, V> delivery : deliveries) {
      try {
        delivery.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (first == null) {
          first = cause;
          firstFailed = delivery;
        } else {
          later.add(cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        CacheEntryListenerException ex =
            new CacheEntryListenerException(
                "Interrupted while waiting for the synchronous CacheEntryListeners of cache '"
                    + source.getName()
                    + "'",
                e);
        if (first != null) {
          ex.addSuppressed(first);
        }
        later.forEach(ex::addSuppressed);
        throw ex;
      }
    }
    if (first == null) {
      return;
    }
    if (first instanceof Error error) {
      later.forEach(error::addSuppressed);
      throw error;
    }
    CacheEntryListenerException ex =
        new CacheEntryListenerException(
            firstFailed.registration.describe(firstFailed.event) + ": " + first, first);
    later.forEach(ex::addSuppressed);
    throw ex;
  }

  /**
   * Stops tracking the synchronous deliveries this thread published since its last {@link
   * #awaitSynchronous()} or {@code discardSynchronous()}, without waiting for them and without
   * reporting their failures (used when the Cache operation itself failed). The events are still
   * delivered.
   */
  public void discardSynchronous() {
    pending.get().clear();
  }

  /**
   * Removes every registration, drops queued events, and closes every listener and filter that
   * implements {@link AutoCloseable} (JSR-107 {@code Cache.close} and {@code
   * CacheManager.destroyCache}). Later publications do nothing and {@link #register} throws {@link
   * IllegalStateException}. Idempotent. Exceptions from {@code close()} are logged.
   */
  public void close() {
    List<Registration<K, V>> registrations;
    synchronized (lock) {
      closed = true;
      registrations = snapshot.registrations;
      snapshot = Snapshot.empty();
    }
    for (Registration<K, V> r : registrations) {
      r.deactivate();
    }
    for (Registration<K, V> r : registrations) {
      closeResources(r);
    }
  }

  /** Live per-key delivery chains over all registrations (for tests: idle chains are removed). */
  int chainCount() {
    int count = 0;
    for (Registration<K, V> r : snapshot.registrations) {
      count += r.chainCount();
    }
    return count;
  }

  private void closeResources(Registration<K, V> r) {
    closeQuietly(r.listener, r.configuration);
    if (r.filter != null && r.filter != (Object) r.listener) {
      closeQuietly(r.filter, r.configuration);
    }
  }

  private void closeQuietly(Object resource, CacheEntryListenerConfiguration<K, V> configuration) {
    if (resource instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn(
            "Closing {} of listener configuration {} of cache '{}' failed",
            resource.getClass().getName(),
            configuration,
            source.getName(),
            e);
      }
    }
  }

  /** An immutable view of the registrations and the event-type masks derived from them. */
  private static final class Snapshot<K, V> {
    private static final Snapshot<?, ?> EMPTY = new Snapshot<>(List.of());

    final List<Registration<K, V>> registrations;
    final int eventTypes;
    final int oldValueTypes;

    private Snapshot(List<Registration<K, V>> registrations) {
      this.registrations = registrations;
      int types = 0;
      int oldTypes = 0;
      for (Registration<K, V> r : registrations) {
        types |= r.eventTypes;
        if (r.oldValueRequired) {
          oldTypes |= r.eventTypes;
        }
      }
      this.eventTypes = types;
      this.oldValueTypes = oldTypes;
    }

    @SuppressWarnings("unchecked")
    static <K, V> Snapshot<K, V> empty() {
      return (Snapshot<K, V>) EMPTY;
    }

    Snapshot<K, V> with(Registration<K, V> added) {
      List<Registration<K, V>> list = new ArrayList<>(registrations);
      list.add(added);
      return new Snapshot<>(List.copyOf(list));
    }

    Snapshot<K, V> without(Registration<K, V> removed) {
      List<Registration<K, V>> list = new ArrayList<>(registrations);
      list.remove(removed);
      return new Snapshot<>(List.copyOf(list));
    }
  }
}
