package dev.memjcache.store;

import dev.memjcache.config.Credentials;
import dev.memjcache.config.MemcachedProtocol;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.internal.CheckedOperationTimeoutException;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.Operation;

/**
 * The narrow adapter over spymemcached: the handful of memcached commands MemJCache needs, on raw
 * bytes and flags, each awaited for at most the operation timeout.
 *
 * <p>The client speaks the binary or the text protocol (option {@code protocol}; what differs
 * between them lives in {@link WireProtocol}) with Ketama consistent hashing over {@link
 * EntryKeyHash} (an entry's server does not depend on its generation), {@link FailureMode#Cancel}
 * (an operation for a dead server fails at once instead of waiting for a reconnect), a reconnect
 * delay of {@code reconnectDelaySeconds} and daemon I/O threads. Every command first asks {@link
 * NodeHealth} whether its server is usable: commands for a server marked down are refused at once
 * ({@link NodeDownException}), never queued. Every failure, whatever its cause, becomes a {@link
 * StoreFailureException} naming the command, the key and the server; nothing blocks past the
 * operation timeout. Thread-safe.
 */
public final class MemcachedStore implements AutoCloseable {

  static {
    // spymemcached logs through its own stderr logger unless told otherwise.
    if (System.getProperty("net.spy.log.LoggerImpl") == null) {
      System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
    }
  }

  private final LocatingClient client;
  private final NodeLocator locator;
  private final EntryKeyHash keyHash;

  private final long timeoutMillis;
  private final CommandDeadlines deadlines;

  private final ItemSizeLimit itemSizeLimit;
  private final NodeHealth health;
  private final NodeCommands nodeCommands;
  private final BulkCommands bulk;
  private final EntryRouting routing;
  private final Membership membership;
  private volatile AutoCloseable discovery = () -> {};
  private final WireProtocol wire;

  MemcachedStore(
      LocatingClient client,
      EntryKeyHash keyHash,
      long timeoutMillis,
      ItemSizeLimit itemSizeLimit,
      ClusterOptions cluster,
      WireProtocol wire) {
    this.client = client;
    this.wire = wire;
    this.keyHash = keyHash;
    this.locator = client.locator();
    this.timeoutMillis = timeoutMillis;
    this.deadlines = new CommandDeadlines(timeoutMillis);
    this.itemSizeLimit = itemSizeLimit;
    List<MemcachedNode> nodes = List.copyOf(locator.getAll());
    NodeCommands[] commands = new NodeCommands[1];
    this.health =
        new NodeHealth(
            nodes,
            cluster.serverFailureLimit(),
            cluster.serverRetryMillis(),
            timeoutMillis,
            node -> commands[0].probe(node));
    this.nodeCommands = new NodeCommands(client, health, this, wire);
    commands[0] = nodeCommands;
    this.bulk = new BulkCommands(this, client, health);
    MemoizingLocator memoizing = (MemoizingLocator) locator;
    this.routing = new EntryRouting(keyHash, memoizing);
    this.membership = new Membership(nodes, memoizing.ring(), health);
    memoizing.onLayoutChange(membership::changed);
  }

  /** Follows {@code discovery}'s node lists from now on; it is closed with the store. */
  void followDiscovery(AutoCloseable discovery) {
    this.discovery = discovery;
  }

  /**
   * How the client spreads keys over the servers and handles failing ones.
   *
   * @param keyPrefix the {@code keyPrefix} option, for {@link EntryKeyHash}
   * @param serverFailureLimit consecutive timeouts or connection failures that mark a server down
   *     (option {@code serverFailureLimit})
   * @param serverRetryMillis how long a server stays marked down before it is probed, in
   *     milliseconds (option {@code serverRetryMillis})
   * @param reconnectDelaySeconds the longest wait between two reconnect attempts to a server whose
   *     connection was lost, in seconds, at least 1 (option {@code reconnectDelaySeconds};
   *     spymemcached's {@code maxReconnectDelay})
   */
  public record ClusterOptions(
      String keyPrefix,
      int serverFailureLimit,
      long serverRetryMillis,
      long reconnectDelaySeconds) {
    /** The defaults: prefix {@code mjc}, 2 failures, 1000 ms, 1 s. */
    public static final ClusterOptions DEFAULTS = new ClusterOptions("mjc", 2, 1000, 1);
  }

