package dev.memjcache.event;

import static dev.memjcache.event.EventTestSupport.config;
import static dev.memjcache.event.EventTestSupport.stubCache;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.event.EventTestSupport.CreatedRemovedListener;
import dev.memjcache.event.EventTestSupport.RecordingListener;
import java.io.Closeable;
import java.io.IOError;
import java.util.ArrayList;
import java.util.EventObject;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Registration, event types, filters, old values, the event object and exception propagation. */
class EventDispatcherTest {

  private final Cache<String, String> cache = stubCache("people");
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final EventDispatcher<String, String> dispatcher = new EventDispatcher<>(cache, executor);

  @AfterEach
  void shutdown() {
    dispatcher.close();
    executor.shutdownNow();
  }

  @Test
  void listenerReceivesOnlyTheEventTypesItImplements() {
    CreatedRemovedListener listener = new CreatedRemovedListener();
    dispatcher.register(config(listener, null, true, true));

    assertTrue(dispatcher.hasListenerFor(EventType.CREATED));
    assertTrue(dispatcher.hasListenerFor(EventType.REMOVED));
    assertFalse(dispatcher.hasListenerFor(EventType.UPDATED));
    assertFalse(dispatcher.hasListenerFor(EventType.EXPIRED));

    dispatcher.publishCreated("k", "v1");
    dispatcher.publishUpdated("k", "v1", "v2");
    dispatcher.publishExpired("k", "v2");
    dispatcher.publishRemoved("k", "v2");
    dispatcher.awaitSynchronous();

    assertEquals(
        List.of(EventType.CREATED, EventType.REMOVED),
        listener.events.stream().map(CacheEntryEvent::getEventType).toList());
  }

  @Test
  void noListenersMeansNoEventTypes() {
    for (EventType type : EventType.values()) {
      assertFalse(dispatcher.hasListenerFor(type));
      assertFalse(dispatcher.isOldValueRequired(type));
    }
    dispatcher.publishCreated("k", "v");
    dispatcher.awaitSynchronous();
  }

  @Test
  void isOldValueRequiredOnlyForTypesOfListenersThatAskedForIt() {
    dispatcher.register(config(new CreatedRemovedListener(), null, true, true));
    dispatcher.register(config(new RecordingListener(), null, false, true));

    assertTrue(dispatcher.isOldValueRequired(EventType.REMOVED));
    assertTrue(dispatcher.isOldValueRequired(EventType.CREATED));
    assertFalse(dispatcher.isOldValueRequired(EventType.UPDATED));
    assertFalse(dispatcher.isOldValueRequired(EventType.EXPIRED));
    assertTrue(dispatcher.hasListenerFor(EventType.UPDATED));
  }

  @Test
  void eventCarriesSourceKeyValueTypeAndUnwraps() {
    RecordingListener listener = new RecordingListener();
    dispatcher.register(config(listener, null, true, true));
    dispatcher.publishCreated("k", "v");
    dispatcher.awaitSynchronous();

    CacheEntryEvent<? extends String, ? extends String> event = listener.events().get(0);
    assertSame(cache, event.getSource());
    assertEquals(EventType.CREATED, event.getEventType());
    assertEquals("k", event.getKey());
    assertEquals("v", event.getValue());
    assertFalse(event.isOldValueAvailable());
    assertNull(event.getOldValue());
    assertSame(event, event.unwrap(MemJCacheEntryEvent.class));
    assertSame(event, event.unwrap(Cache.Entry.class));
    assertSame(event, event.unwrap(EventObject.class));
    assertThrows(IllegalArgumentException.class, () -> event.unwrap(String.class));
    assertThrows(NullPointerException.class, () -> event.unwrap(null));
  }

