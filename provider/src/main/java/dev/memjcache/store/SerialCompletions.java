package dev.memjcache.store;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * Runs the completions the asynchronous view hands off its internal threads, one after the other,
 * on one daemon thread of its own, in batches: a completion queued while a batch runs joins it, so
 * under load (many commands in flight) the I/O thread queues completions without a wake-up each.
 * Only a completion queued while the thread is parked costs an {@code unpark}: no lock, no executor
 * queue. The thread starts on first use and ends with {@link #close}. Thread-safe.
 */
final class SerialCompletions implements StageCompletions {

  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();

  /** Whether the thread is running a batch or was told to; producers unpark it only when not. */
  private final AtomicBoolean awake = new AtomicBoolean();

  private final String threadName;
  private volatile Thread thread;
  private volatile boolean closed;

  /**
   * @param threadName the name of the daemon thread, e.g. {@code memjcache-completions}
   */
  SerialCompletions(String threadName) {
    this.threadName = threadName;
  }

  @Override
  public void execute(Runnable completion) {
    queue.offer(completion);
    if (!awake.get() && awake.compareAndSet(false, true)) {
      wake();
    }
  }

  private void wake() {
    Thread running = thread;
    if (running == null) {
      synchronized (this) {
        running = thread;
        if (running == null) {
          running = new Thread(this::run, threadName);
          running.setDaemon(true);
          thread = running;
          running.start();
          return;
        }
      }
    }
    LockSupport.unpark(running);
  }

  private void run() {
    while (!closed) {
      for (Runnable next = queue.poll(); next != null; next = queue.poll()) {
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          // a completion completes a stage; what it throws is the application's stage code
          LoggerFactory.getLogger(SerialCompletions.class)
              .warn("a completion of the asynchronous view threw", e);
        }
      }
      awake.set(false);
      // a completion queued after the last poll and before the reset saw the thread awake
      if (queue.isEmpty() || !awake.compareAndSet(false, true)) {
        LockSupport.park(this); // returns at once when a producer unparked after the reset
      }
    }
  }

  /** Whether the thread has ended after {@link #close}, waiting up to {@code millis}. */
  boolean awaitTermination(long millis) throws InterruptedException {
    Thread running = thread;
    if (running != null) {
      running.join(millis);
      return !running.isAlive();
    }
    return true;
  }

  @Override
  public void close() {
    closed = true;
    Thread running = thread;
    if (running != null) {
      LockSupport.unpark(running);
    }
  }
}
