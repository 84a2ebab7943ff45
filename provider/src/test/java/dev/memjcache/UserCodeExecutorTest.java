package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The user-code executor of the asynchronous view, on a pool like the manager's. */
class UserCodeExecutorTest {

  private final AtomicInteger threadNumber = new AtomicInteger();
  private final ExecutorService pool =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "pool-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });
  private final UserCodeExecutor executor = new UserCodeExecutor(pool);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  @Test
  void everyTaskRunsOnceOnThePoolsThreads() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger runs = new AtomicInteger();
    List<CompletableFuture<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      tasks.add(
          CompletableFuture.runAsync(
              () -> {
                runs.incrementAndGet();
                threads.add(Thread.currentThread().getName());
              },
              executor));
    }
    CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertEquals(20_000, runs.get());
    assertTrue(threads.stream().allMatch(name -> name.startsWith("pool-")), threads.toString());
  }

  @Test
  void tasksBehindBlockedOnesStillRun() throws Exception {
    // every draining thread blocks until a task queued behind them runs: without a new thread
    // this would never end
    CountDownLatch release = new CountDownLatch(1);
    List<CompletableFuture<Void>> blocked = new ArrayList<>();
    for (int i = 0; i < UserCodeExecutor.DRAINERS * 3; i++) {
      blocked.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              executor));
    }
    long start = System.nanoTime();
    CompletableFuture.runAsync(release::countDown, executor).get(10, TimeUnit.SECONDS);
    CompletableFuture.allOf(blocked.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis < 5_000, "the releasing task waited " + millis + " ms");
  }

  @Test
  void aTaskWaitingForAnotherTasksStageCompletes() throws Exception {
    // user code that blocks on another stage whose user code is queued behind it
    List<CompletableFuture<Integer>> outer = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      outer.add(
          CompletableFuture.supplyAsync(
              () -> CompletableFuture.supplyAsync(() -> n, executor).join(), executor));
    }
    for (int i = 0; i < outer.size(); i++) {
      assertEquals(i, outer.get(i).get(20, TimeUnit.SECONDS));
    }
  }
}
