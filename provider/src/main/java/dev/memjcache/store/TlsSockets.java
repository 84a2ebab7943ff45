package dev.memjcache.store;

import dev.memjcache.config.TlsSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionFactoryBuilder;

/**
 * {@link ServerSockets} over TLS, for memcached started with {@code -Z} (memcached's {@code
 * tls.txt}): an {@link SSLSocket} from the CacheManager's {@link SSLContext}, with host-name
 * verification ({@code SSLParameters.setEndpointIdentificationAlgorithm("HTTPS")}, RFC 2818) and
 * SNI. Each server is verified against {@code tlsHostname} when it is set, else against its own
 * host (or IP address) as written in the server list. The same context and names configure
 * spymemcached's connections ({@link #configure}), so MemJCache's own sockets and the client's
 * trust the same servers. Thread-safe.
 */
public final class TlsSockets implements ServerSockets {

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

  private final SSLContext context;
  private final SSLContext own;
  private final TlsContexts.ClientCertificates clientCertificates;
  private final String hostname;
  private final String keyStore;

  private TlsSockets(TlsContexts.Built built, TlsSettings tls) {
    this.context = built.context();
    this.own = built.own();
    this.clientCertificates = built.clientCertificates();
    this.hostname = tls.hostname().orElse(null);
    this.keyStore = tls.keyStore().orElse(null);
  }

  /**
   * Reads the trust store (and the key store, for mutual TLS) and builds the context.
   *
   * @param tls the TLS settings; {@link TlsSettings#enabled()} must be true
   * @param classLoader resolves {@code classpath:} store locations; null for this library's
   * @return the sockets
   * @throws javax.cache.CacheException when a store cannot be found or read (the message names the
   *     option and the location, never a password)
   * @throws IllegalArgumentException when {@code tls} is not enabled
   */
  public static TlsSockets create(TlsSettings tls, ClassLoader classLoader) {
    if (!tls.enabled()) {
      throw new IllegalArgumentException("TLS is not enabled in " + tls);
    }
    return new TlsSockets(TlsContexts.build(tls, classLoader), tls);
  }

  /**
   * The name {@code server}'s certificate is verified against: {@code tlsHostname}, else the host
   * string of the server list.
   */
  String nameFor(InetSocketAddress server) {
    return hostname != null ? hostname : server.getHostString();
  }

  /**
   * Classifies a session that {@link #open} completed and the server then closed or failed before
   * its first answer: under TLS 1.3 a server that demands a client certificate ({@code
   * ssl_verify_mode=2}) and got none, or refuses the one it got, says so only after the handshake.
   *
   * @param server the server
   * @param socket the socket {@link #open} returned
   * @param failure what the first read or write threw, or null when the server just closed
   * @return the client-certificate failure, or null when the client certificate is not the cause
   */
  TlsFailureException afterHandshake(InetSocketAddress server, Socket socket, IOException failure) {
    if (clientCertificates.requested(socket)
        || (failure != null
            && TlsFailureException.clientCertificateAlert(TlsFailureException.messages(failure)))) {
      return TlsFailureException.clientCertificate(
          server,
          keyStore,
          failure != null ? failure : new IOException("connection closed after the handshake"));
    }
    return null;
  }

  /**
   * Opens a TCP connection and completes the TLS handshake on it.
   *
   * @throws TlsFailureException for a handshake that failed for a reason the user can act on
   *     (plain-text server, untrusted certificate, wrong host name, client certificate); its
   *     message says which
   * @throws IOException when the server cannot be reached or does not answer in time
   */
  @Override
  public Socket open(InetSocketAddress server, int timeoutMillis) throws IOException {
    Socket tcp = PLAIN.open(server, timeoutMillis);
    String name = nameFor(server);
    forgetSessions();
    SSLSocket socket;
    try {
      socket = (SSLSocket) own.getSocketFactory().createSocket(tcp, name, server.getPort(), true);
    } catch (IOException | RuntimeException e) {
      tcp.close();
      throw e;
    }
    try {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      if (!IP_LITERAL.matcher(name).matches()) {
        parameters.setServerNames(List.of(new SNIHostName(name)));
      }
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return socket;
    } catch (IOException e) {
      socket.close();
      throw TlsFailureException.ofHandshake(server, name, keyStore, e);
    } catch (RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * These sockets live for one command, so resuming a TLS session gains nothing, and memcached
   * started with {@code ssl_verify_mode} but without {@code ssl_session_cache} answers a resumption
   * with the alert {@code internal_error} (OpenSSL has no session id context then): every handshake
   * of {@link #open} is a full one.
   */
  private void forgetSessions() {
    SSLSessionContext sessions = own.getClientSessionContext();
    for (byte[] id : Collections.list(sessions.getIds())) {
      SSLSession session = sessions.getSession(id);
      if (session != null) {
        session.invalidate();
      }
    }
  }

  /**
   * Sets spymemcached's TLS: this context, and host-name verification against the name {@link
   * #open} uses for {@code server}.
   *
   * @param builder the builder of the client's connection factory
   * @param server the server whose name the factory verifies
   * @return {@code builder}
   */
  ConnectionFactoryBuilder configure(ConnectionFactoryBuilder builder, InetSocketAddress server) {
    return builder
        .setSSLContext(context)
        .setSkipTlsHostnameVerification(false)
        .setHostnameForTlsVerification(nameFor(server));
  }

  /**
   * The fork verifies every node against the one name of its factory. Without {@code tlsHostname}
   * each server has its own, so each node gets a factory of its name, built when spymemcached
   * creates the node ({@code createMemcachedNode} gets the node's address as the server list or the
   * discovery endpoint gave it, host name included): servers that discovery adds later are verified
   * against their own names too.
   *
   * @param builders new builders with the client's settings
   * @return the factory for a node's address, or null where the client's own one serves (with
   *     {@code tlsHostname}, which names every server); thread-safe
   */
  Function<InetSocketAddress, ConnectionFactory> nodeFactories(
      Supplier<ConnectionFactoryBuilder> builders) {
    if (hostname != null) {
      return server -> null;
    }
    Map<String, ConnectionFactory> byName = new ConcurrentHashMap<>();
    return server ->
        byName.computeIfAbsent(nameFor(server), name -> configure(builders.get(), server).build());
  }

  @Override
  public String toString() {
    return "TlsSockets[" + (hostname == null ? "each server's own name" : hostname) + "]";
  }
}
