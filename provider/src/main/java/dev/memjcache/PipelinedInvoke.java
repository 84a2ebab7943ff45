package dev.memjcache;

import dev.memjcache.integration.SingleFlight;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * {@code invokeAll} (JSR-107 section 7.4) in pipelined rounds ({@link PipelinedWrites}): every
 * {@code gets} is sent before any answer is awaited, then every processor runs on the calling
 * thread, then every {@code add}/{@code cas}/delete-with-CAS (and the {@code cas} of an access
 * expiry) is sent before any answer is awaited. Only the keys whose write hit a CAS conflict are
 * read again, together, and their processors run again. So N keys cost a few round trips instead of
 * 2N. The processor's effect, the writer call, events, expiry and statistics of each key are those
 * of {@code invoke} ({@link InvokeOperations#decide}, {@link InvokeOperations#finish}); a key that
 * fails (its server down or timing out, the processor or the writer throwing) gets an {@link
 * EntryProcessorException} result, in either failure mode, and the other keys go on.
 *
 * <p><b>Turns within the JVM.</b> {@code invoke} runs each key's call in its turn ({@link
 * SingleFlight#exclusive}). Waiting for the turns of 100 keys at once could deadlock against
 * another {@code invokeAll} holding some of them and waiting for others. So this call takes the
 * turns it can get without waiting ({@link SingleFlight#tryTurn}), holds them through its rounds
 * (never waiting for another caller meanwhile: a processor that calls into the cache is covered by
 * the single flight's cycle check), and releases them all before it runs the keys it could not take
 * one by one through {@code invoke}, which waits for each turn while holding no other. Concurrent
 * {@code invoke} calls in this JVM thus still see each other's effects in turn, and each processor
 * of theirs runs once.
 *
 * <p>With the load lease on ({@code loadLeaseMillis}), a key its first read finds absent also takes
 * {@code invoke}'s path after the rounds, which takes the lease across JVMs before the processor
 * runs.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class PipelinedInvoke<K, V> {

  private final CacheContext<K, V> ctx;
  private final InvokeOperations<K, V> perKey;
  private final SingleFlight byKey;
  private final PipelinedWrites<K, V> rounds;

  /**
   * @param perKey the single-key calls: their write decision, and the path of the keys that are
   *     busy or absent under the load lease
   * @param byKey the turns of {@code perKey}'s calls
   */
  PipelinedInvoke(CacheContext<K, V> ctx, InvokeOperations<K, V> perKey, SingleFlight byKey) {
    this.ctx = ctx;
    this.perKey = perKey;
    this.byKey = byKey;
    this.rounds = new PipelinedWrites<>(ctx);
  }

  /**
   * Runs {@code processor} on every key.
   *
   * @return the non-null results and the failures ({@link EntryProcessorException}) by key
   */
  <T> Map<K, EntryProcessorResult<T>> invokeAll(
      Set<? extends K> keys, EntryProcessor<K, V, T> processor, Object... arguments) {
    Map<K, EntryProcessorResult<T>> results = new HashMap<>();
    long now = System.currentTimeMillis();
    Map<K, CompletableFuture<Slot<K, V>>> reads = new LinkedHashMap<>();
    List<K> busy = new ArrayList<>();
    List<SingleFlight.Turn> turns = new ArrayList<>(keys.size());
    Keys<T> step = new Keys<>(processor, arguments, results);
    try {
      for (K key : keys) {
        SingleFlight.Turn turn = byKey.tryTurn(key);
        if (turn == null) {
          busy.add(key); // read in its turn: a read now would be stale by then
          continue;
        }
        turns.add(turn);
        reads.put(key, rounds.read(key, now));
      }
      rounds.run(reads, now, step);
    } finally {
      turns.forEach(SingleFlight.Turn::release);
    }
    step.leased.forEach((key, slot) -> invokeOne(key, slot, now, processor, arguments, results));
    for (K key : busy) {
      invokeOne(key, null, 0, processor, arguments, results);
    }
    return results;
  }

  /** One key through {@code invoke}'s path, its result or failure put in {@code results}. */
  private <T> void invokeOne(
      K key,
      Slot<K, V> preRead,
      long preReadAt,
      EntryProcessor<K, V, T> processor,
      Object[] arguments,
      Map<K, EntryProcessorResult<T>> results) {
    try {
      T result = perKey.invoke(key, preRead, preReadAt, processor, arguments);
      if (result != null) {
        results.put(key, () -> result);
      }
    } catch (RuntimeException e) {
      results.put(key, failure(e));
    }
  }

  private static <T> EntryProcessorResult<T> failure(RuntimeException e) {
    EntryProcessorException failure =
        e instanceof EntryProcessorException epe ? epe : new EntryProcessorException(e);
    return () -> {
      throw failure;
    };
  }

  /** The processor of each key in the rounds, with {@code invoke}'s statistics. */
  private final class Keys<T> implements PipelinedWrites.Step<K, V> {
    private final EntryProcessor<K, V, T> processor;
    private final Object[] arguments;
    private final Map<K, EntryProcessorResult<T>> results;

    /** Keys found absent under the load lease, for {@code invoke}'s path. */
    final Map<K, Slot<K, V>> leased = new LinkedHashMap<>();

    /** The result of each key's latest processor run, and when its write was decided. */
    private final Map<K, Run<T>> runs = new HashMap<>();

    Keys(
        EntryProcessor<K, V, T> processor,
        Object[] arguments,
        Map<K, EntryProcessorResult<T>> results) {
      this.processor = processor;
      this.arguments = arguments;
      this.results = results;
    }

    @Override
    public EntryWrite<K, V> decide(Slot<K, V> slot, long now, int attempt) {
      K key = slot.key;
      if (attempt == 0 && !slot.isPresent() && ctx.lease.isEnabled()) {
        leased.put(key, slot);
        return null;
      }
      long start = System.nanoTime();
      InvokeOperations.Attempt<K, V, T> run =
          perKey.attempt(slot, processor, arguments, attempt, start);
      long decided = System.nanoTime();
      EntryWrite<K, V> write = perKey.decide(slot, run.entry(), now);
      runs.put(key, new Run<>(run.result(), decided));
      return write;
    }

    @Override
    public boolean answered(EntryWrite<K, V> write, boolean stored) {
      Run<T> run = runs.get(write.slot.key);
      if (!perKey.finish(write, stored, run.decided, ctx.events)) {
        return false;
      }
      if (run.result != null) {
        T result = run.result;
        results.put(write.slot.key, () -> result);
      }
      return true;
    }

    @Override
    public void failed(K key, RuntimeException failure) {
      results.put(key, failure(failure));
    }
  }

  /** One processor run: its result and when its write was decided ({@link System#nanoTime}). */
  private record Run<T>(T result, long decided) {}
}
