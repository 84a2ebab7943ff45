package dev.memjcache.store;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connect-time check that each server answers the chosen wire protocol, one request per server
 * on its own short-lived socket ({@link ServerSockets}, so over TLS when the client uses TLS),
 * before the spymemcached client is built. Without it a server that does not speak the protocol
 * looks like a network fault: spymemcached reconnects forever and every command fails with "has no
 * connection". All servers are asked at once, each for at most the connect timeout:
 *
 * <ul>
 *   <li>binary: a {@code NOOP} request (24 bytes, magic 0x80). A binary server answers with magic
 *       0x81. memcached {@code -B ascii} reads the opcode byte 0x0a as the end of a line and
 *       answers {@code ERROR}; twemproxy closes the connection.
 *   <li>text: {@code version}, padded with spaces to 24 bytes: a binary-only server (memcached
 *       {@code -B binary} or {@code -S}) waits for a whole 24-byte header, so it must get one to
 *       find no magic 0x80 and close the connection. A text server answers {@code VERSION ...}.
 * </ul>
 *
 * A TLS record (0x15 alert, 0x16 handshake) in the answer, or a connection closed or reset without
 * an answer, means TLS on one side only or the other protocol. A server that cannot be reached or
 * does not answer in time (hung) is left to the client and node health, as before. Over TLS this is
 * also the TLS pre-flight: spymemcached retries a failed handshake forever in its background
 * thread, so a failed handshake ({@link ServerSockets#open}: plain-text server, untrusted
 * certificate, wrong host name) fails with the transport's own message, and a session the server
 * ends before answering because of the client certificate with {@link TlsSockets#afterHandshake}'s.
 */
final class ProtocolProbe {

  private static final Logger LOG = LoggerFactory.getLogger(ProtocolProbe.class);

  /** Binary NOOP: magic 0x80, opcode 0x0a, the rest of the header zero. */
  private static final byte[] BINARY_NOOP = new byte[24];

  static {
    BINARY_NOOP[0] = (byte) 0x80;
    BINARY_NOOP[1] = 0x0a;
  }

  /** Text {@code version}, 24 bytes with its CRLF. */
  private static final byte[] TEXT_VERSION =
      ("version" + " ".repeat(15) + "\r\n").getBytes(StandardCharsets.US_ASCII);

  private static final String TLS_ONE_SIDE =
      "TLS on one side only: a server started with memcached -Z needs a client with TLS, and a"
          + " plain server a client without";

  private ProtocolProbe() {}

  /** What one probe got. */
  private enum Kind {
    /** The server could not be reached or did not answer in time: left to the client. */
    INCONCLUSIVE,
    /** The transport's handshake failed (TLS): its message says why. */
    HANDSHAKE_FAILED,
    /** Closed or reset without a byte. */
    CLOSED,
    /** Some bytes came back. */
    ANSWERED
  }

  private record Answer(Kind kind, byte[] bytes, IOException failure) {}

  /**
   * Checks that every server answers the binary protocol.
   *
   * @param sockets how to open a connection (plain or TLS)
   * @param servers resolved addresses
   * @param timeoutMillis connect and read timeout per server, in milliseconds
   * @throws CacheException naming the server and the likely cause when one answers otherwise
   */
  static void binary(ServerSockets sockets, List<InetSocketAddress> servers, int timeoutMillis) {
    check(sockets, servers, timeoutMillis, Expected.BINARY);
  }

  /**
   * Checks that every server answers the text protocol.
   *
   * @see #binary
   */
  static void text(ServerSockets sockets, List<InetSocketAddress> servers, int timeoutMillis) {
    check(sockets, servers, timeoutMillis, Expected.TEXT);
  }

  /** What each protocol sends, accepts, and says of the other answers. */
  private enum Expected {
    BINARY(
        "binary",
        BINARY_NOOP,
        "a binary NOOP",
        "It most likely speaks only the text protocol (a proxy such as twemproxy or mcrouter: set"
            + " protocol=text)") {
      @Override
      boolean accepts(byte[] bytes) {
        return bytes[0] == (byte) 0x81;
      }

      @Override
      String otherAnswer(byte[] bytes) {
        if (printable(bytes)) {
          return "it answered in the text protocol ('"
              + firstLine(bytes)
              + "'). It speaks only the text protocol (memcached -B ascii, or a proxy such as"
              + " twemproxy or mcrouter): set protocol=text";
        }
        return "its answer begins with byte 0x"
            + Integer.toHexString(bytes[0] & 0xff)
            + ", not 0x81. Is it a memcached server, and does it expect TLS? "
            + TLS_ONE_SIDE;
      }
    },
    TEXT(
        "text",
        TEXT_VERSION,
        "the text command 'version'",
        "It most likely speaks only the binary protocol (memcached -B binary, or -S for SASL: set"
            + " protocol=binary)") {
      @Override
      boolean accepts(byte[] bytes) {
        return firstLine(bytes).startsWith("VERSION ");
      }

      @Override
      String otherAnswer(byte[] bytes) {
        if (bytes[0] == (byte) 0x81) {
          return "it answered in the binary protocol. It speaks only the binary protocol: set"
              + " protocol=binary";
        }
        return "it answered '"
            + firstLine(bytes)
            + "'. Is it a memcached server, and does it expect TLS? "
            + TLS_ONE_SIDE;
      }
    };

    final String name;
    final byte[] request;
    final String requestName;
    final String closedHint;

    Expected(String name, byte[] request, String requestName, String closedHint) {
      this.name = name;
      this.request = request;
      this.requestName = requestName;
      this.closedHint = closedHint;
    }

    abstract boolean accepts(byte[] bytes);

    abstract String otherAnswer(byte[] bytes);

    /** The mismatch message for a server's answer, or null when it is fine or inconclusive. */
    String verdict(InetSocketAddress server, Answer answer) {
      String prefix =
          "memcached server "
              + server
              + " does not answer the "
              + name
              + " protocol (option protocol="
              + name
              + "): ";
      return switch (answer.kind()) {
        case INCONCLUSIVE -> null;
        case HANDSHAKE_FAILED -> handshakeMessage(server, answer.failure());
        case CLOSED ->
            prefix
                + "it closed the connection when sent "
                + requestName
                + ". "
                + closedHint
                + ", or expects TLS while the client does not ("
                + TLS_ONE_SIDE
                + ")";
        case ANSWERED -> {
          byte[] bytes = answer.bytes();
          if (accepts(bytes)) {
            yield null;
          }
          yield prefix
              + (tlsRecord(bytes)
                  ? "it answered " + requestName + " with a TLS record. " + TLS_ONE_SIDE
                  : "sent " + requestName + ", " + otherAnswer(bytes));
        }
      };
    }
  }

  /** The transport's message as it is (it names the cause), else one naming the server. */
  private static String handshakeMessage(InetSocketAddress server, IOException failure) {
    String message = failure.getMessage();
    return message != null && !message.isBlank()
        ? message
        : "the connection to memcached server " + server + " failed: " + failure;
  }

  private static void check(
      ServerSockets sockets,
      List<InetSocketAddress> servers,
      int timeoutMillis,
      Expected expected) {
    List<CompletableFuture<Answer>> answers = new ArrayList<>(servers.size());
    for (InetSocketAddress server : servers) {
      answers.add(
          CompletableFuture.supplyAsync(
              () -> exchange(sockets, server, expected.request, timeoutMillis),
              ProtocolProbe::daemon));
    }
    for (int i = 0; i < servers.size(); i++) {
      Answer answer = answers.get(i).join();
      if (answer.kind() == Kind.INCONCLUSIVE) {
        LOG.debug(
            "cannot check the protocol of memcached {} at connect ({}); the client reports it",
            servers.get(i),
            String.valueOf(answer.failure()));
      }
      String mismatch = expected.verdict(servers.get(i), answer);
      if (mismatch != null) {
        throw new CacheException(mismatch, answer.failure());
      }
    }
  }

  private static void daemon(Runnable task) {
    Thread thread = new Thread(task, "memjcache-protocol-probe");
    thread.setDaemon(true);
    thread.start();
  }

  /** Sends the request; reads until a line ends or 24 bytes (a binary header) arrived. */
  private static Answer exchange(
      ServerSockets sockets, InetSocketAddress server, byte[] request, int timeoutMillis) {
    Socket socket;
    try {
      socket = sockets.open(server, timeoutMillis);
    } catch (IOException e) {
      return new Answer(
          e instanceof TlsFailureException || !unreachable(e)
              ? Kind.HANDSHAKE_FAILED
              : Kind.INCONCLUSIVE,
          new byte[0],
          e);
    }
    byte[] answer = new byte[256];
    int read = 0;
    try (socket) {
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      while (read < 24 && (read == 0 || answer[read - 1] != '\n')) {
        int n = in.read(answer, read, answer.length - read);
        if (n < 0) {
          break;
        }
        read += n;
      }
    } catch (SocketTimeoutException e) {
      if (read == 0) {
        return new Answer(Kind.INCONCLUSIVE, new byte[0], e);
      }
    } catch (IOException e) {
      if (read == 0) {
        TlsFailureException tls = afterHandshake(sockets, server, socket, e);
        if (tls != null) {
          return new Answer(Kind.HANDSHAKE_FAILED, new byte[0], tls);
        }
        return new Answer(
            e instanceof SocketException && reset(e) ? Kind.CLOSED : Kind.INCONCLUSIVE,
            new byte[0],
            e);
      }
    }
    if (read == 0) {
      TlsFailureException tls = afterHandshake(sockets, server, socket, null);
      return tls != null
          ? new Answer(Kind.HANDSHAKE_FAILED, new byte[0], tls)
          : new Answer(Kind.CLOSED, new byte[0], new EOFException("closed without an answer"));
    }
    return new Answer(Kind.ANSWERED, Arrays.copyOf(answer, read), null);
  }

  /**
   * For a TLS session the server ended without an answer: the client-certificate failure it stands
   * for ({@link TlsSockets#afterHandshake}), else null.
   */
  private static TlsFailureException afterHandshake(
      ServerSockets sockets, InetSocketAddress server, Socket socket, IOException failure) {
    return sockets instanceof TlsSockets tls ? tls.afterHandshake(server, socket, failure) : null;
  }

  private static boolean reset(IOException e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    return message.contains("reset") || message.contains("broken pipe");
  }

  /** Whether opening failed before any server answered: refused, unroutable, timed out. */
  private static boolean unreachable(IOException failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException
          || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static boolean tlsRecord(byte[] bytes) {
    return bytes.length >= 2 && (bytes[0] == 0x15 || bytes[0] == 0x16) && bytes[1] == 0x03;
  }

  private static boolean printable(byte[] bytes) {
    for (byte b : bytes) {
      if ((b < 0x20 || b >= 0x7f) && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /** The first line of an answer, non-printable bytes as '?', at most 80 characters. */
  private static String firstLine(byte[] bytes) {
    StringBuilder line = new StringBuilder();
    for (byte b : bytes) {
      if (b == '\r' || b == '\n' || line.length() == 80) {
        break;
      }
      line.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
    }
    return line.toString();
  }
}
