package dev.memjcache.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.internal.OperationCompletionListener;
import net.spy.memcached.internal.OperationFuture;

/**
 * The memcached commands of the asynchronous paths, without a waiting thread: spymemcached's {@link
 * OperationFuture} listeners complete a {@link CompletableFuture}. Each command reports to node
 * health like {@link MemcachedStore}'s blocking ones: a server marked down fails at once (the
 * command is not sent), an answer marks success, and a command with no answer within the operation
 * timeout is cancelled and fails with a {@link StoreFailureException} ({@link CommandDeadlines}).
 * Completion runs on spymemcached's I/O thread, whose listeners run inline ({@link
 * InlineExecutorService}), or on the timeout thread: callers attach only cheap, non-blocking steps
 * there, and hand user code (and the application's stages) to an executor.
 *
 * <p>Sending many commands before awaiting any pipelines them: spymemcached writes every queued
 * operation of a server in one batch.
 */
public final class AsyncCommands {

  private final MemcachedStore store;

  /**
   * @param store the store whose client, node health, item size rule and timeout are used
   */
  public AsyncCommands(MemcachedStore store) {
    this.store = store;
  }

  /**
   * memcached {@code gets} (spymemcached {@code asyncGets}).
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
    Pending<CASValue<CachedData>, R> pending =
        new Pending<>(
            "gets",
            key,
            node,
            value ->
                decode.apply(
                    value == null
                        ? null
                        : new StoreItem(
                            key,
                            value.getValue().getData(),
                            value.getValue().getFlags(),
                            value.getCas())));
    return pending.send(store.client().asyncGets(key, RawTranscoder.INSTANCE));
  }

  /**
   * memcached {@code set}, unconditionally (spymemcached {@code set}).
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
      return CompletableFuture.failedFuture(down);
    }
    Pending<Boolean, Void> pending = new Pending<>("set", key, node, null);
    return pending.send(
        store.client().set(key, exptime, item(flags, data), RawTranscoder.INSTANCE));
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
      return CompletableFuture.failedFuture(down);
    }
    Pending<Boolean, Boolean> pending = new Pending<>("add", key, node, Boolean.TRUE::equals);
    return pending.send(
        store.client().add(key, exptime, item(flags, data), RawTranscoder.INSTANCE));
  }

  /**
   * memcached {@code cas}: replaces the item only when its CAS unique is still {@code cas}.
   *
   * @param exptime memcached exptime (see {@link MemcachedStore#add})
   * @param data the item bytes; not copied, so not to be changed until the future completes
   * @return a future of the outcome; exceptionally with {@link StoreFailureException} on timeout,
   *     failure or an unexpected answer
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   */
  public CompletableFuture<CasOutcome> cas(
      String key, long cas, int exptime, int flags, byte[] data) {
    store.itemSizeLimit().check(key, flags, data.length);
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return CompletableFuture.failedFuture(down);
    }
    Pending<CASResponse, CasOutcome> pending =
        new Pending<>(
            "cas",
            key,
            node,
            response ->
                response == CASResponse.OK
                    ? CasOutcome.STORED
                    : CasOutcome.of(response, key, NodeHealth.name(node)));
    return pending.send(
        store.client().asyncCAS(key, cas, exptime, item(flags, data), RawTranscoder.INSTANCE));
  }

  /**
   * memcached {@code delete}; with a CAS unique other than 0 it deletes only an unchanged item
   * (binary protocol).
   *
   * @param cas the CAS unique the item must still have, or 0 for an unconditional delete
   * @return a future of true when deleted, false when the item is gone or changed; exceptionally
   *     with {@link StoreFailureException} on timeout or failure
   */
  public CompletableFuture<Boolean> delete(String key, long cas) {
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return CompletableFuture.failedFuture(down);
    }
    Pending<Boolean, Boolean> pending =
        new Pending<>(cas == 0 ? "delete" : "delete-with-cas", key, node, Boolean.TRUE::equals);
    return pending.send(cas == 0 ? store.client().delete(key) : store.client().delete(key, cas));
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

  /**
   * One command in flight, and the future of its result: completed by spymemcached's listener with
   * the answer (translated by {@link MemcachedStore#await}, which also reports to node health), or
   * failed by {@link CommandDeadlines} when no answer came in time. One object per command.
   *
   * @param <T> spymemcached's answer type
   * @param <R> the result type
   */
  private final class Pending<T, R> extends CompletableFuture<R>
      implements OperationCompletionListener, CommandDeadlines.Tracked {

    private final String command;
    private final String key;
    private final MemcachedNode node;

    /** Maps the answer to the result; null for {@code set}, whose false answer is a refusal. */
    private final Function<T, R> answer;

    private final long deadlineNanos;
    private OperationFuture<T> op;
    private volatile boolean expired;

    Pending(String command, String key, MemcachedNode node, Function<T, R> answer) {
      this.command = command;
      this.key = key;
      this.node = node;
      this.answer = answer;
      this.deadlineNanos = store.deadlines().deadlineFromNow();
    }

    CompletableFuture<R> send(OperationFuture<T> sent) {
      this.op = sent;
      store.deadlines().track(this);
      sent.addListener(this);
      return this;
    }

    @Override
    public void onComplete(OperationFuture<?> done) {
      if (expired || isDone()) {
        return; // expired already: node health has counted it
      }
      try {
        T value = store.await(op, command, key, node);
        if (answer == null) {
          if (!Boolean.TRUE.equals(value)) {
            throw StoreFailureException.of(
                command, key, NodeHealth.name(node), "was refused: " + op.getStatus(), null);
          }
          complete(null);
        } else {
          complete(answer.apply(value));
        }
      } catch (RuntimeException e) {
        completeExceptionally(e);
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
      op.cancel(true);
      // counted before the stage fails, so whatever the caller does next sees the server's health
      store.health().failed(node, command + " timed out after " + timeout + " ms");
      completeExceptionally(
          StoreFailureException.of(
              command, key, NodeHealth.name(node), "timed out after " + timeout + " ms", null));
    }
  }

  private static CachedData item(int flags, byte[] data) {
    return new CachedData(flags, data, Integer.MAX_VALUE);
  }
}
