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

  /** The value of a key whose call runs with no call waiting behind it. */
  private static final Object RUNNING = new Object();

  /**
   * By key: {@link #RUNNING}, or the calls waiting behind the running one (an {@code
   * ArrayDeque<Turn<?>>}, never empty); absent while no call on the key runs.
   */
  private final ConcurrentMap<Object, Object> waiting = new ConcurrentHashMap<>();

  /**
   * Starts {@code work} when every earlier call on {@code key} has completed.
   *
   * @param work starts the call and returns its stage; what it throws fails the call
   * @return a stage with the outcome of {@code work}'s stage, completing after the key was handed
   *     on or released
   */
  <T> CompletableFuture<T> inTurn(Object key, Supplier<CompletableFuture<T>> work) {
    if (waiting.putIfAbsent(key, RUNNING) == null) {
      // the common case, a free key: no queue, no turn object
      return start(work).whenComplete((value, failure) -> handOn(key));
    }
    Turn<T> turn = new Turn<>(work);
    if (enqueue(key, turn)) {
      run(key, turn);
    }
    return turn.result;
  }

  /** Keys with a call running (for tests: nothing may stay behind). */
  int inProgress() {
    return waiting.size();
  }

  /** Queues {@code turn} behind the running call; true when the key was free (run it now). */
  @SuppressWarnings("unchecked")
  private boolean enqueue(Object key, Turn<?> turn) {
    boolean[] free = {false};
    waiting.compute(
        key,
        (k, current) -> {
          if (current == null) {
            free[0] = true;
            return RUNNING;
          }
          ArrayDeque<Turn<?>> queue =
              current == RUNNING ? new ArrayDeque<>() : (ArrayDeque<Turn<?>>) current;
          queue.add(turn);
          return queue;
        });
    return free[0];
  }

  /** After a call on {@code key} completed: runs the calls waiting behind it, or frees the key. */
  private void handOn(Object key) {
    Turn<?> next = next(key);
    if (next != null) {
      run(key, next);
    }
  }

  /**
   * Runs {@code turn} and the turns queued behind it while their stages complete at once. A turn's
   * key is handed on (or released) before its caller's stage completes, so a caller that makes its
   * next call on the key from that stage finds the key free, not still held by the call it awaited.
   */
  private void run(Object key, Turn<?> turn) {
    Turn<?> current = turn;
    while (current != null) {
      CompletableFuture<?> stage = start(current.work);
      if (!stage.isDone()) {
        Turn<?> pending = current;
        stage.whenComplete(
            (value, failure) -> {
              Turn<?> next = next(key);
              pending.finish(value, failure);
              if (next != null) {
                run(key, next);
              }
            });
        return;
      }
      Turn<?> next = next(key);
      stage.whenComplete(current::finish);
      current = next;
    }
  }

  /** The next waiting turn of {@code key}, which then runs; or null, and the key is free. */
  @SuppressWarnings("unchecked")
  private Turn<?> next(Object key) {
    if (waiting.remove(key, RUNNING)) {
      return null;
    }
    Turn<?>[] next = {null};
    waiting.computeIfPresent(
        key,
        (k, current) -> {
          // a queue: the remove above failed, and only the running call hands its key on
          ArrayDeque<Turn<?>> queue = (ArrayDeque<Turn<?>>) current;
          next[0] = queue.poll();
          return queue.isEmpty() ? RUNNING : queue;
        });
    return next[0];
  }

  private static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> work) {
    try {
      return work.get();
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** One queued call: its work and its caller's stage. */
  private static final class Turn<T> {
    final Supplier<CompletableFuture<T>> work;
    final CompletableFuture<T> result = new CompletableFuture<>();

    Turn(Supplier<CompletableFuture<T>> work) {
      this.work = work;
    }

    /** Completes the caller's stage with {@code value}, or {@code failure} when not null. */
    @SuppressWarnings("unchecked")
    void finish(Object value, Throwable failure) {
      if (failure != null) {
        result.completeExceptionally(AsyncLoop.unwrap(failure));
      } else {
        result.complete((T) value);
      }
    }
  }
}
