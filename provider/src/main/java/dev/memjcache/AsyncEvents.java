package dev.memjcache;

import dev.memjcache.event.EntryEventSink;
import dev.memjcache.event.EventDispatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.cache.event.EventType;

/**
 * The events of one asynchronous operation, published on the manager's executor (a synchronous
 * listener runs on the publishing thread, and {@link EventDispatcher#awaitSynchronous()} awaits
 * what that thread published): before the operation's next user code runs ({@link #publishNow}),
 * else when its memcached steps are done ({@link #delivered}). An event type no listener wants is
 * not even recorded, and an operation without events completes where its last memcached answer
 * arrived (no executor hop). Events are published in the order the operation made them, so a key's
 * events keep the synchronous method's order (the keys of a bulk call may interleave, as JSR-107
 * allows). Events may be added from several threads (a bulk call's pipelined commands).
 *
 * @param <K> key type
 * @param <V> value type
 */
class AsyncEvents<K, V> implements EntryEventSink<K, V> {

  private record Event<K, V>(EventType type, K key, V value, V oldValue) {}

  private final EventDispatcher<K, V> dispatcher;
  private final Executor executor;
  private List<Event<K, V>> pending;

  /** The first failure of a synchronous listener awaited before user code ran, for the end. */
  private Throwable listenerFailure;

  private AsyncEvents(EventDispatcher<K, V> dispatcher, Executor executor) {
    this.dispatcher = dispatcher;
    this.executor = executor;
  }

  /**
   * The events of a new operation: a batch, or while no listener is registered the null object,
   * {@code none} ({@link #none}), which records nothing and leaves the operation's stage as it is
   * (a listener registered while the operation runs does not see its events).
   */
  static <K, V> AsyncEvents<K, V> of(
      EventDispatcher<K, V> dispatcher, Executor executor, AsyncEvents<K, V> none) {
    boolean any =
        dispatcher.hasListenerFor(EventType.CREATED)
            || dispatcher.hasListenerFor(EventType.UPDATED)
            || dispatcher.hasListenerFor(EventType.REMOVED)
            || dispatcher.hasListenerFor(EventType.EXPIRED);
    return any ? new AsyncEvents<>(dispatcher, executor) : none;
  }

  /** The null object of {@code dispatcher}'s cache: shared by its operations, it holds nothing. */
  static <K, V> AsyncEvents<K, V> none(EventDispatcher<K, V> dispatcher) {
    return new None<>(dispatcher);
  }

  /** No listener: nothing to record or deliver. */
  private static final class None<K, V> extends AsyncEvents<K, V> {
    None(EventDispatcher<K, V> dispatcher) {
      super(dispatcher, Runnable::run);
    }

    @Override
    void publishNow() {}

    @Override
    <R> CompletableFuture<R> delivered(CompletableFuture<R> operation) {
      return operation;
    }

    @Override
    void add(EventType type, K key, V value, V oldValue) {}
  }

  @Override
  public void publishCreated(K key, V value) {
    add(EventType.CREATED, key, value, null);
  }

  @Override
  public void publishUpdated(K key, V oldValue, V value) {
    add(EventType.UPDATED, key, value, oldValue);
  }

  @Override
  public void publishRemoved(K key, V oldValue) {
    add(EventType.REMOVED, key, null, oldValue);
  }

  @Override
  public void publishExpired(K key, V oldValue) {
    add(EventType.EXPIRED, key, null, oldValue);
  }

  synchronized void add(EventType type, K key, V value, V oldValue) {
    if (dispatcher.hasListenerFor(type)) {
      if (pending == null) {
        pending = new ArrayList<>(2);
      }
      pending.add(new Event<>(type, key, value, oldValue));
    }
  }

  /**
   * The stage of the operation once its events are delivered: with events, they are published on
   * the executor, which then awaits the synchronous listeners (JSR-107 8.2: they complete before
   * the call does); a listener's failure fails the stage as it fails the synchronous call. When the
   * operation itself failed, its events are still delivered but not awaited (as the synchronous
   * facade's {@code discardSynchronous}).
   */
  <R> CompletableFuture<R> delivered(CompletableFuture<R> operation) {
    CompletableFuture<R> out = new CompletableFuture<>();
    operation.whenComplete(
        (result, failure) -> {
          if (isSettled()) {
            complete(out, result, failure);
            return;
          }
          try {
            executor.execute(() -> publish(out, result, failure));
          } catch (RejectedExecutionException closed) {
            complete(out, result, failure != null ? failure : closed);
          }
        });
    return out;
  }

  /**
   * On an executor thread about to run user code (writer, loader, processor): publishes the events
   * so far and awaits their synchronous listeners, so they run before the user code as in the
   * synchronous method, where they ran when published. A listener's failure is kept and fails the
   * operation at its end, as the synchronous method reports it when it returns.
   */
  synchronized void publishNow() {
    if (pending == null) {
      return;
    }
    try {
      publishAll();
      dispatcher.awaitSynchronous();
    } catch (RuntimeException | Error e) {
      dispatcher.discardSynchronous();
      listenerFailure = listenerFailure == null ? e : listenerFailure;
    }
  }

  /** Whether nothing is left to publish or report. */
  private synchronized boolean isSettled() {
    return pending == null && listenerFailure == null;
  }

  private void publishAll() {
    List<Event<K, V>> events = pending;
    pending = null;
    for (Event<K, V> e : events) {
      switch (e.type()) {
        case CREATED -> dispatcher.publishCreated(e.key(), e.value());
        case UPDATED -> dispatcher.publishUpdated(e.key(), e.oldValue(), e.value());
        case REMOVED -> dispatcher.publishRemoved(e.key(), e.oldValue());
        case EXPIRED -> dispatcher.publishExpired(e.key(), e.oldValue());
        default -> throw new IllegalStateException("unknown event type " + e.type());
      }
    }
  }

  private synchronized <R> void publish(CompletableFuture<R> out, R result, Throwable failure) {
    try {
      if (pending != null) {
        publishAll();
      }
      if (failure != null) {
        dispatcher.discardSynchronous();
      } else {
        dispatcher.awaitSynchronous();
      }
    } catch (RuntimeException | Error e) {
      dispatcher.discardSynchronous();
      complete(out, null, failure != null ? failure : e);
      return;
    }
    complete(out, result, failure != null ? failure : listenerFailure);
  }

  private static <R> void complete(CompletableFuture<R> out, R result, Throwable failure) {
    if (failure != null) {
      out.completeExceptionally(AsyncLoop.unwrap(failure));
    } else {
      out.complete(result);
    }
  }
}