  /**
   * How the servers are found and what they answer, beyond a fixed list of memcached servers.
   *
   * @param configEndpoint a discovery endpoint that answers {@code config get cluster} (ElastiCache
   *     node-based clusters, Memorystore for Memcached; option {@code configEndpoint}), or null for
   *     a fixed list; see {@link ClusterDiscovery}
   * @param configPollMillis how often the endpoint is asked again, in milliseconds (option {@code
   *     configPollMillis})
   * @param proxy whether the one endpoint is a proxy that routes keys itself (twemproxy, mcrouter,
   *     memcached's proxy, ElastiCache Serverless; option {@code proxy}): {@code stats settings} is
   *     not asked, key enumeration is unavailable, and the generation items of each cache are
   *     routed by the proxy like any key
   * @param maxItemBytes the largest item the servers take, in bytes (option {@code maxItemBytes}),
   *     used when {@code stats settings} cannot be read (always behind a proxy); 0 for memcached's
   *     default of 1 MiB
   */
  public record Topology(
      InetSocketAddress configEndpoint, long configPollMillis, boolean proxy, int maxItemBytes) {
    /** A fixed list of memcached servers, reached directly. */
    public static final Topology DIRECT = new Topology(null, 0, false, 0);

    /** Whether the node list comes from {@link #configEndpoint()}. */
    public boolean discovered() {
      return configEndpoint != null;
    }
  }

  /**
   * {@link #connect(List, long, long, Credentials, ClusterOptions, MemcachedProtocol, Topology,
   * ServerSockets)} to servers listed directly, without credentials, with {@link
   * ClusterOptions#DEFAULTS}, in the binary protocol over plain TCP.
   */
  public static MemcachedStore connect(
      List<InetSocketAddress> servers, long operationTimeoutMillis, long connectTimeoutMillis) {
    return connect(
        servers,
        operationTimeoutMillis,
        connectTimeoutMillis,
        Credentials.NONE,
        ClusterOptions.DEFAULTS,
        MemcachedProtocol.BINARY,
        Topology.DIRECT,
        ServerSockets.PLAIN);
  }

