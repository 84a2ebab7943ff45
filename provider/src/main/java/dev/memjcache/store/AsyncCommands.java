package dev.memjcache.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.ops.CASOperationStatus;
import net.spy.memcached.ops.ConcatenationType;
import net.spy.memcached.ops.DeleteOperation;
import net.spy.memcached.ops.GetsOperation;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StoreOperation;
import net.spy.memcached.ops.StoreType;

/**
 * The memcached commands of the asynchronous paths, without a waiting thread: each command is built
 * with spymemcached's operation factory and its callback completes a {@link CompletableFuture}, one
 * object per command (no {@code OperationFuture}, latch or listener). Each command reports to node
 * health like {@link MemcachedStore}'s blocking ones: a server marked down fails at once (the
 * command is not sent), an answer marks success, and a command with no answer within the operation
 * timeout is cancelled and fails with a {@link StoreFailureException} ({@link CommandDeadlines}).
 * Completion runs on spymemcached's I/O thread, or on the timeout thread: callers attach only
 * cheap, non-blocking steps there, and hand user code (and the application's stages) to an
 * executor.
 *
 * <p>A write ({@code set}, {@code add}, {@code cas}, {@code delete}) that fails (refused by node
 * health, failed, timed out, or refused by the server) is reported to the {@code writeFailed}
 * callback before its future fails, so the caller's dirty marking runs before anyone sees the
 * failure, without a stage of its own.
 *
 * <p>Sending many commands before awaiting any pipelines them: spymemcached writes every queued
 * operation of a server in one batch.
 */
public final class AsyncCommands {

  private final MemcachedStore store;
  private final LocatingClient client;
  private final OperationFactory operations;
  private final Consumer<MemcachedNode> writeFailed;

  /**
   * @param store the store whose client, node health, item size rule and timeout are used
   * @param writeFailed told the server of each write that failed, on the thread that fails it,
   *     before its future fails (not for an item refused for its size before sending); must be
   *     cheap and non-blocking
   */
  public AsyncCommands(MemcachedStore store, Consumer<MemcachedNode> writeFailed) {
    this.store = store;
    this.client = store.connection();
    this.operations = client.operations();
    this.writeFailed = writeFailed;
  }

  /**
   * memcached {@code gets}.
   *
   * @param key the memcached key
   * @return a future of the item with its CAS unique, or null when there is none; completes
   *     exceptionally with {@link StoreFailureException} (a {@link NodeDownException} at once when
   *     the server is marked down) on timeout or failure
   */
  public CompletableFuture<StoreItem> gets(String key) {
    return gets(key, Function.identity());
  }

