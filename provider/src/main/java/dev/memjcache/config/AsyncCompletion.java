package dev.memjcache.config;

import java.util.Locale;

/**
 * Which thread completes a stage returned by the asynchronous view ({@code AsyncCache}) when its
 * last step was a memcached answer (option {@code asyncCompletion}; docs/async.md). The
 * application's continuations attached without an executor ({@code thenApply}, {@code
 * whenComplete}, and those of {@code CompletableFuture.allOf} over such stages) run on that thread.
 */
public enum AsyncCompletion {
  /**
   * On one completion thread per cache manager ({@code memjcache-completions}), which takes the
   * completions in order and in batches: a continuation that blocks delays the other stages'
   * continuations, never a memcached command. The default.
   */
  THREAD,
  /**
   * Where the answer arrived: spymemcached's I/O thread (or the thread that fails overdue
   * commands). One thread hand-off less per call, as spymemcached's own futures and Lettuce's
   * complete; only for applications whose continuations attached without an executor never block,
   * since one that blocks there stops every memcached command of the manager until it returns.
   */
  INLINE;

  /**
   * The option value of this choice as written in a URI or properties file.
   *
   * @return {@code "thread"} or {@code "inline"}
   */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
