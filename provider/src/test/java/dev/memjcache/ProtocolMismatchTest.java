package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that does not answer the chosen wire protocol fails {@code getCacheManager} at once,
 * within the connect timeout, with a message that names the likely cause, never with a reconnect
 * loop: a text-only server (memcached {@code -B ascii}) or a proxy (a real twemproxy) under binary,
 * a binary-only server ({@code -B binary}) under text, and a TLS server ({@code -Z}) reached
 * without TLS.
 */
class ProtocolMismatchTest {

  private static final long CONNECT_TIMEOUT_MILLIS = 3_000;

  private static CacheException refused(String servers, String protocol) {
    URI uri =
        URI.create(
            "memcached://"
                + servers
                + "?protocol="
                + protocol
                + "&connectTimeoutMillis="
                + CONNECT_TIMEOUT_MILLIS);
    long start = System.nanoTime();
    CacheException e =
        assertThrows(
            CacheException.class,
            () ->
                new MemcachedCachingProvider()
                    .getCacheManager(uri, ProtocolMismatchTest.class.getClassLoader()));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(
        millis < CONNECT_TIMEOUT_MILLIS,
        "failed after " + millis + " ms, not within the connect timeout: " + e.getMessage());
    assertTrue(
        !e.getMessage().contains("reconnecting") && !e.getMessage().contains("no connection"),
        e.getMessage());
    return e;
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "'" + part + "' is not in: " + message);
    }
  }

  @Test
  void aBinaryClientOnATextOnlyServerIsToldToUseText() {
    try (MemcachedProcess server = MemcachedProcess.start("-B", "ascii")) {
      CacheException e = refused(server.address(), "binary");
      assertMentions(
          e.getMessage(),
          server.address(),
          "does not answer the binary protocol",
          "in the text protocol ('ERROR')",
          "-B ascii",
          "set protocol=text");
    }
  }

  @Test
  void aTextClientOnABinaryOnlyServerIsToldToUseBinary() {
    try (MemcachedProcess server = MemcachedProcess.start("-B", "binary")) {
      CacheException e = refused(server.address(), "text");
      assertMentions(
          e.getMessage(),
          server.address(),
          "does not answer the text protocol",
          "closed the connection",
          "-B binary",
          "set protocol=binary",
          "TLS on one side only");
    }
  }

  @Test
  void aBinaryClientOnTwemproxyIsToldToUseText() throws Exception {
    try (MemcachedProcess memcached = MemcachedProcess.start();
        Nutcracker proxy = Nutcracker.start(memcached.port())) {
      CacheException e = refused(proxy.address(), "binary");
      assertMentions(
          e.getMessage(),
          proxy.address(),
          "does not answer the binary protocol",
          "closed the connection",
          "twemproxy",
          "set protocol=text");
    }
  }

  @Test
  void aPlainClientOnATlsServerIsToldThatTlsIsOnOneSideOnly(@TempDir Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process openssl =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=localhost",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl req");
    // memcached runs as nobody when the tests run as root: it must read the certificate and key
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(cert, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    try (MemcachedProcess server =
        MemcachedProcess.start("-Z", "-o", "ssl_chain_cert=" + cert + ",ssl_key=" + key)) {
      for (String protocol : new String[] {"binary", "text"}) {
        CacheException e = refused(server.address(), protocol);
        assertMentions(
            e.getMessage(), server.address(), "closed the connection", "TLS on one side only");
      }
    }
  }

  /** A real twemproxy ({@code nutcracker}) in front of one memcached, on a free loopback port. */
  private static final class Nutcracker implements AutoCloseable {
    private final Process process;
    private final int port;

    private Nutcracker(Process process, int port) {
      this.process = process;
      this.port = port;
    }

    static Nutcracker start(int memcachedPort) throws Exception {
      int port;
      int statsPort;
      try (ServerSocket a = new ServerSocket(0);
          ServerSocket b = new ServerSocket(0)) {
        port = a.getLocalPort();
        statsPort = b.getLocalPort();
      }
      Path config = Files.createTempFile("memjcache-nutcracker", ".yml");
      config.toFile().deleteOnExit();
      Files.writeString(
          config,
          "pool:\n"
              + "  listen: 127.0.0.1:"
              + port
              + "\n  hash: fnv1a_64\n  distribution: ketama\n  timeout: 1000\n"
              + "  servers:\n   - 127.0.0.1:"
              + memcachedPort
              + ":1\n");
      Process process;
      try {
        process =
            new ProcessBuilder(
                    "nutcracker", "-c", config.toString(), "-s", Integer.toString(statsPort))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "nutcracker (twemproxy) is missing: install it with apt-get install -y nutcracker", e);
      }
      Nutcracker proxy = new Nutcracker(process, port);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        try (Socket probe = new Socket()) {
          probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return proxy;
        } catch (IOException notYet) {
          Thread.sleep(20);
        }
      }
      proxy.close();
      throw new IllegalStateException("nutcracker did not listen on port " + port);
    }

    String address() {
      return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
