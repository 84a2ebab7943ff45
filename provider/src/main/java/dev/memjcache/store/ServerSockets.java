package dev.memjcache.store;

import dev.memjcache.config.TlsSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * How MemJCache opens its own short-lived connections to a memcached server, beside spymemcached's:
 * the SASL check ({@code SaslPlainCheck}), key enumeration ({@link MetadumpKeyEnumerator}) and the
 * connect-time probes. They must use the same transport as the client (plain TCP, or TLS to a
 * server started with {@code memcached -Z}), so every one of them opens its socket here.
 */
@FunctionalInterface
public interface ServerSockets {

  /** Plain TCP, as memcached listens by default. */
  ServerSockets PLAIN =
      (server, timeoutMillis) -> {
        Socket socket = new Socket();
        try {
          socket.setSoTimeout(timeoutMillis);
          socket.setTcpNoDelay(true);
          socket.connect(server, timeoutMillis);
          return socket;
        } catch (IOException | RuntimeException e) {
          socket.close();
          throw e;
        }
      };

  /**
   * The transport {@code tls} configures: {@link #PLAIN}, or {@link TlsSockets} with its trust and
   * key stores read now.
   *
   * @param tls the CacheManager's TLS settings
   * @param classLoader resolves {@code classpath:} store locations; null for this library's
   * @return the sockets
   * @throws javax.cache.CacheException when a store cannot be found or read
   */
  static ServerSockets of(TlsSettings tls, ClassLoader classLoader) {
    return tls.enabled() ? TlsSockets.create(tls, classLoader) : PLAIN;
  }

  /**
   * Opens a connected socket, ready for a memcached command.
   *
   * @param server the server's address (resolved)
   * @param timeoutMillis connect timeout, and the socket's read timeout, in milliseconds (positive)
   * @return the connected socket; the caller closes it
   * @throws IOException when the server cannot be reached, or the transport's handshake fails (for
   *     TLS a {@code TlsFailureException} whose message says why: plain-text server, untrusted
   *     certificate, wrong host name, client certificate)
   */
  Socket open(InetSocketAddress server, int timeoutMillis) throws IOException;
}