  /**
   * memcached {@code gets}, its answer turned into the future's value by {@code decode} on the
   * thread that receives it (one stage less than {@code gets(key).thenApply(decode)}).
   *
   * @param key the memcached key
   * @param decode a cheap, non-blocking function of the item (null when there is none); what it
   *     throws fails the future
   * @return a future of {@code decode}'s result; exceptionally as {@link #gets(String)}
   */
  public <R> CompletableFuture<R> gets(String key, Function<? super StoreItem, R> decode) {
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return CompletableFuture.failedFuture(down);
    }
    Pending<R> pending =
        new Pending<>("gets", key, node, false, (status, item) -> decode.apply(item));
    return pending.send(operations.gets(key, pending));
  }

  /**
   * memcached {@code gets} whose outcome goes straight to {@code then}, for a caller that would
   * attach it to the future anyway (one dependent stage less per command).
   *
   * @param key the memcached key
   * @param decode as {@link #gets(String, Function)}
   * @param then called once with {@code decode}'s result and null, or null and the failure (as
   *     {@link #gets(String)}'s future fails): on the thread that receives the answer or expires
   *     the command, or (a server marked down) on the caller's before this method returns
   */
  public <R> void gets(
      String key,
      Function<? super StoreItem, R> decode,
      BiConsumer<? super R, ? super Throwable> then) {
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      then.accept(null, down);
      return;
    }
    Pending<R> pending =
        new Pending<>("gets", key, node, false, (status, item) -> decode.apply(item));
    pending.then = then;
    pending.send(operations.gets(key, pending));
  }

  /**
   * memcached {@code set}, unconditionally.
   *
   * @param key the memcached key
   * @param exptime memcached exptime (see {@link MemcachedStore#add})
   * @param flags the item flags
   * @param data the item bytes; not copied, so not to be changed until the future completes
   * @return a future completing when the item is stored; exceptionally with {@link
   *     StoreFailureException} on timeout, failure or refusal
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   */
  public CompletableFuture<Void> set(String key, int exptime, int flags, byte[] data) {
    store.itemSizeLimit().check(key, flags, data.length);
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return writeRefused(node, down);
    }
    Pending<Void> pending = new Pending<>("set", key, node, true, null);
    return pending.send(operations.store(StoreType.set, key, flags, exptime, data, pending));
  }

  /**
   * memcached {@code add}: stores only when no item exists.
   *
   * @param exptime memcached exptime (see {@link MemcachedStore#add})
   * @param data the item bytes; not copied, so not to be changed until the future completes
   * @return a future of true when stored, false when an item exists; exceptionally with {@link
   *     StoreFailureException} on timeout or failure
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   */
  public CompletableFuture<Boolean> add(String key, int exptime, int flags, byte[] data) {
    store.itemSizeLimit().check(key, flags, data.length);
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return writeRefused(node, down);
    }
    Pending<Boolean> pending = new Pending<>("add", key, node, true, AsyncCommands::succeeded);
    return pending.send(operations.store(StoreType.add, key, flags, exptime, data, pending));
  }

  /**
   * memcached {@code replace}: stores only when an item exists.
   *
   * @param exptime memcached exptime (see {@link MemcachedStore#add})
   * @param data the item bytes; not copied, so not to be changed until the future completes
   * @return a future of true when stored, false when there is no item; exceptionally with {@link
   *     StoreFailureException} on timeout or failure
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   */
  public CompletableFuture<Boolean> replace(String key, int exptime, int flags, byte[] data) {
    store.itemSizeLimit().check(key, flags, data.length);
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return writeRefused(node, down);
    }
    Pending<Boolean> pending = new Pending<>("replace", key, node, true, AsyncCommands::succeeded);
    return pending.send(operations.store(StoreType.replace, key, flags, exptime, data, pending));
  }

  /**
   * memcached {@code append}: adds {@code data} to the end of an existing item's value, keeping its
   * flags and exptime. memcached answers {@code NOT_STORED} both when there is no item and when the
   * longer item would exceed {@code item_size_max}; the caller tells the two apart ({@code add}).
   *
   * @param key the memcached key
   * @param data the bytes to append; not copied, so not to be changed until the future completes
   * @return a future of true when appended, false on {@code NOT_STORED}; exceptionally with {@link
   *     StoreFailureException} on timeout or failure
   */
  public CompletableFuture<Boolean> append(String key, byte[] data) {
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return writeRefused(node, down);
    }
    Pending<Boolean> pending = new Pending<>("append", key, node, true, AsyncCommands::succeeded);
    return pending.send(operations.cat(ConcatenationType.append, 0, key, data, pending));
  }

  /**
   * memcached {@code cas}: replaces the item only when its CAS unique is still {@code cas}.
   *
   * @param exptime memcached exptime (see {@link MemcachedStore#add})
   * @param data the item bytes; not copied, so not to be changed until the future completes
   * @return a future of true when the item was replaced, false when it changed or is gone since
   *     (memcached's EXISTS or NOT_FOUND); exceptionally with {@link StoreFailureException} on
   *     timeout, failure or an unexpected answer
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   */
  public CompletableFuture<Boolean> cas(String key, long cas, int exptime, int flags, byte[] data) {
    store.itemSizeLimit().check(key, flags, data.length);
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return writeRefused(node, down);
    }
    Pending<Boolean> pending =
        new Pending<>(
            "cas",
            key,
            node,
            true,
            (status, item) -> {
              if (status instanceof CASOperationStatus answer) {
                CasOutcome outcome = CasOutcome.ofOrNull(answer.getCASResponse());
                if (outcome == null) {
                  // the server's name is looked up for a failure's message only
                  throw StoreFailureException.of(
                      "cas",
                      key,
                      NodeHealth.name(node),
                      "answered " + answer.getCASResponse(),
                      null);
                }
                return outcome == CasOutcome.STORED;
              }
              throw StoreFailureException.of(
                  "cas", key, NodeHealth.name(node), "answered " + status, null);
            });
    return pending.send(operations.cas(StoreType.set, key, cas, flags, exptime, data, pending));
  }

  /**
   * memcached {@code delete}; with a CAS unique other than 0 it deletes only an unchanged item (the
   * conditional delete of {@link MemcachedStore#delete(String, long)}).
   *
   * @param cas the CAS unique the item must still have, or 0 for an unconditional delete
   * @return a future of true when deleted, false when the item is gone or changed; exceptionally
   *     with {@link StoreFailureException} on timeout or failure
   */
  public CompletableFuture<Boolean> delete(String key, long cas) {
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return writeRefused(node, down);
    }
    WireProtocol wire = store.wire();
    Pending<Boolean> pending =
        new Pending<>(
            cas == 0 ? "delete" : wire.conditionalDelete(),
            key,
            node,
            true,
            AsyncCommands::succeeded);
    return pending.send(
        cas == 0
            ? operations.delete(key, pending)
            : wire.deleteIfUnchanged(operations, key, cas, pending));
  }

  /** A write node health refused: reported to {@code writeFailed}, then failed. */
  private <T> CompletableFuture<T> writeRefused(MemcachedNode node, StoreFailureException down) {
    writeFailed.accept(node);
    return CompletableFuture.failedFuture(down);
  }

  /** Why node health refuses a command to {@code node} now, or null when it is admitted. */
  private StoreFailureException refusal(MemcachedNode node) {
    try {
      store.health().admit(node);
      return null;
    } catch (StoreFailureException down) {
      return down;
    }
  }

  private static Boolean succeeded(OperationStatus status, StoreItem item) {
    return status != null && status.isSuccess();
  }

  /** Turns the status (and the item of a {@code gets}) of an answered command into its result. */
  private interface Answer<R> {
    R of(OperationStatus status, StoreItem item);
  }

  /**
   * One command in flight and the future of its result, in one object: spymemcached's operation
   * calls it back on the I/O thread (status, item, then {@code complete}), or {@link
   * CommandDeadlines} fails it when no answer came in time. The checks are those of spymemcached's
   * {@code OperationFuture.get}: an errored, cancelled or timed-out operation fails ({@link
   * MemcachedStore#failed}); an answer marks the server healthy.
   *
   * @param <R> the result type
   */
  private final class Pending<R> extends CompletableFuture<R>
      implements GetsOperation.Callback,
          StoreOperation.Callback,
          DeleteOperation.Callback,
          CommandDeadlines.Tracked {

    private final String command;
    private final String key;
    private final MemcachedNode node;

    /** Whether this is a write, whose failure {@link #writeFailed} hears of. */
    private final boolean write;

    /** The result of an answer; null for {@code set}, whose failed answer is a refusal. */
    private final Answer<R> answer;

    private final long deadlineNanos;
    private Operation op;
    private OperationStatus status;
    private StoreItem item;
    private volatile boolean expired;

    /**
     * Told the outcome once this future has it, in place of a dependent stage; null for none. Set
     * before {@link #send}, so the threads that complete this see it.
     */
    BiConsumer<? super R, ? super Throwable> then;

    Pending(String command, String key, MemcachedNode node, boolean write, Answer<R> answer) {
      this.command = command;
      this.key = key;
      this.node = node;
      this.write = write;
      this.answer = answer;
      this.deadlineNanos = store.deadlines().deadlineFromNow();
    }

    /** Queues {@code operation}, whose callback is this, and starts its deadline. */
    CompletableFuture<R> send(Operation operation) {
      this.op = operation;
      client.enqueue(key, operation);
      store.deadlines().track(this);
      return this;
    }

    @Override
    public void receivedStatus(OperationStatus received) {
      status = received;
    }

    @Override
    public void gotData(String itemKey, int flags, long cas, byte[] data) {
      item = new StoreItem(key, data, flags, cas);
    }

    @Override
    public void gotData(String itemKey, long cas) {}

    @Override
    public void gotData(long cas) {}

    @Override
    public void complete() {
      if (expired || isDone()) {
        return; // expired already: node health has counted it
      }
      try {
        StoreFailureException unanswered = store.unanswered(command, key, node, op);
        if (unanswered != null) {
          throw unanswered;
        }
        store.health().succeeded(node);
        if (answer == null) {
          if (status == null || !status.isSuccess()) {
            throw StoreFailureException.of(
                command, key, NodeHealth.name(node), "was refused: " + status, null);
          }
          succeed(null);
        } else {
          succeed(answer.of(status, item));
        }
      } catch (RuntimeException e) {
        fail(e);
      }
    }

    private void succeed(R result) {
      if (complete(result) && then != null) {
        then.accept(result, null);
      }
    }

    /** Fails the command, a write after telling {@link #writeFailed}. */
    private void fail(RuntimeException failure) {
      if (write) {
        writeFailed.accept(node);
      }
      if (completeExceptionally(failure) && then != null) {
        then.accept(null, failure);
      }
    }

    @Override
    public long deadlineNanos() {
      return deadlineNanos;
    }

    @Override
    public boolean isFinished() {
      return isDone();
    }

    @Override
    public void expire() {
      expired = true; // an answer arriving from now on is ignored
      if (isDone()) {
        return; // the answer came first
      }
      long timeout = store.timeoutMillis();
      op.cancel();
      // counted before the stage fails, so whatever the caller does next sees the server's health
      store.health().timedOut(node, command + " timed out after " + timeout + " ms");
      fail(
          StoreFailureException.of(
              command, key, NodeHealth.name(node), "timed out after " + timeout + " ms", null));
    }
  }
}
