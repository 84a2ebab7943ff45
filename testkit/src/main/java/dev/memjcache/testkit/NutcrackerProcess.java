package dev.memjcache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A private twemproxy ({@code nutcracker}, Debian's package) on {@code 127.0.0.1} at a free port,
 * in front of memcached servers, for the proxy tests: a generated {@code nutcracker.yml} ({@code
 * distribution: ketama}, {@code auto_eject_hosts: true}) in a temporary directory, the stats port
 * on loopback too, stopped (and the directory removed) by {@link #close()}.
 */
public final class NutcrackerProcess implements AutoCloseable {

  private static final String INSTALL_HINT =
      "the nutcracker (twemproxy) binary was not found on PATH nor in /usr/sbin (nor in"
          + " $NUTCRACKER_BIN); install it with 'apt-get install -y nutcracker' on Debian/Ubuntu"
          + " (scripts/ensure-memcached.sh does so as root)";

  private static final long START_TIMEOUT_MILLIS = 10_000;

  private final Process process;
  private final int port;
  private final Path directory;
  private final String config;

  private NutcrackerProcess(Process process, int port, Path directory, String config) {
    this.process = process;
    this.port = port;
    this.directory = directory;
    this.config = config;
  }

  /**
   * Starts nutcracker in front of {@code backends} and waits (up to 10 s) until it accepts
   * connections.
   *
   * @param backends the memcached servers, in the order of the pool's {@code servers} list
   * @param timeoutMillis the pool's {@code timeout}: how long nutcracker waits for a backend, ms
   * @param serverRetryTimeoutMillis the pool's {@code server_retry_timeout}: how long an ejected
   *     backend stays out, ms
   * @param serverFailureLimit the pool's {@code server_failure_limit}: consecutive failures that
   *     eject a backend
   * @return the running proxy; close it to stop it
   * @throws IllegalStateException when the binary is missing or the proxy does not come up
   */
  public static NutcrackerProcess start(
      List<MemcachedProcess> backends,
      long timeoutMillis,
      long serverRetryTimeoutMillis,
      int serverFailureLimit) {
    String binary = findBinary();
    Path directory;
    try {
      directory = Files.createTempDirectory("memjcache-nutcracker");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      int statsPort = freePort();
      StringBuilder yml = new StringBuilder();
      yml.append("memjcache:\n")
          .append("  listen: 127.0.0.1:")
          .append(port)
          .append('\n')
          .append("  hash: fnv1a_64\n")
          .append("  distribution: ketama\n")
          .append("  timeout: ")
          .append(timeoutMillis)
          .append('\n')
          .append("  auto_eject_hosts: true\n")
          .append("  server_retry_timeout: ")
          .append(serverRetryTimeoutMillis)
          .append('\n')
          .append("  server_failure_limit: ")
          .append(serverFailureLimit)
          .append('\n')
          .append("  servers:\n");
      for (MemcachedProcess backend : backends) {
        yml.append("   - ").append(backend.address()).append(":1\n");
      }
      Path conf = directory.resolve("nutcracker.yml");
      List<String> command =
          List.of(
              binary,
              "-c",
              conf.toString(),
              "-s",
              Integer.toString(statsPort),
              "-a",
              "127.0.0.1",
              "-p",
              directory.resolve("nutcracker.pid").toString(),
              "-o",
              directory.resolve("nutcracker.log").toString());
      try {
        Files.writeString(conf, yml, StandardCharsets.US_ASCII);
        Process process =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        NutcrackerProcess proxy = new NutcrackerProcess(process, port, directory, yml.toString());
        if (proxy.awaitListening()) {
          return proxy;
        }
        proxy.stopProcess();
        last = Executables.didNotStart("nutcracker", command, process, "; configuration:\n" + yml);
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + binary + ": " + INSTALL_HINT, e);
      }
    }
    throw last;
  }

  /**
   * Returns the path of the nutcracker binary.
   *
   * @throws IllegalStateException with installation instructions when there is none
   */
  public static String findBinary() {
    return Executables.find("nutcracker", "NUTCRACKER_BIN", INSTALL_HINT);
  }

  /** Returns the port the proxy listens on (on {@code 127.0.0.1}). */
  public int port() {
    return port;
  }

  /** Returns {@code "127.0.0.1:<port>"}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Returns the generated {@code nutcracker.yml}. */
  public String config() {
    return config;
  }

  /** Stops the proxy and removes its directory. */
  @Override
  public void close() {
    stopProcess();
    try (var files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // a leftover temporary directory holds no secret
    }
  }

  private void stopProcess() {
    Executables.stop(process);
  }

  private static int freePort() {
    return LoopbackPorts.free();
  }

  private boolean awaitListening() {
    return LoopbackPorts.awaitListening(process, port, START_TIMEOUT_MILLIS);
  }
}
