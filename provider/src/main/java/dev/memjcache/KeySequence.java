package dev.memjcache;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Per-key order of the asynchronous {@code invoke}: the calls on one key in this JVM run one after
 * the other, each starting when the previous one's stage completed, without a waiting thread (the
 * asynchronous counterpart of {@link dev.memjcache.integration.SingleFlight#exclusive}). 128
 * increments of one key in flight thereby make 128 read-process-write rounds, not a storm of CAS
 * conflicts. A key's queue is removed when its last call completes. Turns whose stages are already
 * complete are taken in a loop, not by recursion. Thread-safe.
 */
final class KeySequence {

  /** The calls waiting for their turn, by key; present (maybe empty) while a call runs. */
  private final ConcurrentMap<Object, ArrayDeque<Turn<?>>> waiting = new ConcurrentHashMap<>();

  /**
   * Starts {@code work} when every earlier call on {@code key} has completed.
   *
   * @param work starts the call and returns its stage; what it throws fails the call
   * @return a stage with the outcome of {@code work}'s stage
   */
  <T> CompletableFuture<T> inTurn(Object key, Supplier<CompletableFuture<T>> work) {
    Turn<T> turn = new Turn<>(work);
    boolean[] first = {false};
    waiting.compute(
        key,
        (k, queue) -> {
          if (queue == null) {
            first[0] = true;
            return new ArrayDeque<>();
          }
          queue.add(turn);
          return queue;
        });
    if (first[0]) {
      run(key, turn);
    }
    return turn.result;
  }

  /** Keys with a call running (for tests: nothing may stay behind). */
  int inProgress() {
    return waiting.size();
  }

  /** Runs {@code turn} and the turns queued behind it while their stages complete at once. */
  private void run(Object key, Turn<?> turn) {
    Turn<?> current = turn;
    while (current != null) {
      CompletableFuture<?> stage = current.start();
      if (!stage.isDone()) {
        Turn<?> pending = current;
        stage.whenComplete(
            (r, e) -> {
              pending.finish(stage);
              run(key, next(key));
            });
        return;
      }
      current.finish(stage);
      current = next(key);
    }
  }

  /** The next waiting turn of {@code key}, or null (then the key's queue is removed). */
  private Turn<?> next(Object key) {
    Turn<?>[] next = {null};
    waiting.computeIfPresent(
        key,
        (k, queue) -> {
          next[0] = queue.poll();
          return next[0] == null ? null : queue;
        });
    return next[0];
  }

  /** One call: its work and its caller's stage. */
  private static final class Turn<T> {
    final Supplier<CompletableFuture<T>> work;
    final CompletableFuture<T> result = new CompletableFuture<>();

    Turn(Supplier<CompletableFuture<T>> work) {
      this.work = work;
    }

    CompletableFuture<T> start() {
      try {
        return work.get();
      } catch (RuntimeException | Error e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    @SuppressWarnings("unchecked")
    void finish(CompletableFuture<?> stage) {
      stage.whenComplete(
          (value, failure) -> {
            if (failure != null) {
              result.completeExceptionally(AsyncLoop.unwrap(failure));
            } else {
              result.complete((T) value);
            }
          });
    }
  }
}
