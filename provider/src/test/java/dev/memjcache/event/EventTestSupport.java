package dev.memjcache.event;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.cache.Cache;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;

/** Shared fixtures: a {@code Cache} stand-in, a recording listener and configuration builders. */
final class EventTestSupport {

  private EventTestSupport() {}

  /** A {@code Cache} proxy that only answers {@code getName}, {@code equals}, {@code hashCode}. */
  @SuppressWarnings("unchecked")
  static Cache<String, String> stubCache(String name) {
    return (Cache<String, String>)
        Proxy.newProxyInstance(
            EventTestSupport.class.getClassLoader(),
            new Class<?>[] {Cache.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "getName" -> name;
                  case "toString" -> "StubCache[" + name + "]";
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  static MutableCacheEntryListenerConfiguration<String, String> config(
      CacheEntryListener<? super String, ? super String> listener,
      CacheEntryEventFilter<? super String, ? super String> filter,
      boolean oldValueRequired,
      boolean synchronous) {
    Factory<CacheEntryListener<? super String, ? super String>> listenerFactory = () -> listener;
    Factory<CacheEntryEventFilter<? super String, ? super String>> filterFactory =
        filter == null ? null : () -> filter;
    return new MutableCacheEntryListenerConfiguration<>(
        listenerFactory, filterFactory, oldValueRequired, synchronous);
  }

  static void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("Timed out waiting for " + what);
      }
      Thread.sleep(2);
    }
  }

  /** Records every event of every type; an optional hook runs inside the callback. */
  static class RecordingListener
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryUpdatedListener<String, String>,
          CacheEntryRemovedListener<String, String>,
          CacheEntryExpiredListener<String, String>,
          AutoCloseable {

    private final List<CacheEntryEvent<? extends String, ? extends String>> events =
        new ArrayList<>();
    volatile Consumer<CacheEntryEvent<? extends String, ? extends String>> hook = e -> {};
    volatile int closed;

    private void record(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      for (CacheEntryEvent<? extends String, ? extends String> e : batch) {
        hook.accept(e);
        synchronized (events) {
          events.add(e);
        }
      }
    }

    List<CacheEntryEvent<? extends String, ? extends String>> events() {
      synchronized (events) {
        return List.copyOf(events);
      }
    }

    int count() {
      synchronized (events) {
        return events.size();
      }
    }

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      record(batch);
    }

    @Override
    public void onUpdated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      record(batch);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      record(batch);
    }

    @Override
    public void onExpired(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      record(batch);
    }

    @Override
    public void close() {
      closed++;
    }
  }

  /** Implements only {@code CacheEntryCreatedListener} and {@code CacheEntryRemovedListener}. */
  static final class CreatedRemovedListener
      implements CacheEntryCreatedListener<String, String>,
          CacheEntryRemovedListener<String, String> {
    final List<CacheEntryEvent<? extends String, ? extends String>> events =
        java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      batch.forEach(events::add);
    }

    @Override
    public void onRemoved(Iterable<CacheEntryEvent<? extends String, ? extends String>> batch) {
      batch.forEach(events::add);
    }
  }
}
