package dev.memjcache.integration;

import dev.memjcache.support.Counter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-key single flight within one JVM: concurrent calls on one key of one cache run one at a time,
 * so a read-through loader (JSR-107 9.1) runs once for concurrent misses and an entry processor
 * (7.4) does not race the other processors of this JVM through the CAS loop. Atomicity across JVMs
 * stays memcached's {@code cas}; this only removes the duplicate work inside a JVM.
 *
 * <ul>
 *   <li>{@link #shared}: the first caller runs the work; callers that arrive while it runs wait and
 *       get its result, or its exception (the same instance).
 *   <li>{@link #exclusive}: callers run their own work, one after the other.
 *   <li>{@link #sharedAll}: {@link #shared} for the missing keys of {@code getAll}.
 * </ul>
 *
 * <p>A call holds at most the keys it works on and releases them before it waits for another
 * caller; a call that works on many keys at once ({@code invokeAll}) takes their turns with {@link
 * #tryTurn}, never waiting while it holds any, so no two calls can deadlock on key order. A thread
 * that re-enters its own key (a processor or loader touching the same key) runs at once; a wait
 * that would close a cycle (thread A waits for B which waits for A, through nested calls on other
 * keys or caches) is not entered; a wait is bounded by {@link #MAX_WAIT_MILLIS}. In these cases the
 * caller runs its work without the single flight, which is still correct, only not deduplicated.
 * Nothing stays in the maps after a call: entries are removed when the work ends.
 */
public class SingleFlight {

  /** The longest a caller waits for another caller's work on the same key, ms. */
  public static final long MAX_WAIT_MILLIS = 30_000;

  /** The null object: runs every work at once, for caches that need no single flight. */
  public static final SingleFlight NONE =
      new SingleFlight() {
        @Override
        public <R> R shared(Object key, Supplier<R> work) {
          return work.get();
        }

        @Override
        public <R> R exclusive(Object key, Supplier<R> work) {
          return work.get();
        }

        @Override
        public <K, V> Map<K, V> sharedAll(Collection<K> keys, Function<Set<K>, Map<K, V>> work) {
          return work.apply(new LinkedHashSet<>(keys));
        }

        @Override
        public Turn tryTurn(Object key) {
          return Turn.REENTERED;
        }
      };

  private static final Logger LOG = LoggerFactory.getLogger(SingleFlight.class);

  /** What each waiting thread waits for, over all caches: for the cycle check. */
  private static final Map<Thread, Flight> WAITING = new ConcurrentHashMap<>();

  private final Map<Object, Flight> flights = new ConcurrentHashMap<>();
  private final Counter waits;

  /** Creates an empty single flight (one per cache and kind of work) counting its waits alone. */
  public SingleFlight() {
    this(new Counter());
  }

  /**
   * Creates an empty single flight (one per cache and kind of work).
   *
   * @param waits counts the calls that wait for another caller's work on their key
   */
  public SingleFlight(Counter waits) {
    this.waits = waits;
  }

  /**
   * Runs {@code work} once for the callers that want {@code key} at the same time.
   *
   * @return the result of this caller's work or of the work it waited for
   * @throws RuntimeException whatever the work threw (also to the callers that waited for it)
   * @throws CacheException when interrupted while waiting (the interrupt flag is set again)
   */
  public <R> R shared(Object key, Supplier<R> work) {
    return run(key, work, true);
  }

  /**
   * Runs {@code work} after every other caller's work on {@code key} in this JVM has ended, and
   * before the next one's.
   *
   * @return the work's result
   * @throws RuntimeException whatever the work threw
   * @throws CacheException when interrupted while waiting (the interrupt flag is set again)
   */
  public <R> R exclusive(Object key, Supplier<R> work) {
    return run(key, work, false);
  }

  /**
   * {@link #shared} for many keys: runs {@code work} once for the keys no other caller is working
   * on, then waits for the others' work on the rest and adds their results.
   *
   * @param work loads the given keys; its map holds the values found (absent keys have none)
   * @return the values of every key that has one
   * @throws RuntimeException whatever this or the awaited work threw
   * @throws CacheException when interrupted while waiting (the interrupt flag is set again)
   */
  public <K, V> Map<K, V> sharedAll(Collection<K> keys, Function<Set<K>, Map<K, V>> work) {
    Map<K, Flight> mine = new LinkedHashMap<>();
    Set<K> toRun = new LinkedHashSet<>();
    Map<K, Flight> others = new LinkedHashMap<>();
    for (K key : keys) {
      Flight flight = new Flight();
      Flight running = flights.putIfAbsent(key, flight);
      if (running == null) {
        mine.put(key, flight);
        toRun.add(key);
      } else if (running.owner == Thread.currentThread()) {
        toRun.add(key);
      } else {
        others.put(key, running);
      }
    }
    Map<K, V> result = new LinkedHashMap<>();
    if (!toRun.isEmpty()) {
      try {
        Map<K, V> loaded = work.apply(toRun);
        result.putAll(loaded);
        mine.forEach((key, flight) -> flight.result = loaded.get(key));
      } catch (RuntimeException | Error e) {
        mine.values().forEach(flight -> flight.failure = e);
        throw e;
      } finally {
        mine.forEach(
            (key, flight) -> {
              flights.remove(key, flight);
              flight.done.countDown();
            });
      }
    }
    List<K> notAwaited = new ArrayList<>();
    for (Map.Entry<K, Flight> e : others.entrySet()) {
      if (!await(e.getValue(), e.getKey())) {
        notAwaited.add(e.getKey());
        continue;
      }
      @SuppressWarnings("unchecked")
      V value = (V) e.getValue().outcome();
      if (value != null) {
        result.put(e.getKey(), value);
      }
    }
    if (!notAwaited.isEmpty()) {
      result.putAll(work.apply(new LinkedHashSet<>(notAwaited)));
    }
    return result;
  }

  /**
   * Takes the turn on {@code key} without waiting: for a caller that works on many keys at once
   * (the pipelined {@code invokeAll}) and must never wait for another caller while it holds turns,
   * so two such callers with overlapping keys cannot deadlock. Callers of {@link #exclusive} on the
   * key wait until the turn is {@linkplain Turn#release released}; a wait that would close a cycle
   * through the holder is not entered, as for {@link #exclusive}.
   *
   * @return the turn, to release when the work on the key ends ({@link Turn#REENTERED} when this
   *     thread holds the key already); null when another thread holds it
   */
  public Turn tryTurn(Object key) {
    Flight mine = new Flight();
    Flight running = flights.putIfAbsent(key, mine);
    if (running == null) {
      return new Turn(this, key, mine);
    }
    return running.owner == Thread.currentThread() ? Turn.REENTERED : null;
  }

  /** A turn on one key taken by {@link #tryTurn}. */
  public static final class Turn {

    /** The turn of a thread that held the key already: releasing it does nothing. */
    public static final Turn REENTERED = new Turn(null, null, null);

    private final SingleFlight owner;
    private final Object key;
    private final Flight flight;

    private Turn(SingleFlight owner, Object key, Flight flight) {
      this.owner = owner;
      this.key = key;
      this.flight = flight;
    }

    /** Ends the turn: the next caller waiting for the key runs. Idempotent. */
    public void release() {
      if (flight != null && owner.flights.remove(key, flight)) {
        flight.done.countDown();
      }
    }
  }

  /** Keys with work in progress (for tests that check nothing is left behind). */
  public int inProgress() {
    return flights.size();
  }

  /**
   * Claims {@code key} and runs {@code work}, or waits for the caller holding it; then takes that
   * caller's outcome ({@code shareOutcome}) or claims the key again.
   */
  private <R> R run(Object key, Supplier<R> work, boolean shareOutcome) {
    while (true) {
      Flight mine = new Flight();
      Flight running = flights.putIfAbsent(key, mine);
      if (running == null) {
        return runAs(key, mine, work);
      }
      if (!await(running, key)) {
        return work.get();
      }
      if (shareOutcome) {
        return running.outcome();
      }
    }
  }

  private <R> R runAs(Object key, Flight mine, Supplier<R> work) {
    try {
      R result = work.get();
      mine.result = result;
      return result;
    } catch (RuntimeException | Error e) {
      mine.failure = e;
      throw e;
    } finally {
      flights.remove(key, mine);
      mine.done.countDown();
    }
  }

  /**
   * Waits for another caller's work on {@code key}.
   *
   * @return true when it ended; false when the caller must run its own work at once (its own thread
   *     holds the key, waiting would close a cycle, or the wait timed out)
   */
  private boolean await(Flight running, Object key) {
    Thread me = Thread.currentThread();
    if (running.owner == me) {
      return false;
    }
    if (running.done.getCount() == 0) {
      return true; // ended already (its owner may still be listed as waiting: no cycle)
    }
    WAITING.put(me, running);
    try {
      if (closesCycle(running, me)) {
        return false;
      }
      waits.increment();
      if (running.done.await(MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        return true;
      }
      LOG.warn(
          "waited {} ms for another thread's work on key {}; running this call's own",
          MAX_WAIT_MILLIS,
          key);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException(
          "interrupted while waiting for another thread's load or entry"
              + " processor on key "
              + key,
          e);
    } finally {
      WAITING.remove(me);
    }
  }

  /** Whether the owners of the flights waited for lead back to {@code me}. */
  private static boolean closesCycle(Flight first, Thread me) {
    Flight flight = first;
    for (int hops = 0; flight != null && hops < 64; hops++) {
      if (flight.done.getCount() == 0) {
        return false; // ended: whoever waits for it is about to go on, no cycle
      }
      if (flight.owner == me) {
        return true;
      }
      flight = WAITING.get(flight.owner);
    }
    return flight != null;
  }

  /** One caller's work on one key: its owner, and its result once {@link #done} opens. */
  private static final class Flight {
    final Thread owner = Thread.currentThread();
    final CountDownLatch done = new CountDownLatch(1);
    volatile Object result;
    volatile Throwable failure;

    @SuppressWarnings("unchecked")
    <R> R outcome() {
      Throwable e = failure;
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e instanceof Error error) {
        throw error;
      }
      return (R) result;
    }
  }
}
