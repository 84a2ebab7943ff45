package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/** The trampolined loops and the per-key order of the asynchronous view, without memcached. */
class AsyncLoopTest {

  /** Runs on a thread with a small stack, where recursion per attempt would overflow. */
  private static <T> T onSmallStack(Callable<T> body) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            null,
            () -> {
              try {
                result.complete(body.call());
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "small-stack",
            128 * 1024);
    thread.start();
    return result.get(60, TimeUnit.SECONDS);
  }

  @Test
  void attemptsThatCompleteAtOnceLoopWithoutGrowingTheStack() throws Exception {
    int conflicts = EntryOperations.MAX_CAS_ATTEMPTS;
    String result =
        onSmallStack(
            () ->
                AsyncLoop.<String>cas(
                        "k",
                        attempt ->
                            CompletableFuture.completedFuture(
                                attempt < conflicts ? AsyncLoop.RETRY : "done after " + attempt))
                    .join());
    assertEquals("done after " + conflicts, result);
  }

  @Test
  void tooManyConflictsFailWithTheSynchronousLoopsException() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<Object> loop =
        onSmallStack(
            () ->
                AsyncLoop.cas(
                    "hot",
                    attempt -> {
                      attempts.incrementAndGet();
                      return CompletableFuture.completedFuture(AsyncLoop.RETRY);
                    }));
    ExecutionException failure = assertThrows(ExecutionException.class, loop::get);
    assertInstanceOf(CacheException.class, failure.getCause());
    assertTrue(failure.getCause().getMessage().contains("CAS conflicts on key hot"));
    assertEquals(EntryOperations.MAX_CAS_ATTEMPTS + 1, attempts.get());
  }

  @Test
  void pendingAttemptsContinueOnTheThreadThatCompletesThem() throws Exception {
    ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "completer"));
    try {
      List<String> threads = Collections.synchronizedList(new ArrayList<>());
      Integer result =
          AsyncLoop.<Integer>cas(
                  "k",
                  attempt -> {
                    threads.add(Thread.currentThread().getName());
                    // answered 20 ms later: pending when the loop looks at it
                    return CompletableFuture.supplyAsync(
                        () -> attempt < 3 ? AsyncLoop.RETRY : attempt,
                        CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS, other));
                  })
              .get(10, TimeUnit.SECONDS);
      assertEquals(3, result);
      assertEquals(4, threads.size());
      assertEquals(List.of("main", "completer", "completer", "completer"), threads);
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void aFailedAttemptFailsTheLoop() {
    CompletableFuture<Object> loop =
        AsyncLoop.cas(
            "k",
            attempt ->
                attempt == 0
                    ? CompletableFuture.completedFuture(AsyncLoop.RETRY)
                    : CompletableFuture.failedFuture(new IllegalStateException("boom")));
    ExecutionException failure = assertThrows(ExecutionException.class, loop::get);
    assertInstanceOf(IllegalStateException.class, failure.getCause());
  }

  @Test
  void callsOnOneKeyRunOneAfterTheOtherAndLeaveNothingBehind() throws Exception {
    KeySequence sequence = new KeySequence();
    ExecutorService other = Executors.newFixedThreadPool(4);
    try {
      AtomicInteger running = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      List<Integer> order = Collections.synchronizedList(new ArrayList<>());
      List<CompletableFuture<Integer>> calls = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        int n = i;
        calls.add(
            sequence.inTurn(
                "key",
                () -> {
                  if (running.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                  }
                  order.add(n);
                  // half complete at once (the trampoline), half later on another thread
                  return n % 2 == 0
                      ? CompletableFuture.completedFuture(n)
                          .whenComplete((v, e) -> running.decrementAndGet())
                      : CompletableFuture.supplyAsync(
                          () -> {
                            running.decrementAndGet();
                            return n;
                          },
                          other);
                }));
      }
      for (int i = 0; i < calls.size(); i++) {
        assertEquals(i, calls.get(i).get(10, TimeUnit.SECONDS));
      }
      assertEquals(0, overlaps.get(), "two calls on one key ran at once");
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        expected.add(i);
      }
      assertEquals(expected, order, "calls start in the order they were made");
      // the key is released before the last caller's stage completes, so nothing to wait for
      assertEquals(0, sequence.inProgress(), "no key left behind");
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void aCallersStageCompletesWithItsKeyAlreadyFree() throws Exception {
    KeySequence sequence = new KeySequence();
    CompletableFuture<Integer> answer = new CompletableFuture<>();
    CompletableFuture<Integer> keysHeldWhenDone =
        sequence.inTurn("key", () -> answer).thenApply(ignored -> sequence.inProgress());
    assertEquals(1, sequence.inProgress());
    answer.complete(1);
    assertEquals(0, keysHeldWhenDone.get(10, TimeUnit.SECONDS));
    // so a next call made from that stage starts at once instead of queueing behind the last one
    CompletableFuture<Integer> next =
        sequence
            .inTurn("key", () -> CompletableFuture.completedFuture(1))
            .thenCompose(
                ignored -> {
                  boolean[] started = {false};
                  sequence.inTurn(
                      "key",
                      () -> {
                        started[0] = true;
                        return new CompletableFuture<Integer>();
                      });
                  return CompletableFuture.completedFuture(started[0] ? 1 : 0);
                });
    assertEquals(1, next.get(10, TimeUnit.SECONDS));
  }

  @Test
  void thousandsOfQueuedCallsThatCompleteAtOnceDoNotGrowTheStack() throws Exception {
    KeySequence sequence = new KeySequence();
    CompletableFuture<Integer> gate = new CompletableFuture<>();
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    calls.add(sequence.inTurn("key", () -> gate));
    for (int i = 1; i < 20_000; i++) {
      int n = i;
      calls.add(sequence.inTurn("key", () -> CompletableFuture.completedFuture(n)));
    }
    onSmallStack(() -> gate.complete(0));
    for (int i = 0; i < calls.size(); i++) {
      assertEquals(i, calls.get(i).get(10, TimeUnit.SECONDS));
    }
    assertEquals(0, sequence.inProgress());
  }
}
