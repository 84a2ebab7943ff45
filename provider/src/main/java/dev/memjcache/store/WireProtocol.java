package dev.memjcache.store;

import dev.memjcache.config.Credentials;
import dev.memjcache.config.MemcachedProtocol;
import java.net.InetSocketAddress;
import java.util.List;
import javax.cache.CacheException;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CachedData;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.ops.DeleteOperation;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.StoreOperation;
import net.spy.memcached.ops.StoreType;

/**
 * Everything in {@code store/} that depends on the wire protocol (option {@code protocol}), chosen
 * once at connect; the rest of the store asks this type, and nothing above the store knows which
 * protocol is in use. The two differ in:
 *
 * <ul>
 *   <li>the client's protocol (spymemcached's {@code Protocol.BINARY} or {@code TEXT}), whose
 *       operation factory builds every command;
 *   <li>the conditional delete (delete only an item whose CAS unique is unchanged): binary {@code
 *       DELETE} with a CAS; text has none (spymemcached throws {@code
 *       UnsupportedOperationException}), so it is {@code cas <key> 0 2592001 0 <cas>}: an empty
 *       item with an absolute exptime in the past (above 30 days of seconds memcached reads an
 *       exptime as a Unix time). memcached answers {@code STORED} and keeps no readable item,
 *       {@code EXISTS} for a stale CAS, {@code NOT_FOUND} for a missing item. Never a negative
 *       exptime: twemproxy refuses those;
 *   <li>the node-health probe: binary {@code noop}, text {@code version};
 *   <li>SASL (binary only) and the connect-time protocol check ({@link ProtocolProbe}).
 * </ul>
 */
abstract sealed class WireProtocol {

  /** The text conditional delete's exptime: 30 days and 1 second, so 1970-01-31 as a Unix time. */
  static final int PAST_EXPTIME = 60 * 60 * 24 * 30 + 1;

  private static final byte[] NO_BYTES = new byte[0];

  static final WireProtocol BINARY = new Binary();
  static final WireProtocol TEXT = new Text();

  /** The implementation of the {@code protocol} option. */
  static WireProtocol of(MemcachedProtocol protocol) {
    return protocol == MemcachedProtocol.TEXT ? TEXT : BINARY;
  }

  private final ConnectionFactoryBuilder.Protocol clientProtocol;
  private final String conditionalDelete;
  private final boolean sasl;

  private WireProtocol(
      ConnectionFactoryBuilder.Protocol clientProtocol, String conditionalDelete, boolean sasl) {
    this.clientProtocol = clientProtocol;
    this.conditionalDelete = conditionalDelete;
    this.sasl = sasl;
  }

  /** The protocol spymemcached's client is built with. */
  final ConnectionFactoryBuilder.Protocol clientProtocol() {
    return clientProtocol;
  }

  /** The name of the conditional delete in messages. */
  final String conditionalDelete() {
    return conditionalDelete;
  }

  /**
   * Checks, one request per server on its own socket, that each server answers this protocol.
   *
   * @throws CacheException naming the server and the likely cause when one does not
   */
  abstract void checkAnswers(
      ServerSockets sockets, List<InetSocketAddress> servers, int timeoutMillis);

  /**
   * Before the client is built: checks that each server answers this protocol ({@link
   * ProtocolProbe}), and the SASL credentials.
   *
   * @param timeoutMillis connect and read timeout per server, in milliseconds
   * @throws CacheException naming the server and the likely cause for a protocol mismatch (a
   *     text-only server or proxy under binary, a binary-only server under text, TLS on one side
   *     only), refused credentials, or credentials under a protocol without SASL
   */
  final void checkServers(
      ServerSockets sockets,
      List<InetSocketAddress> servers,
      Credentials credentials,
      int timeoutMillis) {
    if (credentials.isPresent() && !sasl) {
      throw new CacheException(
          "the username option needs protocol=binary: memcached offers SASL authentication only"
              + " over the binary protocol");
    }
    checkAnswers(sockets, servers, timeoutMillis);
    if (credentials.isPresent()) {
      SaslPlainCheck.verify(sockets, servers, credentials, timeoutMillis);
    }
  }

  /**
   * After the client connected without credentials: for servers that gave no {@code stats} answer,
   * whether they demand SASL (a SASL server speaks only binary, so under text the protocol check
   * has refused it already).
   *
   * @throws CacheException naming the server when it requires authentication
   */
  final void checkNoneRequired(
      ServerSockets sockets, List<InetSocketAddress> silent, int timeoutMillis) {
    if (sasl) {
      SaslPlainCheck.verifyNoneRequired(sockets, silent, timeoutMillis);
    }
  }

  /** The node-health probe's command. */
  abstract Operation probe(OperationFactory operations, OperationCallback callback);

  /**
   * The conditional delete of the asynchronous paths: its callback's status is a success when the
   * item was deleted, a failure when it changed or is gone.
   */
  abstract <C extends DeleteOperation.Callback & StoreOperation.Callback>
      Operation deleteIfUnchanged(OperationFactory operations, String key, long cas, C callback);

  /**
   * The conditional delete, awaited ({@link MemcachedStore#await}).
   *
   * @return true when deleted; false when the item changed or is gone
   * @throws StoreFailureException on timeout or failure
   */
  abstract boolean deleteIfUnchanged(
      MemcachedStore store, LocatingClient client, String key, long cas, MemcachedNode node);

  private static final class Binary extends WireProtocol {
    Binary() {
      super(ConnectionFactoryBuilder.Protocol.BINARY, "delete-with-cas", true);
    }

    @Override
    void checkAnswers(ServerSockets sockets, List<InetSocketAddress> servers, int timeoutMillis) {
      ProtocolProbe.binary(sockets, servers, timeoutMillis);
    }

    @Override
    Operation probe(OperationFactory operations, OperationCallback callback) {
      return operations.noop(callback);
    }

    @Override
    <C extends DeleteOperation.Callback & StoreOperation.Callback> Operation deleteIfUnchanged(
        OperationFactory operations, String key, long cas, C callback) {
      return operations.delete(key, cas, callback);
    }

    @Override
    boolean deleteIfUnchanged(
        MemcachedStore store, LocatingClient client, String key, long cas, MemcachedNode node) {
      return store.await(client.delete(key, cas), conditionalDelete(), key, node);
    }
  }

  private static final class Text extends WireProtocol {
    Text() {
      super(ConnectionFactoryBuilder.Protocol.TEXT, "cas-delete", false);
    }

    @Override
    void checkAnswers(ServerSockets sockets, List<InetSocketAddress> servers, int timeoutMillis) {
      ProtocolProbe.text(sockets, servers, timeoutMillis);
    }

    @Override
    Operation probe(OperationFactory operations, OperationCallback callback) {
      return operations.version(callback);
    }

    @Override
    <C extends DeleteOperation.Callback & StoreOperation.Callback> Operation deleteIfUnchanged(
        OperationFactory operations, String key, long cas, C callback) {
      return operations.cas(StoreType.set, key, cas, 0, PAST_EXPTIME, NO_BYTES, callback);
    }

    @Override
    boolean deleteIfUnchanged(
        MemcachedStore store, LocatingClient client, String key, long cas, MemcachedNode node) {
      CASResponse response =
          store.await(
              client.asyncCAS(
                  key,
                  cas,
                  PAST_EXPTIME,
                  new CachedData(0, NO_BYTES, Integer.MAX_VALUE),
                  RawTranscoder.INSTANCE),
              conditionalDelete(),
              key,
              node);
      return CasOutcome.of(response, key, NodeHealth.name(node)) == CasOutcome.STORED;
    }
  }
}
