package dev.memjcache.store;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The operation timeout of the commands {@link AsyncCommands} sends without a waiting thread. A
 * silent server (no answer, no closed connection) never completes spymemcached's future, so each
 * command is tracked here until it completes or its deadline passes; then it is failed, cancelled
 * and counted against its server's health.
 *
 * <p>Every command has the same timeout, so deadlines come in the order commands are sent: one FIFO
 * queue holds them, and a sweep every {@link #sweepMillis} drops the completed commands at its head
 * and expires the overdue ones. Tracking costs one queue node per command, with no lock and no
 * cancellation when the answer comes (a per-command JDK timer costs a heap insert and a removal
 * under a lock). A command fails at most {@link #sweepMillis} after its deadline. Thread-safe.
 */
final class CommandDeadlines implements AutoCloseable {

  /** A command in flight: its deadline, and what to do when it passes unanswered. */
  interface Tracked {
    /** The deadline, in {@link System#nanoTime()} terms ({@link #deadlineFromNow()}). */
    long deadlineNanos();

    /** Whether the command has completed (answered, failed or expired). */
    boolean isFinished();

    /** The deadline passed unanswered: fail the command (once; a later answer is ignored). */
    void expire();
  }

  /** The thread that expires overdue commands (and so completes their futures). */
  static final class SweeperThread extends Thread {
    SweeperThread(Runnable sweep) {
      super(sweep, "memjcache-command-timeouts");
    }
  }

  private final long timeoutNanos;
  private final long sweepMillis;
  private final ConcurrentLinkedQueue<Tracked> pending = new ConcurrentLinkedQueue<>();
  private volatile ScheduledExecutorService sweeper;
  private volatile boolean closed;

  /**
   * @param timeoutMillis the operation timeout, in milliseconds
   */
  CommandDeadlines(long timeoutMillis) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.sweepMillis = Math.max(1, Math.min(10, timeoutMillis / 4));
  }

  /** The deadline of a command sent now, in {@link System#nanoTime()} terms. */
  long deadlineFromNow() {
    return System.nanoTime() + timeoutNanos;
  }

  /** Tracks {@code command} until it finishes or its deadline passes. */
  void track(Tracked command) {
    if (sweeper == null) {
      start();
    }
    pending.offer(command);
  }

  private synchronized void start() {
    if (sweeper != null || closed) {
      return;
    }
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new SweeperThread(runnable);
              thread.setDaemon(true);
              return thread;
            });
    s.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    sweeper = s;
  }

  /** Drops finished commands from the head, expires overdue ones; stops at the first live one. */
  void sweep() {
    long now = System.nanoTime();
    for (Tracked head = pending.peek(); head != null; head = pending.peek()) {
      if (!head.isFinished()) {
        if (now - head.deadlineNanos() < 0) {
          return;
        }
        head.expire();
      }
      pending.poll();
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }
}
