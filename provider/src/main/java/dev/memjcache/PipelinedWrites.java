package dev.memjcache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.cache.CacheException;

/**
 * The read-decide-write rounds of the bulk operations that write conditionally ({@code invokeAll},
 * {@code putAll} when listeners or the expiry policy need the old entry, {@code removeAll(keys)},
 * {@code loadAll}), pipelined: every {@code gets} of a round is sent before any answer is awaited,
 * and each key's {@code add}/{@code cas}/delete-with-CAS is sent as soon as its own answer is in
 * (while the later answers are still arriving), all awaited at the end of the round; so a round
 * costs about one round trip per server whatever the number of keys. Only the keys whose write hit
 * a CAS conflict (another writer changed the item since the read) are read again, in the next
 * round, up to {@link EntryOperations#MAX_CAS_ATTEMPTS} conflicts per key. Expired entries the
 * reads find are deleted first (delete-with-CAS, EXPIRED once), pipelined as well.
 *
 * <p>Everything but the memcached commands runs on the calling thread: the {@link Step} (entry
 * processors, writer, statistics) and the events, so synchronous listeners are awaited before the
 * call returns as for the single-entry operations. A failure of one key (its server down or timing
 * out, a refused value, a processor or writer exception) goes to {@link Step#failed} and the other
 * keys go on.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class PipelinedWrites<K, V> {

  /** What a bulk operation does with each key in the rounds. */
  interface Step<K, V> {
    /**
     * The write for what the read of round {@code attempt} found ({@code slot}, already cleaned of
     * an expired entry), or null when the key needs none and is done.
     *
     * @param now the time of the read, epoch ms
     * @throws RuntimeException to fail the key ({@link #failed} gets it)
     */
    EntryWrite<K, V> decide(Slot<K, V> slot, long now, int attempt);

    /**
     * memcached answered {@code write} ({@code stored} is false on a CAS conflict or an existing
     * item for {@code add}).
     *
     * @return true when the key is done, false to read it again in the next round
     */
    boolean answered(EntryWrite<K, V> write, boolean stored);

    /** The key failed (read, cleanup, {@link #decide} or write); it takes no further round. */
    void failed(K key, RuntimeException failure);
  }

  private final CacheContext<K, V> ctx;

  PipelinedWrites(CacheContext<K, V> ctx) {
    this.ctx = ctx;
  }

  /** Sends a {@code gets} of every key before any answer is awaited; runs the rounds. */
  void run(Collection<? extends K> keys, long now, Step<K, V> step) {
    Map<K, CompletableFuture<Slot<K, V>>> reads = new LinkedHashMap<>();
    for (K key : keys) {
      reads.put(key, read(key, now));
    }
    run(reads, now, step);
  }

  /**
   * Runs the rounds from reads already sent.
   *
   * @param reads the pending read of each key, taken at {@code now} (epoch ms)
   */
  void run(Map<K, CompletableFuture<Slot<K, V>>> reads, long now, Step<K, V> step) {
    Map<K, CompletableFuture<Slot<K, V>>> pending = reads;
    long readAt = now;
    for (int attempt = 0; !pending.isEmpty(); attempt++) {
      Round round = new Round(step, readAt, attempt, pending.size());
      // each write is sent as soon as its read is in, while the later reads are still arriving
      List<EntryWrite<K, V>> cleanups = new ArrayList<>();
      List<CompletableFuture<Boolean>> deletes = new ArrayList<>();
      for (Map.Entry<K, CompletableFuture<Slot<K, V>>> read : pending.entrySet()) {
        Slot<K, V> slot;
        try {
          slot = read.getValue().join();
        } catch (RuntimeException e) {
          step.failed(read.getKey(), cause(e));
          continue;
        }
        EntryWrite<K, V> cleanup = EntryWrite.expired(slot);
        if (cleanup == null) {
          round.send(slot);
          continue;
        }
        try {
          deletes.add(cleanup.send(ctx.pipelined));
          cleanups.add(cleanup);
        } catch (RuntimeException e) {
          step.failed(slot.key, e);
        }
      }
      for (int i = 0; i < cleanups.size(); i++) {
        EntryWrite<K, V> cleanup = cleanups.get(i);
        Boolean deleted = answer(deletes.get(i), cleanup, step);
        if (deleted == null) {
          continue;
        }
        if (deleted) {
          cleanup.publish(ctx.events); // EXPIRED, once: this JVM deleted it
        }
        round.send(cleanup.afterExpiry(deleted));
      }
      List<K> conflicts = round.conflicts();
      readAt = System.currentTimeMillis();
      pending = new LinkedHashMap<>();
      for (K key : conflicts) {
        try {
          EntryOperations.conflict(attempt, key);
        } catch (CacheException gaveUp) {
          step.failed(key, gaveUp);
          continue;
        }
        pending.put(key, read(key, readAt));
      }
    }
  }

  /**
   * The pending {@code gets} of {@code key}: the key's own future, or a failed one when the read
   * could not even be sent (a key the allowlist refuses to serialize).
   */
  CompletableFuture<Slot<K, V>> read(K key, long now) {
    try {
      return ctx.pipelined.read(key, now);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** The writes of one round, sent as their reads arrive, awaited together at its end. */
  private final class Round {
    private final Step<K, V> step;
    private final long readAt;
    private final int attempt;
    private final List<EntryWrite<K, V>> writes;
    private final List<CompletableFuture<Boolean>> answers;

    Round(Step<K, V> step, long readAt, int attempt, int size) {
      this.step = step;
      this.readAt = readAt;
      this.attempt = attempt;
      this.writes = new ArrayList<>(size);
      this.answers = new ArrayList<>(size);
    }

    /** Decides the write for what the read found and sends it without awaiting the answer. */
    void send(Slot<K, V> slot) {
      try {
        EntryWrite<K, V> write = step.decide(slot, readAt, attempt);
        if (write != null) {
          answers.add(write.send(ctx.pipelined));
          writes.add(write);
        }
      } catch (RuntimeException e) {
        step.failed(slot.key, e);
      }
    }

    /** Awaits every answer in order, tells the step; returns the keys to read again. */
    List<K> conflicts() {
      List<K> conflicts = new ArrayList<>();
      for (int i = 0; i < writes.size(); i++) {
        EntryWrite<K, V> write = writes.get(i);
        Boolean stored = answer(answers.get(i), write, step);
        if (stored != null && !step.answered(write, stored)) {
          conflicts.add(write.slot.key);
        }
      }
      return conflicts;
    }
  }

  /** The answer to {@code write}, or null when it failed (then the step was told). */
  private static <K, V> Boolean answer(
      CompletableFuture<Boolean> answer, EntryWrite<K, V> write, Step<K, V> step) {
    try {
      return answer.join();
    } catch (RuntimeException e) {
      step.failed(write.slot.key, cause(e));
      return null;
    }
  }

  /** The exception a future failed with: the command's own, not the {@code join} wrapper. */
  static RuntimeException cause(RuntimeException e) {
    Throwable cause = AsyncLoop.unwrap(e);
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new CacheException(cause);
  }
}
