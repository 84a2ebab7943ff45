package dev.memjcache.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.cache.CacheException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SingleFlight} on its own: sharing, exclusion, failures, re-entrancy, cycles, cleanup. */
class SingleFlightTest {

  private final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Waits (bounded) until {@code count} threads are blocked inside SingleFlight's wait. */
  static void awaitWaiters(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (waiters() < count) {
      assertTrue(System.nanoTime() < deadline, "only " + waiters() + " of " + count + " waiting");
      Thread.sleep(5);
    }
  }

  private static int waiters() {
    int n = 0;
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      Thread.State state = e.getKey().getState();
      if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
        continue;
      }
      for (StackTraceElement frame : e.getValue()) {
        if (frame.getClassName().equals(SingleFlight.class.getName())
            && frame.getMethodName().equals("await")) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  @Test
  void concurrentSharedCallsRunTheWorkOnceAndAllGetItsResult() throws Exception {
    SingleFlight flight = new SingleFlight();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    results.add(
        pool.submit(
            () ->
                flight.shared(
                    "k",
                    () -> {
                      runs.incrementAndGet();
                      await(release);
                      return "v" + runs.get();
                    })));
    awaitInside(flight);
    for (int i = 0; i < 7; i++) {
      results.add(pool.submit(() -> flight.shared("k", () -> "v" + runs.incrementAndGet())));
    }
    awaitWaiters(7);
    release.countDown();
    for (Future<String> f : results) {
      assertEquals("v1", f.get(20, TimeUnit.SECONDS));
    }
    assertEquals(1, runs.get());
    assertEquals(0, flight.inProgress());
  }

  @Test
  void aFailureReachesEveryWaiter() throws Exception {
    SingleFlight flight = new SingleFlight();
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    IllegalStateException boom = new IllegalStateException("loader down");
    List<Future<String>> results = new ArrayList<>();
    results.add(
        pool.submit(
            () ->
                flight.shared(
                    "k",
                    () -> {
                      runs.incrementAndGet();
                      await(release);
                      throw boom;
                    })));
    awaitInside(flight);
    for (int i = 0; i < 5; i++) {
      results.add(
          pool.submit(
              () ->
                  flight.<String>shared(
                      "k",
                      () -> {
                        runs.incrementAndGet();
                        return "should not run";
                      })));
    }
    awaitWaiters(5);
    release.countDown();
    for (Future<String> f : results) {
      Exception e = assertThrows(Exception.class, () -> f.get(20, TimeUnit.SECONDS));
      assertSame(boom, e.getCause());
    }
    assertEquals(1, runs.get());
    assertEquals(0, flight.inProgress());
  }

  @Test
  void exclusiveCallsRunOneAfterTheOtherEachOnce() throws Exception {
    SingleFlight flight = new SingleFlight();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    List<Future<?>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      results.add(
          pool.submit(
              () ->
                  flight.exclusive(
                      "k",
                      () -> {
                        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        runs.incrementAndGet();
                        sleep(20);
                        inside.decrementAndGet();
                        return null;
                      })));
    }
    for (Future<?> f : results) {
      f.get(20, TimeUnit.SECONDS);
    }
    assertEquals(8, runs.get());
    assertEquals(1, maxInside.get());
    assertEquals(0, flight.inProgress());
  }