  /**
   * Connects to the servers, waits up to {@code connectTimeoutMillis} for every connection, then
   * reads the servers' item size limit ({@code stats settings}, see {@link ItemSizeLimit}; behind a
   * proxy {@link Topology#maxItemBytes()}). The servers are read from a discovery endpoint when
   * {@code topology} names one: the list it answers at start (then {@code servers} must be empty),
   * followed every poll interval without a restart (see {@link ClusterDiscovery}). Before the
   * client is built, each server is sent one request of that protocol on its own socket opened by
   * {@code sockets} (so a TLS handshake first): a server that fails the handshake or answers
   * otherwise fails the connect at once. For {@link TlsSockets} the client speaks TLS with the same
   * context and host-name rule.
   *
   * @param servers the memcached servers (host names are resolved here)
   * @param operationTimeoutMillis how long any one command may take, in milliseconds
   * @param connectTimeoutMillis how long to wait for the connections, in milliseconds; servers
   *     still unreachable then are logged and their commands fail until they come back
   * @param credentials SASL PLAIN user and password (memcached {@code -S}), checked against every
   *     reachable server before the client is built; {@link Credentials#NONE} for none
   * @param cluster key distribution and failing-server handling
   * @param protocol the wire protocol (option {@code protocol})
   * @param topology direct servers, a discovery endpoint, or a proxy
   * @param sockets the CacheManager's transport ({@link ServerSockets#of})
   * @return a connected store
   * @throws StoreFailureException when the client cannot be created, or the discovery endpoint
   *     cannot be read at start (the message says why)
   * @throws javax.cache.CacheException when a server refuses the credentials or offers no SASL (the
   *     message names the server and the user, never the password); when a TLS handshake fails (the
   *     message says whether the server speaks clear text, its certificate is untrusted or names
   *     another host, or it demands or refuses a client certificate); when a server does not answer
   *     {@code protocol} (the message names the server and the likely cause: a text-only server or
   *     a proxy under binary, a binary-only server under text, TLS on one side only); and when
   *     credentials are given under the text protocol (SASL is binary only)
   */
  public static MemcachedStore connect(
      List<InetSocketAddress> servers,
      long operationTimeoutMillis,
      long connectTimeoutMillis,
      Credentials credentials,
      ClusterOptions cluster,
      MemcachedProtocol protocol,
      Topology topology,
      ServerSockets sockets) {
    return StoreConnector.connect(
        servers,
        operationTimeoutMillis,
        connectTimeoutMillis,
        credentials,
        cluster,
        WireProtocol.of(protocol),
        topology,
        sockets);
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
    throw new IllegalArgumentException(
        owner.getClass().getSimpleName() + " cannot be unwrapped to " + clazz.getName());
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

  /** The operation timeout of the commands sent without a waiting thread. */
  CommandDeadlines deadlines() {
    return deadlines;
  }

  /**
   * Whether the current thread is one of the store's own, on which the futures of {@link
   * AsyncCommands} complete: spymemcached's I/O thread, or the thread that expires overdue
   * commands. Code running there must not block and must not run the application's code: a stage
   * handed to the application is completed elsewhere.
   *
   * @return true on those threads
   */
  public static boolean onInternalThread() {
    Thread current = Thread.currentThread();
    return current instanceof MemcachedConnection
        || current instanceof CommandDeadlines.SweeperThread;
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
    MemcachedNode node = admit(key);
    CASValue<CachedData> value =
        await(client.asyncGets(key, RawTranscoder.INSTANCE), "gets", key, node);
    return value == null
        ? null
        : new StoreItem(
            key, value.getValue().getData(), value.getValue().getFlags(), value.getCas());
  }

  /**
   * memcached {@code add}: stores only when no item exists.
   *
   * @param exptime memcached exptime: seconds from now up to 30 days, else absolute Unix seconds; 0
   *     for no expiry
   * @return true when stored, false when an item already exists
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   * @throws StoreFailureException on timeout or failure
   */
  public boolean add(String key, int exptime, int flags, byte[] data) {
    CachedData item = item(key, flags, data);
    MemcachedNode node = admit(key);
    return await(client.add(key, exptime, item, RawTranscoder.INSTANCE), "add", key, node);
  }

  /**
   * memcached {@code set}: stores unconditionally.
   *
   * @param exptime memcached exptime (see {@link #add})
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   * @throws StoreFailureException on timeout, failure, or when the server refuses the item
   */
  public void set(String key, int exptime, int flags, byte[] data) {
    CachedData item = item(key, flags, data);
    MemcachedNode node = admit(key);
    OperationFuture<Boolean> future = client.set(key, exptime, item, RawTranscoder.INSTANCE);
    if (!await(future, "set", key, node)) {
      throw refused("set", key, future);
    }
  }

  /**
   * memcached {@code replace}: stores only when an item exists.
   *
   * @param exptime memcached exptime (see {@link #add})
   * @return true when stored, false when there is no item (memcached's {@code NOT_STORED})
   * @throws ItemTooLargeException before sending, when the item exceeds the server's limit
   * @throws StoreFailureException on timeout or failure
   */
  public boolean replace(String key, int exptime, int flags, byte[] data) {
    CachedData item = item(key, flags, data);
    MemcachedNode node = admit(key);
    return await(client.replace(key, exptime, item, RawTranscoder.INSTANCE), "replace", key, node);
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
    CachedData item = item(key, flags, data);
    MemcachedNode node = admit(key);
    CASResponse response =
        await(client.asyncCAS(key, cas, exptime, item, RawTranscoder.INSTANCE), "cas", key, node);
    return CasOutcome.of(response, key, serverOf(key));
  }

  /**
   * memcached {@code delete}, unconditionally.
   *
   * @return true when an item was deleted, false when there was none
   * @throws StoreFailureException on timeout or failure
   */
  public boolean delete(String key) {
    MemcachedNode node = admit(key);
    return await(client.delete(key), "delete", key, node);
  }

  /**
   * Conditional delete: deletes the item only when it has not changed since it was read (its CAS
   * unique is still {@code cas}). Binary {@code delete} with a CAS; in the text protocol a {@code
   * cas} to an exptime in the past ({@link WireProtocol}).
   *
   * @return true when deleted; false when the item changed or is gone
   * @throws StoreFailureException on timeout or failure
   */
  public boolean delete(String key, long cas) {
    MemcachedNode node = admit(key);
    return wire.deleteIfUnchanged(this, client, key, cas, node);
  }

  /** Stops the node-health probes and shuts the client down (waiting up to the timeout). */
  @Override
  public void close() {
    try {
      discovery.close();
    } catch (Exception e) {
      // a poller that cannot stop holds no data: nothing to report
    }
    health.close();
    deadlines.close();
    client.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Returns the multi-get and the pipelined {@code set}s. */
  public BulkCommands bulk() {
    return bulk;
  }

  /** Returns the routing of entry keys from their parts (bulk calls). */
  public EntryRouting routing() {
    return routing;
  }

  /**
   * Returns every server of the current node list, in the locator's order: fixed for a list of
   * servers, the newest list a {@code configEndpoint} gave otherwise (read it again after a
   * change).
   */
  public List<MemcachedNode> nodes() {
    return membership.nodes();
  }

  /**
   * How many times {@code node} had to start a new generation of every cache because the node list
   * changed ({@link Membership#moves}); 0 for a fixed list of servers.
   */
  long moves(MemcachedNode node) {
    return membership.moves(node);
  }

  /** Returns the server {@code key} hashes to (entry keys: whatever their generation). */
  public MemcachedNode nodeFor(String key) {
    return primary(key);
  }

  /** {@code locator.getPrimary(key)}: memoized per thread ({@link MemoizingLocator}). */
  private MemcachedNode primary(String key) {
    return locator.getPrimary(key);
  }

  /** Returns the node health of this client's servers. */
  public NodeHealth health() {
    return health;
  }

  /**
   * memcached {@code gets} sent to {@code node} whatever the key's hash (per-server items).
   *
   * @return the item, or null when there is none
   * @throws StoreFailureException on timeout or failure, {@link NodeDownException} when the server
   *     is marked down
   */
  public StoreItem gets(MemcachedNode node, String key) {
    return nodeCommands.gets(node, key);
  }

  /**
   * memcached {@code add} (flags 0, no exptime) sent to {@code node}.
   *
   * @return true when stored, false when an item exists
   * @throws StoreFailureException on timeout or failure
   */
  public boolean add(MemcachedNode node, String key, byte[] data) {
    return nodeCommands.add(node, key, data);
  }

  /**
   * memcached {@code cas} (flags 0, no exptime) sent to {@code node}.
   *
   * @throws StoreFailureException on timeout or failure
   */
  public CasOutcome cas(MemcachedNode node, String key, long cas, byte[] data) {
    return nodeCommands.cas(node, key, cas, data);
  }

  private MemcachedNode admit(String key) {
    MemcachedNode node = primary(key);
    health.admit(node);
    return node;
  }

  CachedData item(String key, int flags, byte[] data) {
    itemSizeLimit.check(key, flags, data.length);
    return new CachedData(flags, data, Integer.MAX_VALUE);
  }

  StoreFailureException refused(String command, String key, OperationFuture<Boolean> future) {
    return StoreFailureException.of(
        command, key, serverOf(key), "was refused: " + future.getStatus(), null);
  }

  /**
   * Awaits one command for at most the operation timeout and reports the outcome to node health.
   *
   * @throws StoreFailureException on timeout, interrupt or failure
   */
  <T> T await(Future<T> future, String command, Object key, MemcachedNode node) {
    try {
      T result = future.get(timeoutMillis, TimeUnit.MILLISECONDS);
      health.succeeded(node);
      return result;
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw interrupted(command, key, node, e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw timedOut(command, key, node, e);
    } catch (ExecutionException e) {
      throw failed(command, key, node, e.getCause());
    } catch (RuntimeException e) {
      // spymemcached reports cancelled operations (dead server, FailureMode.Cancel) this way
      health.failed(node, command + " failed: " + e);
      throw new StoreFailureException(
          "memcached " + command + describe(key, node) + " failed: " + e, e);
    }
  }

  /** The failure of a command whose caller was interrupted while waiting for its answer. */
  StoreFailureException interrupted(
      String command, Object key, MemcachedNode node, InterruptedException cause) {
    return new StoreFailureException(
        "interrupted while waiting for memcached " + command + describe(key, node), cause);
  }

  /**
   * The failure of an operation spymemcached ended without an answer, as its {@code
   * OperationFuture.get} would report it: errored, cancelled (its connection was lost) or timed out
   * in its queue; null when it was answered.
   */
  StoreFailureException unanswered(String command, Object key, MemcachedNode node, Operation op) {
    if (op.hasErrored()) {
      return failed(command, key, node, op.getException());
    }
    if (op.isCancelled()) {
      return failed(command, key, node, new CancellationException("Cancelled"));
    }
    if (op.isTimedOut()) {
      return failed(command, key, node, new CheckedOperationTimeoutException("timed out", op));
    }
    return null;
  }

  /**
   * The failure of a command that had no answer within the operation timeout, counted against its
   * server's health.
   *
   * @param cause spymemcached's timeout, or null when MemJCache's own wait ran out
   */
  StoreFailureException timedOut(String command, Object key, MemcachedNode node, Throwable cause) {
    health.timedOut(node, command + " timed out after " + timeoutMillis + " ms");
    return new StoreFailureException(
        "memcached " + command + describe(key, node) + " timed out after " + timeoutMillis + " ms",
        cause);
  }

  /**
   * The failure of a command that ended without an answer: a cancelled command (its connection was
   * lost) or an I/O error counts against its server's health, spymemcached's own failures do not.
   */
  StoreFailureException failed(String command, Object key, MemcachedNode node, Throwable cause) {
    if (cause instanceof CancellationException || cause instanceof IOException) {
      health.failed(node, command + " failed: " + cause);
    }
    return new StoreFailureException(
        "memcached " + command + describe(key, node) + " failed: " + cause, cause);
  }

  /** The client's own connection, for commands built with its operation factory. */
  LocatingClient connection() {
    return client;
  }

  /** The wire protocol the client speaks. */
  WireProtocol wire() {
    return wire;
  }

  /** " of key 'k' on host:port", or " of n keys on host:port" for a collection of keys. */
  private static String describe(Object key, MemcachedNode node) {
    String what = key instanceof Collection<?> keys ? keys.size() + " keys" : "key '" + key + "'";
    return " of " + what + " on " + NodeHealth.name(node);
  }

  private SocketAddress serverOf(String key) {
    return locator.getPrimary(key).getSocketAddress();
  }
}
