package dev.memjcache.store;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * Runs the completions the asynchronous view hands off its internal threads, one after the other,
 * on one thread of {@code thread}, in batches: a completion queued while a batch runs joins it, so
 * under load (many commands in flight) the I/O thread queues completions without a hand-off each.
 * Only an idle queue costs a submission to {@code thread}. Thread-safe.
 */
final class SerialCompletions implements StageCompletions {

  private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final ExecutorService thread;

  /**
   * @param thread the executor a batch runs on (one thread)
   */
  SerialCompletions(ExecutorService thread) {
    this.thread = thread;
  }

  @Override
  public void execute(Runnable completion) {
    queue.offer(completion);
    if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
      thread.execute(this::drain);
    }
  }

  private void drain() {
    do {
      for (Runnable next = queue.poll(); next != null; next = queue.poll()) {
        try {
          next.run();
        } catch (RuntimeException | Error e) {
          // a completion completes a stage; what it throws is the application's stage code
          LoggerFactory.getLogger(SerialCompletions.class)
              .warn("a completion of the asynchronous view threw", e);
        }
      }
      scheduled.set(false);
      // a completion queued after the last poll and before the reset found the batch running
    } while (!queue.isEmpty() && scheduled.compareAndSet(false, true));
  }

  @Override
  public void close() {
    thread.shutdown();
  }
}