  @Test
  void oldValuesWhenRequired() {
    RecordingListener listener = new RecordingListener();
    dispatcher.register(config(listener, null, true, true));
    dispatcher.publishCreated("k", "v1");
    dispatcher.publishUpdated("k", "v1", "v2");
    dispatcher.publishRemoved("k", "v2");
    dispatcher.publishExpired("e", "old");
    dispatcher.awaitSynchronous();

    List<CacheEntryEvent<? extends String, ? extends String>> events = listener.events();
    CacheEntryEvent<? extends String, ? extends String> created = events.get(0);
    assertFalse(created.isOldValueAvailable());
    assertNull(created.getOldValue());

    CacheEntryEvent<? extends String, ? extends String> updated = events.get(1);
    assertTrue(updated.isOldValueAvailable());
    assertEquals("v1", updated.getOldValue());
    assertEquals("v2", updated.getValue());

    // JSR-107 1.1: for REMOVED and EXPIRED getValue() returns the same value as getOldValue().
    CacheEntryEvent<? extends String, ? extends String> removed = events.get(2);
    assertTrue(removed.isOldValueAvailable());
    assertEquals("v2", removed.getOldValue());
    assertEquals("v2", removed.getValue());

    CacheEntryEvent<? extends String, ? extends String> expired = events.get(3);
    assertEquals(EventType.EXPIRED, expired.getEventType());
    assertTrue(expired.isOldValueAvailable());
    assertEquals("old", expired.getOldValue());
    assertEquals("old", expired.getValue());
  }

  @Test
  void oldValuesHiddenWhenNotRequired() {
    RecordingListener listener = new RecordingListener();
    dispatcher.register(config(listener, null, false, true));
    dispatcher.publishUpdated("k", "v1", "v2");
    dispatcher.publishRemoved("k", "v2");
    dispatcher.publishExpired("e", "old");
    dispatcher.awaitSynchronous();

    List<CacheEntryEvent<? extends String, ? extends String>> events = listener.events();
    CacheEntryEvent<? extends String, ? extends String> updated = events.get(0);
    assertEquals("v2", updated.getValue());
    assertFalse(updated.isOldValueAvailable());
    assertNull(updated.getOldValue());
    // The TCK accepts "not available" for REMOVED/EXPIRED only with both values null.
    for (CacheEntryEvent<? extends String, ? extends String> e : events.subList(1, 3)) {
      assertFalse(e.isOldValueAvailable(), e.toString());
      assertNull(e.getOldValue(), e.toString());
      assertNull(e.getValue(), e.toString());
    }
  }

  @Test
  void eachRegistrationGetsItsOwnOldValueView() {
    RecordingListener wantsOld = new RecordingListener();
    RecordingListener noOld = new RecordingListener();
    dispatcher.register(config(wantsOld, null, true, true));
    dispatcher.register(config(noOld, null, false, true));
    dispatcher.publishRemoved("k", "gone");
    dispatcher.awaitSynchronous();

    assertEquals("gone", wantsOld.events().get(0).getValue());
    assertNull(noOld.events().get(0).getValue());
  }

  @Test
  void missingOldValueIsNotAvailableEvenWhenRequired() {
    RecordingListener listener = new RecordingListener();
    dispatcher.register(config(listener, null, true, true));
    dispatcher.publishUpdated("k", null, "v2");
    dispatcher.awaitSynchronous();
    assertFalse(listener.events().get(0).isOldValueAvailable());
  }

  @Test
  void filterIsEvaluatedBeforeDeliveryOnTheSameEvent() {
    RecordingListener listener = new RecordingListener();
    List<CacheEntryEvent<?, ?>> seenByFilter = new ArrayList<>();
    CacheEntryEventFilter<String, String> vowels =
        event -> {
          seenByFilter.add(event);
          return event.getValue() != null && event.getValue().matches(".*[aeiou].*");
        };
    dispatcher.register(config(listener, vowels, true, true));

    dispatcher.publishCreated("1", "Sooty");
    dispatcher.publishCreated("2", "Zyn");
    dispatcher.publishUpdated("1", "Sooty", "Fred");
    dispatcher.publishRemoved("2", "Zyn");
    dispatcher.publishRemoved("1", "Fred");
    dispatcher.awaitSynchronous();

    assertEquals(5, seenByFilter.size());
    assertEquals(
        List.of("Sooty", "Fred", "Fred"),
        listener.events().stream().map(CacheEntryEvent::getValue).toList());
    assertEquals(
        List.of(EventType.CREATED, EventType.UPDATED, EventType.REMOVED),
        listener.events().stream().map(CacheEntryEvent::getEventType).toList());
    assertSame(seenByFilter.get(4), listener.events().get(2));
  }

