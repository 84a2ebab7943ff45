package dev.memjcache.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.internal.OperationFuture;

/**
 * The memcached commands of the asynchronous paths, without a waiting thread: spymemcached's {@link
 * OperationFuture} listeners complete a {@link CompletableFuture}. Each command reports to node
 * health like {@link MemcachedStore}'s blocking ones: a server marked down fails at once (the
 * command is not sent), an answer marks success, and a command with no answer within the operation
 * timeout is cancelled and fails with a {@link StoreFailureException}. Completion runs on
 * spymemcached's I/O thread (or the JDK's delay scheduler for timeouts): callers attach only cheap
 * steps there, and hand user code to an executor.
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
    MemcachedNode node = store.nodeFor(key);
    StoreFailureException down = refusal(node);
    if (down != null) {
      return CompletableFuture.failedFuture(down);
    }
    return complete(
        store.client().asyncGets(key, RawTranscoder.INSTANCE),
        "gets",
        key,
        node,
        AsyncCommands::item);
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
    OperationFuture<Boolean> op =
        store.client().set(key, exptime, item(flags, data), RawTranscoder.INSTANCE);
    return complete(
        op,
        "set",
        key,
        node,
        (k, stored) -> {
          if (!Boolean.TRUE.equals(stored)) {
            throw StoreFailureException.of(
                "set", k, NodeHealth.name(node), "was refused: " + op.getStatus(), null);
          }
          return null;
        });
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
    return complete(
        store.client().add(key, exptime, item(flags, data), RawTranscoder.INSTANCE),
        "add",
        key,
        node,
        AsyncCommands::stored);
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
    return complete(
        store.client().asyncCAS(key, cas, exptime, item(flags, data), RawTranscoder.INSTANCE),
        "cas",
        key,
        node,
        (k, response) ->
            response == CASResponse.OK
                ? CasOutcome.STORED
                : CasOutcome.of(response, k, NodeHealth.name(node)));
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
    return complete(
        cas == 0 ? store.client().delete(key) : store.client().delete(key, cas),
        cas == 0 ? "delete" : "delete-with-cas",
        key,
        node,
        AsyncCommands::stored);
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

  /** Turns spymemcached's answer of one command into the result of {@code op}'s future. */
  @FunctionalInterface
  private interface Answer<T, R> {
    R apply(String key, T answer);
  }

  /**
   * The future of {@code op}: completed from its listener with {@code answer}, or failed by {@link
   * MemcachedStore#await}'s translation, or by the operation timeout.
   */
  private <T, R> CompletableFuture<R> complete(
      OperationFuture<T> op, String command, String key, MemcachedNode node, Answer<T, R> answer) {
    CompletableFuture<R> result = new CompletableFuture<>();
    op.addListener(
        done -> {
          if (result.isDone()) {
            return; // timed out already: node health has counted it
          }
          try {
            result.complete(answer.apply(key, store.await(op, command, key, node)));
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return withTimeout(result, op, command, key, node);
  }

  /**
   * A silent server (no answer, no closed connection) never completes spymemcached's future: the
   * operation timeout ({@link CompletableFuture#orTimeout}, whose timer is cancelled when the
   * answer comes) cancels it, fails the stage and counts a failure for node health.
   */
  private <T> CompletableFuture<T> withTimeout(
      CompletableFuture<T> result,
      OperationFuture<?> op,
      String command,
      String key,
      MemcachedNode node) {
    long timeout = store.timeoutMillis();
    return result
        .orTimeout(timeout, TimeUnit.MILLISECONDS)
        .exceptionallyCompose(
            e -> {
              if (!(e instanceof TimeoutException)) {
                return CompletableFuture.failedFuture(e);
              }
              op.cancel(true);
              store.health().failed(node, command + " timed out after " + timeout + " ms");
              return CompletableFuture.failedFuture(
                  StoreFailureException.of(
                      command,
                      key,
                      NodeHealth.name(node),
                      "timed out after " + timeout + " ms",
                      e));
            });
  }

  private static CachedData item(int flags, byte[] data) {
    return new CachedData(flags, data, Integer.MAX_VALUE);
  }

  private static StoreItem item(String key, CASValue<CachedData> value) {
    return value == null
        ? null
        : new StoreItem(
            key, value.getValue().getData(), value.getValue().getFlags(), value.getCas());
  }

  private static Boolean stored(String key, Boolean answer) {
    return Boolean.TRUE.equals(answer);
  }
}
