package dev.memjcache.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable key space of {@link BenchEnvironment#KEY_SPACE} keys {@code <prefix><index>} and its
 * split into {@link BenchEnvironment#BATCH}-key windows for {@code getAll}/{@code putAll}.
 *
 * <p>Built once per trial in a {@code Scope.Benchmark} state and only read afterwards, so JMH's
 * safe publication of the state makes it safe to share between benchmark threads.
 */
final class KeySpace {

  private final String[] keys;
  private final List<Set<String>> windows;

  private KeySpace(String[] keys, List<Set<String>> windows) {
    this.keys = keys;
    this.windows = windows;
  }

  /** Returns the key space {@code prefix + 0 .. prefix + (KEY_SPACE - 1)}. */
  static KeySpace of(String prefix) {
    String[] keys = new String[BenchEnvironment.KEY_SPACE];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = prefix + i;
    }
    List<Set<String>> windows = new ArrayList<>();
    for (int start = 0; start < keys.length; start += BenchEnvironment.BATCH) {
      Set<String> window = new LinkedHashSet<>();
      for (int i = start; i < start + BenchEnvironment.BATCH; i++) {
        window.add(keys[i]);
      }
      windows.add(Collections.unmodifiableSet(window));
    }
    return new KeySpace(keys, List.copyOf(windows));
  }

  /** Returns key number {@code index} (0-based, below {@link BenchEnvironment#KEY_SPACE}). */
  String key(int index) {
    return keys[index];
  }

  /** Returns the number of keys. */
  int size() {
    return keys.length;
  }

  /** Returns window number {@code index}: {@link BenchEnvironment#BATCH} consecutive keys. */
  Set<String> window(int index) {
    return windows.get(index);
  }

  /** Returns the number of windows ({@code KEY_SPACE / BATCH}). */
  int windowCount() {
    return windows.size();
  }

  /** Returns, per window, an unmodifiable map of its keys to {@code value} (shared, not copied). */
  List<Map<String, byte[]>> batches(byte[] value) {
    List<Map<String, byte[]>> batches = new ArrayList<>(windows.size());
    for (Set<String> window : windows) {
      Map<String, byte[]> batch = new LinkedHashMap<>();
      for (String key : window) {
        batch.put(key, value);
      }
      batches.add(Collections.unmodifiableMap(batch));
    }
    return List.copyOf(batches);
  }
}
