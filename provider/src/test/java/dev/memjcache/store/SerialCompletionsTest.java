package dev.memjcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The batched completion thread of the asynchronous view: nothing lost, nothing run twice. */
class SerialCompletionsTest {

  @Test
  void everyCompletionFromManyThreadsRunsOnceOnOneThreadInEachProducersOrder() throws Exception {
    SerialCompletions completions = new SerialCompletions("test-completions");
    int producers = 4;
    int each = 20_000;
    AtomicIntegerArray runs = new AtomicIntegerArray(producers * each);
    int[] lastSeen = new int[producers];
    java.util.Arrays.fill(lastSeen, -1);
    AtomicInteger outOfOrder = new AtomicInteger();
    List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(producers * each);
    List<Thread> started = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int producer = p;
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  int n = i;
                  completions.execute(
                      () -> {
                        runs.incrementAndGet(producer * each + n);
                        // only the one completion thread touches lastSeen
                        if (lastSeen[producer] != n - 1) {
                          outOfOrder.incrementAndGet();
                        }
                        lastSeen[producer] = n;
                        if (n == 0) {
                          threads.add(Thread.currentThread().getName());
                        }
                        done.countDown();
                      });
                }
              });
      started.add(t);
      t.start();
    }
    for (Thread t : started) {
      t.join(30_000);
    }
    assertTrue(done.await(30, TimeUnit.SECONDS), "completions lost: " + done.getCount());
    for (int i = 0; i < runs.length(); i++) {
      assertEquals(1, runs.get(i), "completion " + i);
    }
    assertEquals(0, outOfOrder.get(), "a producer's completions ran out of order");
    assertEquals(List.of("test-completions"), threads.stream().distinct().toList());
    completions.close();
    assertTrue(completions.awaitTermination(5_000), "the thread did not end after close");
  }

  @Test
  void aCompletionThatThrowsDoesNotStopTheOnesAfterIt() throws Exception {
    SerialCompletions completions = new SerialCompletions("test-completions");
    CountDownLatch after = new CountDownLatch(1);
    completions.execute(
        () -> {
          throw new IllegalStateException("the application's stage failed");
        });
    completions.execute(after::countDown);
    assertTrue(after.await(5, TimeUnit.SECONDS));
    completions.close();
  }
}
