package dev.memjcache.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.internal.OperationFuture;

/**
 * The memcached commands of the asynchronous view without a waiting thread: spymemcached's {@link
 * OperationFuture} listeners complete a {@link CompletableFuture}. Each command reports to node
 * health like {@link MemcachedStore}'s blocking ones: a server marked down fails at once, an answer
 * marks success, and a command with no answer within the operation timeout is cancelled and fails
 * with a {@link StoreFailureException}. Completion runs on spymemcached's listener threads (or the
 * JDK's delay scheduler for timeouts): callers attach only cheap steps there.
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
    CompletableFuture<StoreItem> result = new CompletableFuture<>();
    try {
      store.health().admit(node);
    } catch (StoreFailureException down) {
      return CompletableFuture.failedFuture(down);
    }
    OperationFuture<CASValue<CachedData>> op =
        store.client().asyncGets(key, RawTranscoder.INSTANCE);
    op.addListener(
        done -> {
          if (result.isDone()) {
            return; // timed out already: node health has counted it
          }
          try {
            CASValue<CachedData> value = store.await(op, "gets", key, node);
            result.complete(
                value == null
                    ? null
                    : new StoreItem(
                        key,
                        value.getValue().getData(),
                        value.getValue().getFlags(),
                        value.getCas()));
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return withTimeout(result, op, "gets", key, node);
  }

  /**
   * memcached {@code set}, unconditionally (spymemcached {@code set}).
   *
   * @param key the memcached key
   * @param exptime memcached exptime (see {@link MemcachedStore#add})
   * @param flags the item flags
   * @param data the item bytes
   * @return a future completing when the item is stored; exceptionally with {@link
   *     StoreFailureException} on timeout, failure or refusal
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   */
  public CompletableFuture<Void> set(String key, int exptime, int flags, byte[] data) {
    store.itemSizeLimit().check(key, flags, data.length);
    MemcachedNode node = store.nodeFor(key);
    try {
      store.health().admit(node);
    } catch (StoreFailureException down) {
      return CompletableFuture.failedFuture(down);
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    OperationFuture<Boolean> op =
        store
            .client()
            .set(
                key,
                exptime,
                new CachedData(flags, data, Integer.MAX_VALUE),
                RawTranscoder.INSTANCE);
    op.addListener(
        done -> {
          if (result.isDone()) {
            return; // timed out already: node health has counted it
          }
          try {
            if (Boolean.TRUE.equals(store.await(op, "set", key, node))) {
              result.complete(null);
            } else {
              result.completeExceptionally(
                  new StoreFailureException(
                      "memcached set of key '"
                          + key
                          + "' on "
                          + NodeHealth.name(node)
                          + " was refused: "
                          + op.getStatus(),
                      null));
            }
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    return withTimeout(result, op, "set", key, node);
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
}
