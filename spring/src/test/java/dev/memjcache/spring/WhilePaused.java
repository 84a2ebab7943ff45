package dev.memjcache.spring;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.memjcache.testkit.MemcachedProcess;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Starts a cache call while memcached is frozen (SIGSTOP), to show the caller does not wait. */
final class WhilePaused {

  private WhilePaused() {}

  /**
   * Pauses {@code server}, runs {@code call}, checks 50 ms later that its future is still not done
   * (memcached cannot have answered), and resumes the server.
   *
   * @return the future {@code call} returned, completing after the resume
   */
  static <F extends CompletableFuture<?>> F start(MemcachedProcess server, Supplier<F> call)
      throws InterruptedException {
    server.pause();
    try {
      F future = call.get();
      Thread.sleep(50);
      assertFalse(future.isDone(), "memcached is paused, so the call cannot be answered yet");
      return future;
    } finally {
      server.resume();
    }
  }
}
