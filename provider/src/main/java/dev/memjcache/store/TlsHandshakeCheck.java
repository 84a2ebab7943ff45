package dev.memjcache.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes one TLS handshake with every reachable server before the spymemcached client is built,
 * as {@link SaslPlainCheck} does for SASL: the client retries a failed handshake forever in its
 * background thread, so a wrong trust store, a wrong host name or a plain-text server would look
 * like a dead cluster. After the handshake it sends a binary {@code NOOP} and waits for the first
 * byte of the answer, since under TLS 1.3 a server that demands a client certificate ({@code
 * ssl_verify_mode=2}) ends the session only then.
 *
 * <p>Unreachable servers, and servers that do not answer within the timeout, are skipped (the
 * client reports them and connects when they come back).
 */
final class TlsHandshakeCheck {

  private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeCheck.class);

  /** Binary protocol NOOP (opcode 0x0a): every memcached answers it, with -S too. */
  private static final byte[] NOOP = new byte[24];

  static {
    NOOP[0] = (byte) 0x80;
    NOOP[1] = 0x0a;
  }

  private TlsHandshakeCheck() {}

  /**
   * Handshakes once with each server.
   *
   * @param sockets the CacheManager's TLS sockets
   * @param servers resolved server addresses
   * @param timeoutMillis connect, handshake and read timeout per server, ms
   * @throws CacheException naming the server and the cause (plain-text server, untrusted
   *     certificate, wrong host name, missing or refused client certificate, other handshake
   *     failure) and what to do
   */
  static void verify(TlsSockets sockets, List<InetSocketAddress> servers, int timeoutMillis) {
    for (InetSocketAddress server : servers) {
      try {
        handshake(sockets, server, timeoutMillis);
      } catch (TlsFailureException e) {
        throw new CacheException(e.getMessage(), e);
      } catch (IOException e) {
        LOG.warn(
            "cannot complete a TLS handshake with memcached {} ({}); the client connects when it"
                + " answers",
            server,
            e.toString());
      }
    }
  }

  private static void handshake(TlsSockets sockets, InetSocketAddress server, int timeoutMillis)
      throws IOException {
    try (Socket socket = sockets.open(server, timeoutMillis)) {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(NOOP);
        out.flush();
        InputStream in = socket.getInputStream();
        if (in.read() >= 0) {
          return;
        }
        if (sockets.clientCertificateRequested(socket)) {
          throw TlsFailureException.clientCertificate(
              server, sockets.keyStore(), new IOException("connection closed after the handshake"));
        }
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (TlsFailureException e) {
        throw e;
      } catch (IOException e) {
        if (sockets.clientCertificateRequested(socket)
            || TlsFailureException.clientCertificateAlert(TlsFailureException.messages(e))) {
          throw TlsFailureException.clientCertificate(server, sockets.keyStore(), e);
        }
        throw e;
      }
    }
  }
}
