package dev.memjcache.store;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * spymemcached's listener executor: runs each listener at once on the thread that completes the
 * operation, its I/O thread. spymemcached's default hands every completion to a thread pool, one
 * thread hand-off per command; MemJCache's listeners ({@link AsyncCommands}) only translate the
 * answer and complete a future, and what depends on that future is either cheap or handed to an
 * executor by its owner. The asynchronous view hands its stages to the manager's executor before
 * they reach the application's code; a synchronous caller that awaits pipelined commands is simply
 * woken.
 */
final class InlineExecutorService extends AbstractExecutorService {

  private volatile boolean shutdown;

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }
}