  @Test
  void registeringAnEqualConfigurationTwiceFails() {
    MutableCacheEntryListenerConfiguration<String, String> configuration =
        config(new RecordingListener(), null, false, true);
    dispatcher.register(configuration);
    assertThrows(IllegalArgumentException.class, () -> dispatcher.register(configuration));
    assertThrows(
        IllegalArgumentException.class,
        () -> dispatcher.register(new MutableCacheEntryListenerConfiguration<>(configuration)));
    assertEquals(List.of(configuration), dispatcher.configurations());
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThrows(NullPointerException.class, () -> dispatcher.register(null));
    assertThrows(NullPointerException.class, () -> dispatcher.deregister(null));
    assertThrows(NullPointerException.class, () -> new EventDispatcher<>(null, executor));
    assertThrows(NullPointerException.class, () -> new EventDispatcher<>(cache, null));
  }

  @Test
  void listenerFactoryCreatingNullIsRejected() {
    MutableCacheEntryListenerConfiguration<String, String> configuration =
        new MutableCacheEntryListenerConfiguration<>(() -> null, null, false, true);
    assertThrows(IllegalArgumentException.class, () -> dispatcher.register(configuration));
    assertTrue(dispatcher.configurations().isEmpty());
  }

  @Test
  void failingFilterFactoryClosesTheCreatedListener() {
    RecordingListener listener = new RecordingListener();
    MutableCacheEntryListenerConfiguration<String, String> configuration =
        new MutableCacheEntryListenerConfiguration<>(
            () -> listener,
            () -> {
              throw new IllegalStateException("no filter today");
            },
            false,
            true);
    assertThrows(IllegalStateException.class, () -> dispatcher.register(configuration));
    assertEquals(1, listener.closed);
    assertFalse(dispatcher.hasListenerFor(EventType.CREATED));
  }

  @Test
  void configurationsKeepRegistrationOrder() {
    CacheEntryListenerConfiguration<String, String> first =
        config(new RecordingListener(), null, false, true);
    CacheEntryListenerConfiguration<String, String> second =
        config(new RecordingListener(), null, true, false);
    dispatcher.register(first);
    dispatcher.register(second);
    assertEquals(List.of(first, second), dispatcher.configurations());
    assertThrows(UnsupportedOperationException.class, () -> dispatcher.configurations().add(first));
  }

  /** A filter that is also Closeable, to check that deregistration closes filters too. */
  static final class ClosingFilter implements CacheEntryEventFilter<String, String>, Closeable {
    int closed;

    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends String> event) {
      return true;
    }