  @Test
  void theOwnerReentersItsKeyAtOnce() {
    SingleFlight flight = new SingleFlight();
    String result =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                flight.exclusive(
                    "k", () -> flight.shared("k", () -> flight.exclusive("k", () -> "inner"))));
    assertEquals("inner", result);
    assertEquals(0, flight.inProgress());
  }

  @Test
  void nestedCallsInOppositeKeyOrderDoNotDeadlock() throws Exception {
    SingleFlight flight = new SingleFlight();
    CountDownLatch bothHoldTheirKey = new CountDownLatch(2);
    Future<String> a =
        pool.submit(
            () ->
                flight.exclusive(
                    "k1",
                    () -> {
                      bothHoldTheirKey.countDown();
                      await(bothHoldTheirKey);
                      return flight.exclusive("k2", () -> "a");
                    }));
    Future<String> b =
        pool.submit(
            () ->
                flight.exclusive(
                    "k2",
                    () -> {
                      bothHoldTheirKey.countDown();
                      await(bothHoldTheirKey);
                      return flight.exclusive("k1", () -> "b");
                    }));
    assertEquals("a", a.get(10, TimeUnit.SECONDS));
    assertEquals("b", b.get(10, TimeUnit.SECONDS));
    assertEquals(0, flight.inProgress());
  }

  @Test
  void anInterruptedWaiterGetsACacheExceptionAndKeepsItsInterrupt() throws Exception {
    SingleFlight flight = new SingleFlight();
    CountDownLatch release = new CountDownLatch(1);
    Future<?> owner =
        pool.submit(
            () ->
                flight.shared(
                    "k",
                    () -> {
                      await(release);
                      return null;
                    }));
    awaitInside(flight);
    AtomicInteger interruptKept = new AtomicInteger();
    Thread waiter =
        new Thread(
            () -> {
              try {
                flight.shared("k", () -> "never");
              } catch (CacheException e) {
                if (Thread.currentThread().isInterrupted()
                    && e.getCause() instanceof InterruptedException) {
                  interruptKept.incrementAndGet();
                }
              }
            });
    waiter.start();
    awaitWaiters(1);
    waiter.interrupt();
    waiter.join(10_000);
    assertEquals(1, interruptKept.get());
    release.countDown();
    owner.get(10, TimeUnit.SECONDS);
    assertEquals(0, flight.inProgress());
  }

  @Test
  void sharedAllLoadsEachKeyOnceAcrossOverlappingCalls() throws Exception {
    SingleFlight flight = new SingleFlight();
    Map<String, AtomicInteger> loads = new java.util.concurrent.ConcurrentHashMap<>();
    CountDownLatch release = new CountDownLatch(1);
    Future<Map<String, String>> first =
        pool.submit(
            () ->
                flight.<String, String>sharedAll(
                    List.of("a", "b"),
                    keys -> {
                      keys.forEach(
                          k ->
                              loads.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet());
                      await(release);
                      return keys.stream().collect(Collectors.toMap(k -> k, k -> k.toUpperCase()));
                    }));
    awaitInside(flight);
    Future<Map<String, String>> second =
        pool.submit(
            () ->
                flight.<String, String>sharedAll(
                    List.of("b", "c"),
                    keys -> {
                      keys.forEach(
                          k ->
                              loads.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet());
                      return keys.stream().collect(Collectors.toMap(k -> k, k -> k.toUpperCase()));
                    }));
    awaitWaiters(1);
    release.countDown();
    assertEquals(Map.of("a", "A", "b", "B"), first.get(10, TimeUnit.SECONDS));
    assertEquals(Map.of("b", "B", "c", "C"), second.get(10, TimeUnit.SECONDS));
    assertEquals(Set.of("a", "b", "c"), loads.keySet());
    loads.forEach((k, n) -> assertEquals(1, n.get(), k));
    assertEquals(0, flight.inProgress());
  }

  @Test
  void theNullObjectRunsEveryCall() {
    AtomicInteger runs = new AtomicInteger();
    SingleFlight.NONE.shared("k", runs::incrementAndGet);
    SingleFlight.NONE.exclusive("k", runs::incrementAndGet);
    SingleFlight.NONE.sharedAll(List.of("k"), keys -> Map.of("k", runs.incrementAndGet()));
    assertEquals(3, runs.get());
  }

  private static void awaitInside(SingleFlight flight) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (flight.inProgress() == 0) {
      assertTrue(System.nanoTime() < deadline, "the first call never started");
      Thread.sleep(2);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(20, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
