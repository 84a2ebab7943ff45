package dev.memjcache;

import java.util.concurrent.CompletableFuture;
import javax.cache.processor.EntryProcessor;

/**
 * {@code invoke} of the asynchronous view: the CAS loop of {@link InvokeOperations} as chained
 * stages. Each attempt reads the item ({@code gets}), runs the processor on the manager's executor
 * (with the writer call its operation needs, {@link InvokeOperations#decide}), then applies the
 * operation with {@code add}/{@code cas}/delete-with-CAS from where memcached answered; a conflict
 * makes another attempt on a fresh read, at most {@link EntryOperations#MAX_CAS_ATTEMPTS}.
 * Statistics, events and expiry are those of the synchronous invoke.
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

  AsyncInvoke(AsyncEntryOperations<K, V> ops, InvokeOperations<K, V> synchronous) {
    this.ctx = ops.ctx;
    this.ops = ops;
    this.synchronous = synchronous;
  }

  /** One invoke, in its turn on the key. */
  <T> CompletableFuture<T> invoke(K key, EntryProcessor<K, V, T> processor, Object[] arguments) {
    return byKey.inTurn(
        key,
        () -> {
          long start = System.nanoTime();
          long now = System.currentTimeMillis();
          AsyncEvents<K, V> events = ops.events();
          CompletableFuture<T> done =
              ops.async
                  .read(key, now)
                  .thenCompose(
                      first -> {
                        if (!first.isPresent() && ctx.lease.isEnabled()) {
                          return ops.synchronousOnExecutor(
                              () -> synchronous.invoke(key, processor, arguments));
                        }
                        return casLoop(key, first, start, now, processor, arguments, events);
                      });
          return events.delivered(done);
        });
  }

  /** What one attempt's processor did, and the write that applies it to memcached. */
  private record Processed<K, V, T>(EntryWrite<K, V> write, T result, long applyStart) {}

  private <T> CompletableFuture<T> casLoop(
      K key,
      Slot<K, V> first,
      long firstStart,
      long firstNow,
      EntryProcessor<K, V, T> processor,
      Object[] arguments,
      AsyncEvents<K, V> events) {
    return AsyncLoop.cas(
        key,
        attempt -> {
          long start = attempt == 0 ? firstStart : System.nanoTime();
          long now = attempt == 0 ? firstNow : System.currentTimeMillis();
          CompletableFuture<Slot<K, V>> read =
              attempt == 0 ? CompletableFuture.completedFuture(first) : ops.async.read(key, now);
          return read.thenCompose(found -> ops.expiredFound(found, events))
              .thenCompose(
                  slot ->
                      ops.userCode(
                          events,
                          () -> {
                            InvokeOperations.Attempt<K, V, T> run =
                                synchronous.attempt(slot, processor, arguments, attempt, start);
                            long applyStart = System.nanoTime();
                            // the writer runs here too, on the executor
                            EntryWrite<K, V> write = synchronous.decide(slot, run.entry(), now);
                            return new Processed<>(write, run.result(), applyStart);
                          }))
              .thenCompose(
                  done ->
                      done.write()
                          .send(ops.async)
                          .thenApply(
                              stored ->
                                  synchronous.finish(
                                          done.write(), stored, done.applyStart(), events)
                                      ? done.result()
                                      : AsyncLoop.RETRY));
        });
  }
}
