package dev.memjcache.store;

import dev.memjcache.config.Credentials;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks SASL PLAIN credentials against every reachable server before the spymemcached client is
 * built. spymemcached authenticates in a background thread and, when the server refuses, retries
 * forever while every command waits and times out; a CacheManager with a wrong password would look
 * like a dead cluster. One binary-protocol {@code SASL_AUTH} (opcode 0x21, mechanism {@code PLAIN})
 * per server on its own short-lived socket answers the question at connect: status 0 is success,
 * 0x20 a refusal, 0x81 (unknown command) a server started without {@code -S}.
 *
 * <p>Unreachable servers are skipped (the client reports them and authenticates when they come
 * back). No message contains the password.
 */
final class SaslPlainCheck {

  private static final Logger LOG = LoggerFactory.getLogger(SaslPlainCheck.class);
  private static final byte REQUEST = (byte) 0x80;
  private static final byte SASL_AUTH = 0x21;
  private static final byte NOOP = 0x0a;
  private static final int STATUS_AUTH_ERROR = 0x20;
  private static final int STATUS_UNKNOWN_COMMAND = 0x81;

  private SaslPlainCheck() {}

  /**
   * Authenticates once to each server.
   *
   * @param sockets how to open a connection to a server
   * @param servers resolved server addresses
   * @param credentials the configured user and password (present)
   * @param timeoutMillis connect and read timeout per server, ms
   * @throws CacheException naming the server and the user when a server refuses the credentials or
   *     does not offer SASL
   */
  static void verify(
      ServerSockets sockets,
      List<InetSocketAddress> servers,
      Credentials credentials,
      int timeoutMillis) {
    for (InetSocketAddress server : servers) {
      int status;
      try {
        status = authenticate(sockets, server, credentials, timeoutMillis);
      } catch (IOException e) {
        LOG.warn(
            "cannot check the SASL credentials of user {} on memcached {} ({}); the client"
                + " authenticates when it connects",
            credentials.username(),
            server,
            e.toString());
        continue;
      }
      if (status == STATUS_AUTH_ERROR) {
        throw new CacheException(
            "SASL authentication of user '"
                + credentials.username()
                + "' to memcached "
                + server
                + " failed (status 0x20 \"Auth failure\"): check the"
                + " username and password options and the server's SASL database");
      }
      if (status == STATUS_UNKNOWN_COMMAND) {
        throw new CacheException(
            "memcached "
                + server
                + " does not offer SASL authentication"
                + " (it was not started with -S), but the username option is set; remove username"
                + " and password or start memcached with -S");
      }
      if (status != 0) {
        throw new CacheException(
            "SASL authentication of user '"
                + credentials.username()
                + "' to memcached "
                + server
                + " failed with status 0x"
                + Integer.toHexString(status));
      }
    }
  }

  /**
   * For servers that gave no {@code stats} answer to a client without credentials: a binary {@code
   * NOOP} answered with status 0x20 means the server demands SASL ({@code -S}). Without this check
   * every command would just fail with "Cancelled" (or, in degrade mode, silently miss).
   *
   * @param sockets how to open a connection to a server
   * @param servers servers that did not answer {@code stats settings}
   * @param timeoutMillis connect and read timeout per server, ms
   * @throws CacheException naming the server when it requires authentication
   */
  static void verifyNoneRequired(
      ServerSockets sockets, List<InetSocketAddress> servers, int timeoutMillis) {
    for (InetSocketAddress server : servers) {
      ByteBuffer noop = ByteBuffer.allocate(24);
      noop.put(REQUEST).put(NOOP);
      int status;
      try {
        status = exchange(sockets, server, noop.array(), timeoutMillis);
      } catch (IOException e) {
        continue; // unreachable or closed: the client reports it
      }
      if (status == STATUS_AUTH_ERROR) {
        throw new CacheException(
            "memcached "
                + server
                + " requires SASL authentication (it was"
                + " started with -S): set the username and password options (in a properties file or"
                + " the Properties passed to getCacheManager, never in the memcached:// URI)");
      }
    }
  }

  private static int authenticate(
      ServerSockets sockets, InetSocketAddress server, Credentials credentials, int timeoutMillis)
      throws IOException {
    byte[] mechanism = "PLAIN".getBytes(StandardCharsets.US_ASCII);
    byte[] user = credentials.username().getBytes(StandardCharsets.UTF_8);
    byte[] password = credentials.password().getBytes(StandardCharsets.UTF_8);
    // PLAIN message (RFC 4616): authzid NUL authcid NUL passwd, with an empty authzid
    int valueLength = 1 + user.length + 1 + password.length;
    ByteBuffer request = ByteBuffer.allocate(24 + mechanism.length + valueLength);
    request
        .put(REQUEST)
        .put(SASL_AUTH)
        .putShort((short) mechanism.length)
        .put((byte) 0)
        .put((byte) 0)
        .putShort((short) 0)
        .putInt(mechanism.length + valueLength)
        .putInt(0)
        .putLong(0)
        .put(mechanism)
        .put((byte) 0)
        .put(user)
        .put((byte) 0)
        .put(password);
    try {
      return exchange(sockets, server, request.array(), timeoutMillis);
    } finally {
      java.util.Arrays.fill(request.array(), (byte) 0);
      java.util.Arrays.fill(password, (byte) 0);
    }
  }

  /** Sends one binary-protocol request on a new socket; returns the response's status. */
  private static int exchange(
      ServerSockets sockets, InetSocketAddress server, byte[] request, int timeoutMillis)
      throws IOException {
    try (Socket socket = sockets.open(server, timeoutMillis)) {
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] header = new byte[24];
      in.readFully(header);
      if (header[0] != (byte) 0x81) {
        throw new IOException(
            "not a memcached binary-protocol response (magic 0x"
                + Integer.toHexString(header[0] & 0xff)
                + ")");
      }
      return ByteBuffer.wrap(header, 6, 2).getShort() & 0xffff;
    }
  }
}