    @Override
    public void close() {
      closed++;
    }
  }

  @Test
  void deregistrationStopsEventsAndClosesListenerAndFilter() {
    RecordingListener listener = new RecordingListener();
    ClosingFilter filter = new ClosingFilter();
    CacheEntryListenerConfiguration<String, String> configuration =
        config(listener, filter, false, true);
    dispatcher.register(configuration);
    dispatcher.publishCreated("k", "v");
    dispatcher.awaitSynchronous();

    dispatcher.deregister(configuration);
    dispatcher.publishUpdated("k", "v", "w");
    dispatcher.awaitSynchronous();

    assertEquals(1, listener.count());
    assertEquals(1, listener.closed);
    assertEquals(1, filter.closed);
    assertFalse(dispatcher.hasListenerFor(EventType.CREATED));
    assertTrue(dispatcher.configurations().isEmpty());

    dispatcher.deregister(configuration); // no effect once removed
    assertEquals(1, listener.closed);
  }

  /** One object acting as listener and filter must be closed once. */
  static final class ListenerAndFilter extends RecordingListener
      implements CacheEntryEventFilter<String, String> {
    @Override
    public boolean evaluate(CacheEntryEvent<? extends String, ? extends String> event) {
      return true;
    }
  }

  @Test
  void closeClosesEveryListenerOnceAndEndsRegistration() {
    RecordingListener plain = new RecordingListener();
    ListenerAndFilter both = new ListenerAndFilter();
    dispatcher.register(config(plain, null, false, true));
    dispatcher.register(config(both, both, false, false));

    dispatcher.close();
    dispatcher.close();

    assertEquals(1, plain.closed);
    assertEquals(1, both.closed);
    assertTrue(dispatcher.configurations().isEmpty());
    assertFalse(dispatcher.hasListenerFor(EventType.CREATED));
    dispatcher.publishCreated("k", "v");
    dispatcher.awaitSynchronous();
    assertEquals(0, plain.count());
    assertThrows(
        IllegalStateException.class,
        () -> dispatcher.register(config(new RecordingListener(), null, false, true)));
  }

  @Test
  void synchronousListenerExceptionIsWrappedInCacheEntryListenerException() {
    RecordingListener listener = new RecordingListener();
    IllegalStateException boom = new IllegalStateException("boom");
    listener.hook =
        e -> {
          throw boom;
        };
    dispatcher.register(config(listener, null, false, true));

    dispatcher.publishCreated("k1", "v");
    CacheEntryListenerException thrown =
        assertThrows(CacheEntryListenerException.class, dispatcher::awaitSynchronous);
    assertSame(boom, thrown.getCause());
    assertTrue(
        thrown.getMessage().contains(RecordingListener.class.getName()), thrown.getMessage());
    assertTrue(thrown.getMessage().contains("CREATED"), thrown.getMessage());
    assertTrue(thrown.getMessage().contains("k1"), thrown.getMessage());
    assertTrue(thrown.getMessage().contains("people"), thrown.getMessage());

    dispatcher.awaitSynchronous(); // the failure was reported once; nothing is pending any more
  }

  @Test
  void laterFailuresAreSuppressedOnTheFirst() {
    RecordingListener listener = new RecordingListener();
    listener.hook =
        e -> {
          throw new CacheEntryListenerException("broke on " + e.getKey());
        };
    dispatcher.register(config(listener, null, false, true));

    dispatcher.publishCreated("a", "v");
    dispatcher.publishCreated("b", "v");
    dispatcher.publishCreated("c", "v");
    CacheEntryListenerException thrown =
        assertThrows(CacheEntryListenerException.class, dispatcher::awaitSynchronous);
    assertEquals("broke on a", thrown.getCause().getMessage());
    assertEquals(2, thrown.getSuppressed().length);
    assertEquals("broke on b", thrown.getSuppressed()[0].getMessage());
  }

  @Test
  void synchronousListenerErrorPropagatesUnwrapped() {
    RecordingListener listener = new RecordingListener();
    IOError error = new IOError(null);
    listener.hook =
        e -> {
          throw error;
        };
    dispatcher.register(config(listener, null, false, true));
    dispatcher.publishRemoved("k", "v");
    assertSame(error, assertThrows(IOError.class, dispatcher::awaitSynchronous));
  }

  @Test
  void synchronousFilterExceptionPropagates() {
    RecordingListener listener = new RecordingListener();
    CacheEntryEventFilter<String, String> broken =
        e -> {
          throw new UnsupportedOperationException("filter broke");
        };
    dispatcher.register(config(listener, broken, false, true));
    dispatcher.publishCreated("k", "v");
    CacheEntryListenerException thrown =
        assertThrows(CacheEntryListenerException.class, dispatcher::awaitSynchronous);
    assertInstanceOf(UnsupportedOperationException.class, thrown.getCause());
    assertEquals(0, listener.count());
  }

  @Test
  void discardDropsPendingFailuresButEventsAreStillDelivered() {
    RecordingListener listener = new RecordingListener();
    AtomicInteger calls = new AtomicInteger();
    listener.hook =
        e -> {
          calls.incrementAndGet();
          throw new IllegalStateException("boom");
        };
    dispatcher.register(config(listener, null, false, true));
    dispatcher.publishCreated("k", "v");
    dispatcher.discardSynchronous();
    dispatcher.awaitSynchronous();
    assertEquals(1, calls.get());
  }

  @Test
  void pendingSynchronousEventsArePerThread() throws Exception {
    RecordingListener listener = new RecordingListener();
    listener.hook =
        e -> {
          throw new IllegalStateException("boom");
        };
    dispatcher.register(config(listener, null, false, true));
    dispatcher.publishCreated("k", "v");

    Thread other = new Thread(dispatcher::awaitSynchronous); // nothing pending on that thread
    List<Throwable> failures = new ArrayList<>();
    other.setUncaughtExceptionHandler((t, e) -> failures.add(e));
    other.start();
    other.join();
    assertTrue(failures.isEmpty());
    assertThrows(CacheEntryListenerException.class, dispatcher::awaitSynchronous);
  }
}
