package dev.memjcache;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The loops of the asynchronous view without a waiting thread and without recursion: a
 * compare-and-set loop whose attempts are stages ({@link #cas}), and a sequence of stages run one
 * after the other ({@link #inOrder}). An attempt whose stage is already complete (a server marked
 * down fails at once, an answer arrives before the next step is attached) is taken in a plain
 * {@code while} loop, so {@link EntryOperations#MAX_CAS_ATTEMPTS} attempts cannot overflow the
 * stack; only a pending stage continues from the thread that completes it.
 */
final class AsyncLoop {

  /** What an attempt answers when it lost a CAS race and must be made again on a fresh read. */
  static final Object RETRY = new Object();

  private AsyncLoop() {}

  /**
   * Runs {@code attempt} (given its number, from 0) until its stage answers something other than
   * {@link #RETRY}; between attempts {@link EntryOperations#conflict} bounds the conflicts with the
   * same {@link javax.cache.CacheException} as the synchronous loops.
   *
   * @param key the entry's key, for the conflict message
   * @param attempt one attempt: a stage of its result or {@link #RETRY}; what it throws or its
   *     stage fails with fails the loop
   * @return a stage of the first result other than {@link #RETRY}
   */
  static <T> CompletableFuture<T> cas(Object key, IntFunction<CompletableFuture<?>> attempt) {
    return cas(key, attempt, true);
  }

  /**
   * Runs {@code step} for each element of {@code items} in order, each after the previous one's
   * stage completed; the first failure stops the sequence.
   *
   * @return a stage completing when every step completed
   */
  static <E> CompletableFuture<Void> inOrder(
      List<E> items, Function<E, CompletableFuture<?>> step) {
    return AsyncLoop.<Void>cas(
        "",
        index -> {
          if (index >= items.size()) {
            return CompletableFuture.completedFuture(null);
          }
          return step.apply(items.get(index)).thenApply(ignored -> RETRY);
        },
        false);
  }

  private static <T> CompletableFuture<T> cas(
      Object key, IntFunction<CompletableFuture<?>> attempt, boolean bounded) {
    CompletableFuture<T> result = new CompletableFuture<>();
    new Runner<>(key, attempt, result, bounded).run(0);
    return result;
  }

  /** One loop: its attempts and its result. */
  private static final class Runner<T> {
    private final Object key;
    private final IntFunction<CompletableFuture<?>> attempt;
    private final CompletableFuture<T> result;
    private final boolean bounded;

    Runner(
        Object key,
        IntFunction<CompletableFuture<?>> attempt,
        CompletableFuture<T> result,
        boolean bounded) {
      this.key = key;
      this.bounded = bounded;
      this.attempt = attempt;
      this.result = result;
    }

    /**
     * Makes attempts from {@code first} on while their stages are complete already (the
     * trampoline); a pending one continues in {@link #after}.
     */
    void run(int first) {
      int n = first;
      while (true) {
        CompletableFuture<?> stage;
        try {
          stage = attempt.apply(n);
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(e);
          return;
        }
        if (!stage.isDone()) {
          int current = n;
          stage.whenComplete((outcome, failure) -> after(current, outcome, failure));
          return;
        }
        Object outcome;
        try {
          outcome = stage.join();
        } catch (CompletionException | CancellationException e) {
          result.completeExceptionally(unwrap(e));
          return;
        }
        if (!again(n, outcome)) {
          return;
        }
        n++;
      }
    }

    /** The end of a pending attempt, on the thread that completed it. */
    private void after(int n, Object outcome, Throwable failure) {
      if (failure != null) {
        result.completeExceptionally(unwrap(failure));
      } else if (again(n, outcome)) {
        run(n + 1);
      }
    }

    /** Completes the result unless {@code outcome} is {@link #RETRY}; true to go on. */
    @SuppressWarnings("unchecked")
    private boolean again(int n, Object outcome) {
      if (outcome != RETRY) {
        result.complete((T) outcome);
        return false;
      }
      if (bounded) {
        try {
          EntryOperations.conflict(n, key);
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
          return false;
        }
      }
      return true;
    }
  }

  /** The cause of a {@link CompletionException}, else {@code e}. */
  static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }
}
