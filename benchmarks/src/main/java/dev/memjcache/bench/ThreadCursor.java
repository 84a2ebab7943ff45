package dev.memjcache.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Per-thread position in the key spaces ({@code Scope.Thread}: never shared, so it needs no
 * synchronization). Threads start at evenly spaced offsets and walk the key space sequentially,
 * wrapping around; each thread also owns its own absent keys and its own counter key, so threads
 * never contend on one item.
 */
@State(Scope.Thread)
public class ThreadCursor {

  /** Absent keys cycled through per thread by {@code putIfAbsent}; each is deleted before use. */
  static final int ABSENT_KEYS_PER_THREAD = 1_000;

  private int thread;
  private int key;
  private int window;
  private int absent;

  /** Places the cursor at this thread's offset ({@code threadIndex * space / threadCount}). */
  @Setup(Level.Trial)
  public void setup(ThreadParams params) {
    thread = params.getThreadIndex();
    int threads = params.getThreadCount();
    key = (int) ((long) thread * BenchEnvironment.KEY_SPACE / threads);
    int windows = BenchEnvironment.KEY_SPACE / BenchEnvironment.BATCH;
    window = (int) ((long) thread * windows / threads);
  }

  /** Returns the next key index, in {@code [0, KEY_SPACE)}. */
  int nextKey() {
    int next = key;
    key = next + 1 == BenchEnvironment.KEY_SPACE ? 0 : next + 1;
    return next;
  }

  /** Returns the next window index, in {@code [0, KEY_SPACE / BATCH)}. */
  int nextWindow() {
    int next = window;
    window = next + 1 == BenchEnvironment.KEY_SPACE / BenchEnvironment.BATCH ? 0 : next + 1;
    return next;
  }

  /** Returns this thread's next absent key, {@code <prefix><thread>:<n>}, cycling over 1,000. */
  String nextAbsentKey(String prefix) {
    int next = absent;
    absent = next + 1 == ABSENT_KEYS_PER_THREAD ? 0 : next + 1;
    return prefix + thread + ':' + next;
  }

  /** Returns this thread's counter key, {@code <prefix><thread>}. */
  String counterKey(String prefix) {
    return prefix + thread;
  }
}
