package dev.memjcache.store;

import dev.memjcache.config.Credentials;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import net.spy.memcached.internal.OperationFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The narrow adapter over spymemcached: the handful of memcached commands MemJCache needs, on raw
 * bytes and flags, each awaited for at most the operation timeout.
 *
 * <p>The client speaks the binary protocol (the ASCII one lacks delete-with-CAS) with Ketama
 * consistent hashing, {@link FailureMode#Cancel} (an operation for a dead server fails at once
 * instead of waiting for a reconnect) and daemon I/O threads. Every failure, whatever its cause,
 * becomes a {@link StoreFailureException} naming the command, the key and the server; nothing
 * blocks past the operation timeout. Thread-safe.
 */
public final class MemcachedStore implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MemcachedStore.class);

  static {
    // spymemcached logs through its own stderr logger unless told otherwise.
    if (System.getProperty("net.spy.log.LoggerImpl") == null) {
      System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
    }
  }

  private final MemcachedClient client;
  private final long timeoutMillis;
  private final ItemSizeLimit itemSizeLimit;

  private MemcachedStore(MemcachedClient client, long timeoutMillis, ItemSizeLimit itemSizeLimit) {
    this.client = client;
    this.timeoutMillis = timeoutMillis;
    this.itemSizeLimit = itemSizeLimit;
  }

  /**
   * Connects to the servers, waits up to {@code connectTimeoutMillis} for every connection, then
   * reads the servers' item size limit ({@code stats settings}, see {@link ItemSizeLimit}).
   *
   * @param servers the memcached servers (host names are resolved here)
   * @param operationTimeoutMillis how long any one command may take, in milliseconds
   * @param connectTimeoutMillis how long to wait for the connections, in milliseconds; servers
   *     still unreachable then are logged and their commands fail until they come back
   * @param credentials SASL PLAIN user and password (memcached {@code -S}), checked against every
   *     reachable server before the client is built; {@link Credentials#NONE} for none
   * @return a connected store
   * @throws StoreFailureException when the client cannot be created
   * @throws javax.cache.CacheException when a server refuses the credentials or offers no SASL
   *     (the message names the server and the user, never the password)
   */
  public static MemcachedStore connect(List<InetSocketAddress> servers,
      long operationTimeoutMillis, long connectTimeoutMillis, Credentials credentials) {
    List<InetSocketAddress> resolved = new ArrayList<>(servers.size());
    for (InetSocketAddress server : servers) {
      resolved.add(server.isUnresolved()
          ? new InetSocketAddress(server.getHostString(), server.getPort()) : server);
    }
    ConnectionFactoryBuilder factory = new ConnectionFactoryBuilder();
    if (credentials.isPresent()) {
      SaslPlainCheck.verify(resolved, credentials, (int) Math.min(Integer.MAX_VALUE,
          connectTimeoutMillis));
      factory.setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"},
          new PlainCallbackHandler(credentials.username(), credentials.password())));
    }
    MemcachedClient client;
    try {
      client = new MemcachedClient(factory
          .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
          .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
          .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
          .setFailureMode(FailureMode.Cancel)
          .setOpTimeout(operationTimeoutMillis)
          .setOpQueueMaxBlockTime(operationTimeoutMillis)
          .setDaemon(true)
          .build(), resolved);
    } catch (Exception e) {
      throw new StoreFailureException("cannot create the memcached client for " + resolved, e);
    }
    awaitConnections(client, connectTimeoutMillis);
    Map<SocketAddress, Map<String, String>> settings = readSettings(client);
    if (!credentials.isPresent()) {
      List<InetSocketAddress> silent = new ArrayList<>();
      for (InetSocketAddress server : resolved) {
        Map<String, String> answer = settings.get(server);
        if (answer == null || answer.isEmpty()) {
          silent.add(server);
        }
      }
      try {
        SaslPlainCheck.verifyNoneRequired(silent, (int) Math.min(Integer.MAX_VALUE,
            connectTimeoutMillis));
      } catch (RuntimeException e) {
        client.shutdown(0, TimeUnit.MILLISECONDS);
        throw e;
      }
    }
    return new MemcachedStore(client, operationTimeoutMillis, itemSizeLimit(settings));
  }

  private static void awaitConnections(MemcachedClient client, long connectTimeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
    Collection<MemcachedNode> nodes = client.getNodeLocator().getAll();
    while (System.nanoTime() < deadline && !nodes.stream().allMatch(MemcachedNode::isActive)) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (MemcachedNode node : nodes) {
      if (!node.isActive()) {
        LOG.warn("memcached server {} is not reachable after {} ms; its commands fail until it"
            + " is", node.getSocketAddress(), connectTimeoutMillis);
      }
    }
  }

  /** Every server's {@code stats settings}; servers that did not answer are absent or empty. */
  private static Map<SocketAddress, Map<String, String>> readSettings(MemcachedClient client) {
    try {
      return client.getStats("settings");
    } catch (RuntimeException e) {
      LOG.warn("cannot read stats settings from memcached ({})", e.toString());
      return Map.of();
    }
  }

  private static ItemSizeLimit itemSizeLimit(Map<SocketAddress, Map<String, String>> settings) {
    try {
      return ItemSizeLimit.fromStatsSettings(settings.values());
    } catch (RuntimeException e) {
      LOG.warn("cannot read the item size limit from memcached ({}); assuming {}", e.toString(),
          ItemSizeLimit.DEFAULT);
      return ItemSizeLimit.DEFAULT;
    }
  }

  /**
   * {@code unwrap} of a cache or cache manager over this store: {@code owner} itself, or the
   * spymemcached {@link MemcachedClient}.
   *
   * @throws IllegalArgumentException for any other class
   */
  public <T> T unwrap(Object owner, Class<T> clazz) {
    if (clazz.isInstance(owner)) {
      return clazz.cast(owner);
    }
    if (clazz.isInstance(client)) {
      return clazz.cast(client);
    }
    throw new IllegalArgumentException(owner.getClass().getSimpleName()
        + " cannot be unwrapped to " + clazz.getName());
  }

  /** Returns the underlying spymemcached client (for {@code Cache.unwrap}). */
  public MemcachedClient client() {
    return client;
  }

  /** Returns the smallest {@code item_size_max} of the servers, in bytes. */
  public int itemSizeMax() {
    return itemSizeLimit.itemSizeMax();
  }

  /** Returns the servers' item size rule ({@code stats settings} at connect). */
  public ItemSizeLimit itemSizeLimit() {
    return itemSizeLimit;
  }

  /** Returns the operation timeout, in milliseconds. */
  public long timeoutMillis() {
    return timeoutMillis;
  }

  /**
   * memcached {@code gets}: one item with its CAS unique.
   *
   * @return the item, or null when there is none
   * @throws StoreFailureException on timeout or failure
   */
  public StoreItem gets(String key) {
    CASValue<CachedData> value = await(client.asyncGets(key, RawTranscoder.INSTANCE), "gets", key);
    return value == null ? null
        : new StoreItem(key, value.getValue().getData(), value.getValue().getFlags(),
            value.getCas());
  }

  /**
   * memcached multi-get: spymemcached sends one pipelined batch per server. CAS values are not
   * returned.
   *
   * @return spymemcached's answer: flags and bytes by key; missing keys are absent
   * @throws StoreFailureException on timeout or failure
   */
  public Map<String, CachedData> getBulk(Collection<String> keys) {
    if (keys.isEmpty()) {
      return Map.of();
    }
    return await(client.asyncGetBulk(keys, RawTranscoder.INSTANCE), "multi-get", keys);
  }

  /**
   * memcached {@code add}: stores only when no item exists.
   *
   * @param exptime memcached exptime: seconds from now up to 30 days, else absolute Unix seconds;
   *     0 for no expiry
   * @return true when stored, false when an item already exists
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   * @throws StoreFailureException on timeout or failure
   */
  public boolean add(String key, int exptime, int flags, byte[] data) {
    return await(client.add(key, exptime, item(key, flags, data), RawTranscoder.INSTANCE), "add",
        key);
  }

  /**
   * memcached {@code set}: stores unconditionally.
   *
   * @param exptime memcached exptime (see {@link #add})
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   * @throws StoreFailureException on timeout, failure, or when the server refuses the item
   */
  public void set(String key, int exptime, int flags, byte[] data) {
    OperationFuture<Boolean> future =
        client.set(key, exptime, item(key, flags, data), RawTranscoder.INSTANCE);
    if (!await(future, "set", key)) {
      throw refused("set", key, future);
    }
  }

  /**
   * memcached {@code cas}: replaces the item only when its CAS unique is still {@code cas}.
   *
   * @param exptime memcached exptime (see {@link #add})
   * @return the outcome
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   * @throws StoreFailureException on timeout or failure
   */
  public CasOutcome cas(String key, long cas, int exptime, int flags, byte[] data) {
    CASResponse response = await(client.asyncCAS(key, cas, exptime, item(key, flags, data),
        RawTranscoder.INSTANCE), "cas", key);
    switch (response) {
      case OK:
        return CasOutcome.STORED;
      case EXISTS:
        return CasOutcome.EXISTS;
      case NOT_FOUND:
        return CasOutcome.NOT_FOUND;
      default:
        throw new StoreFailureException("memcached cas of key '" + key + "' on "
            + serverOf(key) + " answered " + response, null);
    }
  }

  /**
   * memcached {@code delete}, unconditionally.
   *
   * @return true when an item was deleted, false when there was none
   * @throws StoreFailureException on timeout or failure
   */
  public boolean delete(String key) {
    return await(client.delete(key), "delete", key);
  }

  /**
   * memcached {@code delete} with a CAS unique (binary protocol only): deletes the item only when it
   * has not changed since it was read.
   *
   * @return true when deleted; false when the item changed or is gone
   * @throws StoreFailureException on timeout or failure
   */
  public boolean delete(String key, long cas) {
    return await(client.delete(key, cas), "delete-with-cas", key);
  }

  /**
   * memcached {@code incr} with an initial value: creates the counter with {@code initial} when it
   * is missing (binary protocol), else adds {@code delta}.
   *
   * @param delta the increment, 0 to just read the counter
   * @param initial the value to create a missing counter with
   * @return the counter's value after the command
   * @throws StoreFailureException on timeout or failure
   */
  public long incr(String key, long delta, long initial) {
    Long value = -1L;
    // A missing counter is created with an internal add; two clients racing to create it make one
    // of them fail, and the retry then finds the counter.
    for (int attempt = 0; attempt < 3 && (value == null || value < 0); attempt++) {
      value = await(client.asyncIncr(key, delta, initial, 0), "incr", key);
    }
    if (value == null || value < 0) {
      throw new StoreFailureException("memcached incr of key '" + key + "' on " + serverOf(key)
          + " failed (the item holds no number)", null);
    }
    return value;
  }

  /**
   * Pipelined memcached {@code set}s: all are sent before any answer is awaited.
   *
   * @throws ItemTooLargeException before sending anything, when an item exceeds the limit
   * @throws StoreFailureException when any set fails (the others may have been stored)
   */
  public void setAll(List<Write> writes) {
    List<CachedData> items = new ArrayList<>(writes.size());
    for (Write write : writes) {
      items.add(item(write.key(), write.flags(), write.data()));
    }
    List<OperationFuture<Boolean>> futures = new ArrayList<>(writes.size());
    for (int i = 0; i < writes.size(); i++) {
      Write write = writes.get(i);
      futures.add(client.set(write.key(), write.exptime(), items.get(i), RawTranscoder.INSTANCE));
    }
    for (int i = 0; i < futures.size(); i++) {
      if (!await(futures.get(i), "set", writes.get(i).key())) {
        throw refused("set", writes.get(i).key(), futures.get(i));
      }
    }
  }

  /**
   * Pipelined memcached {@code delete}s.
   *
   * @throws StoreFailureException when any delete fails (missing items are not failures)
   */
  public void deleteAll(Collection<String> keys) {
    List<OperationFuture<Boolean>> futures = new ArrayList<>(keys.size());
    for (String key : keys) {
      futures.add(client.delete(key));
    }
    for (OperationFuture<Boolean> future : futures) {
      await(future, "delete", future.getKey());
    }
  }

  /**
   * One pipelined write.
   *
   * @param key the memcached key
   * @param exptime memcached exptime (see {@link MemcachedStore#add})
   * @param flags the item flags
   * @param data the item bytes
   */
  public record Write(String key, int exptime, int flags, byte[] data) {
  }

  /** Shuts the client down (waiting up to the operation timeout for queued commands). */
  @Override
  public void close() {
    client.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private CachedData item(String key, int flags, byte[] data) {
    itemSizeLimit.check(key, flags, data.length);
    return new CachedData(flags, data, Integer.MAX_VALUE);
  }

  private StoreFailureException refused(String command, String key,
      OperationFuture<Boolean> future) {
    return new StoreFailureException("memcached " + command + " of key '" + key + "' on "
        + serverOf(key) + " was refused: " + future.getStatus(), null);
  }

  private <T> T await(Future<T> future, String command, Object key) {
    try {
      return future.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new StoreFailureException("interrupted while waiting for memcached " + command
          + describe(key), e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreFailureException("memcached " + command + describe(key) + " timed out after "
          + timeoutMillis + " ms", e);
    } catch (ExecutionException e) {
      throw new StoreFailureException("memcached " + command + describe(key) + " failed: "
          + e.getCause(), e.getCause());
    } catch (RuntimeException e) {
      // spymemcached reports cancelled operations (dead server, FailureMode.Cancel) this way
      throw new StoreFailureException("memcached " + command + describe(key) + " failed: " + e, e);
    }
  }

  private String describe(Object key) {
    if (key instanceof String) {
      return " of key '" + key + "' on " + serverOf((String) key);
    }
    Collection<?> keys = (Collection<?>) key;
    return " of " + keys.size() + " keys on " + client.getNodeLocator().getAll().size()
        + " server(s)";
  }

  private SocketAddress serverOf(String key) {
    return client.getNodeLocator().getPrimary(key).getSocketAddress();
  }
}
