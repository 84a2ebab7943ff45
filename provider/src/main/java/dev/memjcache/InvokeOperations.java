package dev.memjcache;

import dev.memjcache.event.EntryEventSink;
import dev.memjcache.integration.SingleFlight;
import dev.memjcache.processor.ProcessorEntry;
import dev.memjcache.support.Counter;
import java.util.Map;
import java.util.Set;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * {@code invoke} and {@code invokeAll} (JSR-107 section 7.4) as CAS loops: read the item ({@code
 * gets}), run the processor on a {@link ProcessorEntry}, apply what it did with {@code add}/{@code
 * cas}/delete-with-CAS, and run it again on a fresh read when another writer got there first. The
 * processor's read-modify-write is thereby atomic across JVMs; a processor may run more than once
 * per call when another JVM writes the entry meanwhile, so it should have no side effects beyond
 * the entry. Writer, events, expiry and statistics apply once, for the attempt that succeeded.
 *
 * <p>Within one JVM, calls on one key run one after the other ({@link SingleFlight#exclusive}):
 * each processor runs once and sees the entry the previous one left (Spring's
 * {@code @Cacheable(sync = true)} runs its method inside a processor, so the method runs once per
 * JVM). With the load lease on, a call that finds the entry absent takes the lease first, so one
 * JVM of the cluster runs its processor while the others wait for the entry.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class InvokeOperations<K, V> {

  private final CacheContext<K, V> ctx;
  private final EntryOperations<K, V> single;
  private final SingleFlight byKey;
  private final PipelinedInvoke<K, V> pipelined;

  /**
   * @param singleFlightWaits counts the calls that wait for another thread's call on their key
   */
  InvokeOperations(
      CacheContext<K, V> ctx, EntryOperations<K, V> single, Counter singleFlightWaits) {
    this.byKey = new SingleFlight(singleFlightWaits);
    this.ctx = ctx;
    this.single = single;
    this.pipelined = new PipelinedInvoke<>(ctx, this, byKey);
  }

  <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
    return invoke(key, null, 0, processor, arguments);
  }

  /**
   * One call, in its turn on the key within this JVM.
   *
   * @param preRead a read of the key made before the turn came (invokeAll's pipelined reads, taken
   *     at {@code preReadAt}), or null to read now; a stale one only costs a CAS conflict and a
   *     fresh read
   */
  <T> T invoke(
      K key,
      Slot<K, V> preRead,
      long preReadAt,
      EntryProcessor<K, V, T> processor,
      Object... arguments) {
    return byKey.exclusive(
        key,
        () -> {
          long now = preRead != null ? preReadAt : System.currentTimeMillis();
          Slot<K, V> first = preRead != null ? preRead : ctx.entries.read(key, now);
          if (first.isPresent() || !ctx.lease.isEnabled()) {
            return casLoop(key, first, now, processor, arguments);
          }
          return ctx.lease.guard(
              ctx.entries.leaseKey(first),
              () -> single.containsKey(key),
              () -> casLoop(key, null, 0, processor, arguments));
        });
  }

  /**
   * The CAS loop of one call: read, process, apply; again on a conflict.
   *
   * @param first the first read when already made (taken at {@code firstNow}), else null
   */
  private <T> T casLoop(
      K key,
      Slot<K, V> first,
      long firstNow,
      EntryProcessor<K, V, T> processor,
      Object[] arguments) {
    for (int attempt = 0; ; attempt++) {
      long start = System.nanoTime();
      long now = attempt == 0 && first != null ? firstNow : System.currentTimeMillis();
      Slot<K, V> read = attempt == 0 && first != null ? first : ctx.entries.read(key, now);
      Slot<K, V> slot = single.expiredFound(read);
      Attempt<K, V, T> run = attempt(slot, processor, arguments, attempt, start);
      if (apply(slot, run.entry(), now)) {
        return run.result();
      }
      EntryOperations.conflict(attempt, key);
    }
  }

  /**
   * {@code invokeAll}: the processors of the keys no other call of this JVM is working on run in
   * pipelined rounds ({@link PipelinedInvoke}), the others one by one in their turn.
   */
  <T> Map<K, EntryProcessorResult<T>> invokeAll(
      Set<? extends K> keys, EntryProcessor<K, V, T> processor, Object... arguments) {
    return pipelined.invokeAll(keys, processor, arguments);
  }

  /**
   * What one attempt's processor did to the entry {@code slot} holds, and what it returned.
   *
   * @param <T> the processor's result type
   */
  record Attempt<K, V, T>(ProcessorEntry<K, V> entry, T result) {}

  /**
   * Runs the processor once on the entry {@code slot} holds (already cleaned of an expired item),
   * the same for every path of {@code invoke} and {@code invokeAll}; the first attempt's read
   * counts as a hit or a miss (JSR-107 statistics of {@code invoke}).
   *
   * @param start when the attempt's read started, {@code System.nanoTime()}
   * @throws javax.cache.processor.EntryProcessorException what the processor threw, wrapped
   */
  <T> Attempt<K, V, T> attempt(
      Slot<K, V> slot,
      EntryProcessor<K, V, T> processor,
      Object[] arguments,
      int attempt,
      long start) {
    ProcessorEntry<K, V> entry =
        new ProcessorEntry<>(slot.key, slot.value(), ctx.loader.readThrough());
    T result = process(processor, entry, arguments);
    if (attempt == 0) {
      recordRead(ctx, slot, start);
    }
    return new Attempt<>(entry, result);
  }

  /** The statistics of an invoke's first read: a hit or a miss, and the get time. */
  private static void recordRead(CacheContext<?, ?> ctx, Slot<?, ?> slot, long start) {
    if (slot.isPresent()) {
      ctx.stats().recordHits(1);
    } else {
      ctx.stats().recordMisses(1);
    }
    ctx.stats().recordGetTime(System.nanoTime() - start);
  }

  /**
   * What the processor's operation means for the {@code CacheWriter}, called before memcached is
   * changed (on every attempt, as the write it precedes): {@code write} for a creation or update
   * (after the allowlist and size check), {@code delete} for a removal, nothing for a load (loads
   * are not written through) or a read.
   */
  static <K, V> void writeThrough(CacheContext<K, V> ctx, K key, ProcessorEntry<K, V> entry) {
    switch (entry.operation()) {
      case CREATE, UPDATE -> ctx.writeThrough(key, entry.newValue());
      case REMOVE -> ctx.writer.delete(key);
      default -> {
        // NONE, ACCESS, LOAD: nothing to write
      }
    }
  }

  /**
   * Runs the processor on {@code entry}; JSR-107 7.4: every failure of the processor surfaces as an
   * {@link EntryProcessorException}.
   */
  static <K, V, T> T process(
      EntryProcessor<K, V, T> processor, ProcessorEntry<K, V> entry, Object... arguments) {
    try {
      return processor.process(entry, arguments);
    } catch (EntryProcessorException e) {
      throw e;
    } catch (Exception e) {
      // RuntimeExceptions, and checked ones thrown sneakily (Kotlin, Lombok @SneakyThrows):
      // JSR-107 7.4 wants every processor failure wrapped
      throw new EntryProcessorException(e);
    }
  }

  /** Applies the processor's net effect; false on a CAS conflict (run it again). */
  private boolean apply(Slot<K, V> slot, ProcessorEntry<K, V> entry, long now) {
    long start = System.nanoTime();
    EntryWrite<K, V> write = decide(slot, entry, now);
    return finish(write, write.sendNow(ctx.entries), start, ctx.events);
  }

  /**
   * The write of what the processor did to the entry {@code slot} read at {@code now} (epoch ms),
   * shared by {@code invoke} and the pipelined {@code invokeAll}. Runs the writer first, as JSR-107
   * 7.4 wants it before the cache changes: {@code write} for a created or updated value (after
   * checking memcached will take it), {@code delete} for a removal; a loaded value is not written
   * through.
   *
   * @throws javax.cache.integration.CacheWriterException when the writer fails
   * @throws dev.memjcache.codec.ClassNotAllowedException when the new value names a refused class
   * @throws dev.memjcache.store.ItemTooLargeException when the new value does not fit an item
   */
  EntryWrite<K, V> decide(Slot<K, V> slot, ProcessorEntry<K, V> entry, long now) {
    K key = slot.key;
    writeThrough(ctx, key, entry);
    switch (entry.operation()) {
      case NONE:
        return EntryWrite.none(slot);
      case ACCESS:
        return EntryWrite.access(ctx.expiry, slot, now);
      case CREATE:
      case LOAD:
        return EntryWrite.create(ctx.expiry, slot, entry.newValue(), now);
      case UPDATE:
        return EntryWrite.update(ctx.expiry, slot, entry.newValue(), now);
      case REMOVE:
        return slot.isPresent() ? EntryWrite.remove(slot) : EntryWrite.none(slot);
      default:
        throw new IllegalStateException("unknown operation " + entry.operation());
    }
  }

  /**
   * After memcached answered {@code write} ({@link #decide}): its event and the put or removal
   * statistics, timed from {@code start} ({@link System#nanoTime}); the event goes to {@code
   * events} (the dispatcher, or the asynchronous view's collector).
   *
   * @return false on a CAS conflict (run the processor again on a fresh read); a touch that lost
   *     the race leaves the newer entry as it is and counts as done
   */
  boolean finish(EntryWrite<K, V> write, boolean stored, long start, EntryEventSink<K, V> events) {
    if (write.isNone() || write.command == EntryWrite.Command.TOUCH) {
      return true;
    }
    if (!stored) {
      return false;
    }
    write.publish(events);
    if (write.command == EntryWrite.Command.REMOVE) {
      ctx.stats().recordRemovals(1);
      ctx.stats().recordRemoveTime(System.nanoTime() - start);
    } else {
      recordPut(start);
    }
    return true;
  }

  private void recordPut(long start) {
    ctx.stats().recordPuts(1);
    ctx.stats().recordPutTime(System.nanoTime() - start);
  }
}
