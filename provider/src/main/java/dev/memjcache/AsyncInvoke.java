package dev.memjcache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.cache.processor.EntryProcessor;

/**
 * {@code invoke} of the asynchronous view: the CAS loop of {@link InvokeOperations} without a
 * waiting thread. Each attempt reads the item ({@code gets}); the manager's executor decodes it,
 * runs the processor and the writer call its operation needs ({@link InvokeOperations#decide}) and
 * sends the write ({@code add}/{@code cas}/delete-with-CAS); where memcached answers the write, its
 * statistics and event are recorded ({@link InvokeOperations#finish}), or a conflict starts another
 * attempt on a fresh read, at most {@link EntryOperations#MAX_CAS_ATTEMPTS}. Statistics, events and
 * expiry are those of the synchronous invoke.
 *
 * <p>One {@link Call} object carries a call through its attempts, as the callback of each command
 * and the executor's task: spymemcached's I/O thread only hands answers over (it neither decodes
 * nor runs a chain of stages), since under load it is the thread every call of the manager waits
 * for.
 *
 * <p>Calls on one key in this JVM run one after the other ({@link KeySequence}), so each processor
 * sees the entry the previous one left and in-flight calls on a hot key do not race each other's
 * CAS. With the load lease on and the entry absent, the call runs the synchronous invoke on the
 * executor (taking the lease may wait for another JVM).
 *
 * @param <K> key type
 * @param <V> value type
 */
final class AsyncInvoke<K, V> {

  private final CacheContext<K, V> ctx;
  private final AsyncEntryOperations<K, V> ops;
  private final InvokeOperations<K, V> synchronous;
  private final KeySequence byKey = new KeySequence();
  private final boolean finishOnExecutor;

  /**
   * @param finishOnExecutor whether a write's answer is handed to the executor, where the call's
   *     stage then completes ({@code asyncCompletion=thread}), instead of being finished where it
   *     arrived ({@code inline})
   */
  AsyncInvoke(
      AsyncEntryOperations<K, V> ops,
      InvokeOperations<K, V> synchronous,
      boolean finishOnExecutor) {
    this.ctx = ops.ctx;
    this.ops = ops;
    this.synchronous = synchronous;
    this.finishOnExecutor = finishOnExecutor;
  }

  /** One invoke, in its turn on the key. */
  <T> CompletableFuture<T> invoke(K key, EntryProcessor<K, V, T> processor, Object[] arguments) {
    return byKey.inTurn(key, () -> new Call<>(key, processor, arguments).start());
  }

  /**
   * One call through its attempts. Its fields are handed from thread to thread only through the
   * completion of a command's future or the executor's queue, which order them.
   */
  private final class Call<T> implements Runnable, BiConsumer<Object, Throwable> {
    private final K key;
    private final EntryProcessor<K, V, T> processor;
    private final Object[] arguments;
    private final AsyncEvents<K, V> events = ops.events();
    private final CompletableFuture<T> result = new CompletableFuture<>();

    private int attempt;
    private long start;
    private long now;

    /**
     * The current attempt's read, which the executor decodes; null while the read is awaited, so an
     * answer that finds it set is the write's.
     */
    private Supplier<Slot<K, V>> read;

    private EntryWrite<K, V> write;
    private T value;
    private long applyStart;

    Call(K key, EntryProcessor<K, V, T> processor, Object[] arguments) {
      this.key = key;
      this.processor = processor;
      this.arguments = arguments;
    }

    CompletableFuture<T> start() {
      attempt(0);
      return events.delivered(result);
    }

    /** Reads the item for attempt {@code n}; its answer comes to {@link #accept}. */
    private void attempt(int n) {
      attempt = n;
      start = System.nanoTime();
      now = System.currentTimeMillis();
      ops.async.readUndecoded(key, now, this);
    }

    /** A command's answer, where memcached's answer arrived: the read's or the write's. */
    @Override
    @SuppressWarnings("unchecked")
    public void accept(Object answer, Throwable failure) {
      if (failure != null) {
        result.completeExceptionally(AsyncLoop.unwrap(failure));
      } else if (read == null) {
        read = (Supplier<Slot<K, V>>) answer;
        onExecutor(this);
      } else {
        read = null;
        boolean stored = (Boolean) answer;
        if (finishOnExecutor) {
          onExecutor(() -> written(stored));
        } else {
          written(stored);
        }
      }
    }

    /** On the executor: decodes the read, then processes it (or cleans an expired item first). */
    @Override
    public void run() {
      try {
        Slot<K, V> found = read.get();
        if (attempt == 0 && !found.isPresent() && ctx.lease.isEnabled()) {
          ops.synchronousOnExecutor(() -> synchronous.invoke(key, processor, arguments))
              .whenComplete(this::settle);
          return;
        }
        if (EntryWrite.expired(found) == null) {
          process(found);
          return;
        }
        ops.expiredFound(found, events)
            .whenComplete(
                (target, failure) -> {
                  if (failure != null) {
                    result.completeExceptionally(AsyncLoop.unwrap(failure));
                  } else {
                    onExecutor(() -> process(target));
                  }
                });
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    }

    /** On the executor: runs the processor and the writer, and sends the write. */
    private void process(Slot<K, V> slot) {
      try {
        events.publishNow();
        InvokeOperations.Attempt<K, V, T> run =
            synchronous.attempt(slot, processor, arguments, attempt, start);
        applyStart = System.nanoTime();
        write = synchronous.decide(slot, run.entry(), now);
        value = run.result();
        write.send(ops.async).whenComplete(this);
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    }

    /** Where the write's answer arrived: done, or another attempt after a CAS conflict. */
    private void written(boolean stored) {
      try {
        if (synchronous.finish(write, stored, applyStart, events)) {
          result.complete(value);
          return;
        }
        EntryOperations.conflict(attempt, key);
        attempt(attempt + 1);
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    }

    private void onExecutor(Runnable step) {
      try {
        ops.executor.execute(step);
      } catch (RejectedExecutionException closed) {
        result.completeExceptionally(closed);
      }
    }

    private void settle(T outcome, Throwable failure) {
      if (failure != null) {
        result.completeExceptionally(AsyncLoop.unwrap(failure));
      } else {
        result.complete(outcome);
      }
    }
  }
}
