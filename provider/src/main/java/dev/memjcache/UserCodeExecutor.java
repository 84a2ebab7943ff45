package dev.memjcache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the asynchronous view's user code (processors, loaders, writers, listener deliveries) on
 * threads of the cache manager's executor with fewer thread hand-offs: tasks go into one queue that
 * a few threads of the manager's executor drain, so under load a task starts without waking a
 * thread. At most {@link #DRAINERS} threads drain at once while they make progress.
 *
 * <p>A task never waits for ever behind blocked ones: when tasks are queued and no task completed
 * for {@link #STALL_MILLIS} ms (user code waiting for a database, or for another stage whose user
 * code is queued behind it), another thread of the manager's executor starts draining, and so on
 * while the stall lasts. User code that blocks thereby holds its own thread, as on the manager's
 * executor itself, at the cost of up to {@link #STALL_MILLIS} ms before the tasks behind it start.
 * Thread-safe.
 */
final class UserCodeExecutor implements Executor {

  /**
   * Threads draining the queue at once, unless they stall: one per core but the one that
   * spymemcached's I/O thread keeps busy under load, at least one. One more drainer than that only
   * parks and wakes more often (measured on 2 cores: async {@code invoke} at 0.82–0.92 of raw
   * spymemcached with two drainers, 0.98–1.01 with one).
   */
  static final int DRAINERS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

  /** How long queued tasks wait for progress before another thread is started, ms. */
  static final long STALL_MILLIS = 5;

  private final Executor pool;
  private final Executor stallCheck;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger draining = new AtomicInteger();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicBoolean checking = new AtomicBoolean();

  /**
   * @param pool the manager's executor; its threads run every task
   */
  UserCodeExecutor(Executor pool) {
    this.pool = pool;
    this.stallCheck = CompletableFuture.delayedExecutor(STALL_MILLIS, TimeUnit.MILLISECONDS, pool);
  }

  /**
   * Queues {@code task}; starts a draining thread when fewer than {@link #DRAINERS} drain, else
   * makes sure a stall is noticed.
   *
   * @throws RejectedExecutionException when the manager's executor is shut down
   */
  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    int now = draining.get();
    while (now < DRAINERS) {
      if (draining.compareAndSet(now, now + 1)) {
        start();
        return;
      }
      now = draining.get();
    }
    watch();
  }

  private void start() {
    try {
      pool.execute(this::drain);
    } catch (RejectedExecutionException closed) {
      draining.decrementAndGet();
      throw closed;
    }
  }

  /** On a thread of the manager's executor: runs queued tasks until none is left. */
  private void drain() {
    while (true) {
      Runnable task = tasks.poll();
      if (task == null) {
        draining.decrementAndGet();
        // a task queued after the poll may have seen this thread draining and started none
        if (tasks.isEmpty() || !rejoin()) {
          return;
        }
        continue;
      }
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        // the tasks are stages' own runnables: they complete their stage with what they threw
      }
      completed.incrementAndGet();
    }
  }

  /** Takes this thread back into the drainers when there is room. */
  private boolean rejoin() {
    int now = draining.get();
    while (now < DRAINERS) {
      if (draining.compareAndSet(now, now + 1)) {
        return true;
      }
      now = draining.get();
    }
    return false; // the drainers running will take the task
  }

  /** Schedules one stall check unless one is pending. */
  private void watch() {
    if (checking.compareAndSet(false, true)) {
      long seen = completed.get();
      try {
        stallCheck.execute(() -> checkStall(seen));
      } catch (RejectedExecutionException closed) {
        checking.set(false);
      }
    }
  }

  /** Starts one more draining thread when tasks wait and none completed since {@code seen}. */
  private void checkStall(long seen) {
    checking.set(false);
    if (tasks.isEmpty()) {
      return;
    }
    if (completed.get() == seen) {
      draining.incrementAndGet();
      try {
        start();
      } catch (RejectedExecutionException closed) {
        return;
      }
    }
    watch();
  }
}
