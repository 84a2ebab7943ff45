package dev.memjcache.event;

import static dev.memjcache.event.EventTestSupport.awaitCondition;
import static dev.memjcache.event.EventTestSupport.config;
import static dev.memjcache.event.EventTestSupport.stubCache;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.event.EventTestSupport.RecordingListener;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-key ordering, parallelism, synchronous completion and runtime (de)registration. */
@Timeout(60)
class EventDispatcherConcurrencyTest {

  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final ExecutorService publishers = Executors.newFixedThreadPool(4);
  private final EventDispatcher<String, String> dispatcher =
      new EventDispatcher<>(stubCache("orders"), executor);

  @AfterEach
  void shutdown() {
    dispatcher.close();
    publishers.shutdownNow();
    executor.shutdownNow();
  }

  @Test
  void asynchronousEventsForOneKeyArriveInPublicationOrder() throws Exception {
    Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
    RecordingListener listener = new RecordingListener();
    listener.hook =
        e -> {
          if (ThreadLocalRandom.current().nextInt(8) == 0) {
            LockSupport.parkNanos(50_000); // let other deliveries overtake if ordering were broken
          }
          seen.computeIfAbsent(e.getKey(), k -> Collections.synchronizedList(new ArrayList<>()))
              .add(Integer.parseInt(e.getValue()));
        };
    dispatcher.register(config(listener, null, false, false));

    int threads = 4;
    int keysPerThread = 5;
    int eventsPerKey = 200;
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      done.add(
          publishers.submit(
              () -> {
                for (int i = 0; i < eventsPerKey; i++) {
                  for (int k = 0; k < keysPerThread; k++) {
                    String key = "key-" + thread + "-" + k;
                    if (i == 0) {
                      dispatcher.publishCreated(key, "0");
                    } else {
                      dispatcher.publishUpdated(key, String.valueOf(i - 1), String.valueOf(i));
                    }
                    dispatcher.awaitSynchronous(); // asynchronous listeners are never awaited
                  }
                }
              }));
    }
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    int total = threads * keysPerThread * eventsPerKey;
    awaitCondition(() -> listener.count() == total, "all asynchronous events");

    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < eventsPerKey; i++) {
      expected.add(i);
    }
    assertEquals(threads * keysPerThread, seen.size());
    seen.forEach((key, values) -> assertEquals(expected, values, key));
    awaitCondition(() -> dispatcher.chainCount() == 0, "idle per-key chains to be removed");
  }

  @Test
  void differentKeysAreDeliveredInParallel() throws Exception {
    CountDownLatch bArrived = new CountDownLatch(1);
    AtomicBoolean aSawB = new AtomicBoolean();
    RecordingListener listener = new RecordingListener();
    listener.hook =
        e -> {
          if (e.getKey().equals("a")) {
            try {
              aSawB.set(bArrived.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
            }
          } else {
            bArrived.countDown();
          }
        };
    dispatcher.register(config(listener, null, false, false));
    dispatcher.publishCreated("a", "1");
    dispatcher.publishCreated("b", "2");
    awaitCondition(() -> listener.count() == 2, "both events");
    assertTrue(aSawB.get(), "b's listener call must not wait for a's");
  }

  @Test
  void awaitSynchronousWaitsForAQueuedDeliveryOfTheSameKey() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    RecordingListener listener = new RecordingListener();
    listener.hook =
        e -> {
          if (e.getValue().equals("first")) {
            firstStarted.countDown();
            try {
              releaseFirst.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
            }
          }
        };
    dispatcher.register(config(listener, null, false, true));

    Future<?> firstCall =
        publishers.submit(
            () -> {
              dispatcher.publishUpdated("k", "zero", "first"); // runs inline and blocks
              dispatcher.awaitSynchronous();
            });
    assertTrue(firstStarted.await(10, TimeUnit.SECONDS));

    Future<List<String>> secondCall =
        publishers.submit(
            () -> {
              dispatcher.publishUpdated("k", "first", "second"); // queued behind "first"
              dispatcher.awaitSynchronous();
              return listener.events().stream()
                  .map(CacheEntryEvent::getValue)
                  .map(String::valueOf)
                  .toList();
            });
    assertTimesOut(secondCall);
    assertEquals(0, listener.count());

    releaseFirst.countDown();
    firstCall.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("first", "second"), secondCall.get(10, TimeUnit.SECONDS));
  }

  private static void assertTimesOut(Future<?> future) throws Exception {
    try {
      future.get(200, TimeUnit.MILLISECONDS);
    } catch (TimeoutException expected) {
      return;
    }
    throw new AssertionError("awaitSynchronous returned before the listener ran");
  }

  @Test
  void synchronousListenerHasRunWhenAwaitReturns() throws Exception {
    RecordingListener slow = new RecordingListener();
    slow.hook = e -> LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    dispatcher.register(config(slow, null, false, true));
    for (int i = 0; i < 20; i++) {
      String key = "k" + (i % 3);
      Future<?> call =
          publishers.submit(
              () -> {
                dispatcher.publishCreated(key, "v");
                dispatcher.awaitSynchronous();
              });
      call.get(10, TimeUnit.SECONDS);
      assertEquals(i + 1, slow.count());
    }
  }

  @Test
  void asynchronousListenerFailureIsNotThrownAndLaterEventsStillArrive() throws Exception {
    RecordingListener listener = new RecordingListener();
    AtomicInteger calls = new AtomicInteger();
    listener.hook =
        e -> {
          if (calls.incrementAndGet() == 1) {
            throw new IllegalStateException("async boom (expected in this test's log)");
          }
        };
    dispatcher.register(config(listener, null, false, false));
    dispatcher.publishCreated("k", "1");
    dispatcher.publishUpdated("k", "1", "2");
    dispatcher.awaitSynchronous();
    awaitCondition(() -> listener.count() == 1 && calls.get() == 2, "the second event");
    assertEquals("2", listener.events().get(0).getValue());
    awaitCondition(() -> dispatcher.chainCount() == 0, "idle chains to be removed");
  }

  @Test
  void awaitSynchronousDoesNotWaitForAsynchronousListeners() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingListener listener = new RecordingListener();
    listener.hook =
        e -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        };
    dispatcher.register(config(listener, null, false, false));
    dispatcher.publishCreated("k", "v");
    dispatcher.awaitSynchronous();
    assertEquals(0, listener.count());
    release.countDown();
    awaitCondition(() -> listener.count() == 1, "the asynchronous event");
  }

  @Test
  void eventsQueuedForADeregisteredListenerAreDropped() throws Exception {
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    RecordingListener listener = new RecordingListener();
    listener.hook =
        e -> {
          if (e.getValue().equals("1")) {
            firstStarted.countDown();
            try {
              releaseFirst.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
            }
          }
        };
    CacheEntryListenerConfiguration<String, String> configuration =
        config(listener, null, false, false);
    dispatcher.register(configuration);
    dispatcher.publishCreated("k", "1");
    assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
    dispatcher.publishUpdated("k", "1", "2");
    dispatcher.deregister(configuration);
    releaseFirst.countDown();

    awaitCondition(() -> listener.count() == 1, "the in-flight event");
    Thread.sleep(100);
    assertEquals(List.of("1"), listener.events().stream().map(CacheEntryEvent::getValue).toList());
  }

  @Test
  void registrationChangesWhileEventsFlow() throws Exception {
    RecordingListener steady = new RecordingListener();
    dispatcher.register(config(steady, null, true, true));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger published = new AtomicInteger();
    List<Future<?>> loops = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int thread = t;
      loops.add(
          publishers.submit(
              () -> {
                int i = 0;
                while (running.get()) {
                  String key = "k" + thread + "-" + (i++ % 16);
                  dispatcher.publishUpdated(key, "old", "new");
                  dispatcher.awaitSynchronous();
                  published.incrementAndGet();
                }
              }));
    }
    for (int i = 0; i < 200; i++) {
      RecordingListener transientListener = new RecordingListener();
      CacheEntryListenerConfiguration<String, String> c =
          config(transientListener, null, false, i % 2 == 0);
      dispatcher.register(c);
      dispatcher.deregister(c);
      assertEquals(1, transientListener.closed);
    }
    running.set(false);
    for (Future<?> f : loops) {
      f.get(10, TimeUnit.SECONDS);
    }
    assertEquals(published.get(), steady.count());
    assertEquals(1, dispatcher.configurations().size());
    awaitCondition(() -> dispatcher.chainCount() == 0, "idle chains to be removed");
  }

  @Test
  void hasListenerForDoesNotAllocate() {
    dispatcher.register(config(new RecordingListener(), null, true, true));
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    boolean any = false;
    for (int i = 0; i < 200_000; i++) { // warm up
      any |= dispatcher.hasListenerFor(EventType.values()[i & 3]);
    }
    EventType[] types = EventType.values();
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 100_000; i++) {
      any |= dispatcher.hasListenerFor(types[i & 3]) | dispatcher.isOldValueRequired(types[i & 3]);
    }
    long allocated = threads.getThreadAllocatedBytes(id) - before;
    assertTrue(any);
    assertTrue(allocated < 4096, "allocated " + allocated + " bytes for 200k calls");
  }

  @Test
  void filteredOutEventsCreateNoChains() throws Exception {
    RecordingListener listener = new RecordingListener();
    dispatcher.register(config(listener, e -> false, false, false));
    dispatcher.publishCreated("k", "v");
    assertEquals(0, dispatcher.chainCount());
    Thread.sleep(50);
    assertEquals(0, listener.count());
  }
}
