package dev.memjcache.store;

import dev.memjcache.config.AsyncCompletion;
import java.util.concurrent.Executor;

/**
 * Where the asynchronous view completes a stage it hands to the application when the stage's last
 * step ran on one of the store's threads ({@link MemcachedStore#onInternalThread}): option {@code
 * asyncCompletion} ({@link AsyncCompletion}). One per cache manager, closed with it.
 */
public interface StageCompletions extends Executor, AutoCloseable {

  /**
   * Runs {@code completion}, which completes one stage: on the completion thread, or at once.
   *
   * @param completion completes a stage; what it throws is logged (on the completion thread) or
   *     thrown to the caller (inline)
   */
  @Override
  void execute(Runnable completion);

  /** Stops the completion thread, if any; completions handed over later are not run. */
  @Override
  void close();

  /**
   * The completions of {@code choice}.
   *
   * @param choice {@link AsyncCompletion#THREAD}: one daemon thread named {@code
   *     memjcache-completions}, started on first use and stopped by {@link #close}; {@link
   *     AsyncCompletion#INLINE}: the caller's thread
   * @return new completions, never null
   */
  static StageCompletions of(AsyncCompletion choice) {
    if (choice == AsyncCompletion.INLINE) {
      return Inline.INSTANCE;
    }
    return new SerialCompletions("memjcache-completions");
  }

  /** {@link AsyncCompletion#INLINE}: completes on the thread that has the answer. */
  enum Inline implements StageCompletions {
    INSTANCE;

    @Override
    public void execute(Runnable completion) {
      completion.run();
    }

    @Override
    public void close() {}
  }
}
