package dev.memjcache.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code memcached} process listening on a free loopback port, for tests, examples and
 * benchmarks.
 *
 * <p>The binary is taken from the {@code MEMCACHED_BIN} environment variable, else from {@code
 * PATH}. When it cannot be found, {@link #start(String...)} throws an {@link IllegalStateException}
 * that says how to install it: a missing server is a failure, never a silent skip. When the JVM
 * runs as root the process is started with {@code -u nobody}, since memcached refuses to run as
 * root.
 */
public final class MemcachedProcess implements AutoCloseable {

  private static final String INSTALL_HINT =
      "the memcached binary was not found on PATH (nor in $MEMCACHED_BIN); install it with "
          + "'apt-get install -y memcached' on Debian/Ubuntu, or point MEMCACHED_BIN at it";

  private static final long START_TIMEOUT_MILLIS = 10_000;

  private volatile Process process;
  private final int port;
  private final List<String> command;

  /** Variables added to the child's environment, again on {@link #restart()} (SASL_CONF_PATH). */
  private final Map<String, String> environment;

  private MemcachedProcess(
      Process process, int port, List<String> command, Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    this.process = process;
    this.port = port;
    this.command = command;
  }

  /**
   * Starts memcached on {@code 127.0.0.1} at a free port and waits (up to 10 s) until it accepts
   * connections.
   *
   * @param extraArgs further memcached arguments, for example {@code "-I", "2m"} for a 2 MiB item
   *     size or {@code "-X"} to disable the {@code lru_crawler metadump} command
   * @return the running process; close it to stop the server
   * @throws IllegalStateException when the binary is missing or the server does not come up
   */
  public static MemcachedProcess start(String... extraArgs) {
    return start(Map.of(), extraArgs);
  }

  /**
   * {@link #start(String...)} with extra environment variables for the memcached process, for
   * example {@code SASL_CONF_PATH} for a server started with {@code -S} (see {@link SaslSetup}).
   *
   * @param environment variables added to this JVM's environment for the child process
   * @param extraArgs further memcached arguments
   * @return the running process; close it to stop the server
   * @throws IllegalStateException when the binary is missing or the server does not come up
   */
  public static MemcachedProcess start(Map<String, String> environment, String... extraArgs) {
    String binary = findBinary();
    IllegalStateException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      List<String> command =
          new ArrayList<>(
              List.of(
                  binary,
                  "-l",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(port),
                  "-U",
                  "0",
                  "-m",
                  "64",
                  "-c",
                  "1024"));
      if ("root".equals(System.getProperty("user.name"))) {
        command.addAll(List.of("-u", "nobody"));
      }
      command.addAll(Arrays.asList(extraArgs));
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        Process process = builder.start();
        MemcachedProcess server = new MemcachedProcess(process, port, command, environment);
        if (server.awaitListening()) {
          return server;
        }
        server.close();
        last = Executables.didNotStart("memcached", command, process, "");
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + binary + ": " + INSTALL_HINT, e);
      }
    }
    throw last;
  }

  /**
   * Returns the path of the memcached binary.
   *
   * @throws IllegalStateException with installation instructions when there is none
   */
  public static String findBinary() {
    return Executables.find("memcached", "MEMCACHED_BIN", INSTALL_HINT);
  }

  private static int freePort() {
    return LoopbackPorts.free();
  }

  private boolean awaitListening() {
    return LoopbackPorts.awaitListening(process, port, START_TIMEOUT_MILLIS);
  }

  /** Returns the TCP port the server listens on (on {@code 127.0.0.1}). */
  public int port() {
    return port;
  }

  /** Returns {@code "127.0.0.1:<port>"}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** Returns the server's address as a MemJCache URI, {@code memcached://127.0.0.1:<port>}. */
  public String uri() {
    return "memcached://" + address();
  }

  /** Returns the command line the server was started with. */
  public List<String> command() {
    return List.copyOf(command);
  }

  /** Returns whether the process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Returns the process id of the running (or last) memcached process. */
  public long pid() {
    return process.pid();
  }

  /**
   * Kills the server (SIGKILL: no shutdown, all items lost) and waits for it to exit. The port
   * stays this object's, for {@link #restart()}.
   */
  public void stop() {
    try {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Starts memcached again on the same port with the same arguments and environment (empty, as
   * after a crash; stopping it first if it still runs) and waits (up to 10 s) until it accepts
   * connections.
   *
   * @throws IllegalStateException when it does not come up, for example because another process
   *     took the port meanwhile
   */
  public void restart() {
    if (process.isAlive()) {
      stop();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (true) {
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        process = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot restart " + String.join(" ", command), e);
      }
      if (awaitListening()) {
        return;
      }
      // The old socket may linger briefly; try again until the deadline.
      process.destroyForcibly();
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("memcached did not restart: " + String.join(" ", command));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while restarting memcached", e);
      }
    }
  }

  /**
   * Freezes the server (SIGSTOP): connections stay open, nothing is answered (a hung node). Returns
   * once every thread of the process is stopped (Linux {@code /proc/<pid>/task}).
   */
  public void pause() {
    signal("-STOP");
    awaitStopped(true);
  }

  /** Lets a {@link #pause() paused} server run again (SIGCONT); it keeps its items. */
  public void resume() {
    signal("-CONT");
    awaitStopped(false);
  }

  private void awaitStopped(boolean stopped) {
    Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try (var threads = Files.list(tasks)) {
        boolean all = threads.allMatch(task -> isStopped(task.resolve("stat")) == stopped);
        if (all) {
          return;
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        return; // no /proc (not Linux): the signal was sent, that is all we can tell
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean isStopped(Path stat) {
    try {
      String line = Files.readString(stat);
      // pid (comm) STATE ...: the state follows the last ')'
      return line.charAt(line.lastIndexOf(')') + 2) == 'T';
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void signal(String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", signal, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kill " + signal, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending " + signal, e);
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      resume(); // a paused server handles SIGTERM only once it runs again
    } catch (IllegalStateException alreadyGone) {
      // it exited meanwhile
    }
    Executables.stop(process);
  }

  /**
   * Starts {@code count} servers.
   *
   * @return the servers, in start order; if one fails, those already started are stopped
   */
  public static List<MemcachedProcess> startAll(int count, String... extraArgs) {
    List<MemcachedProcess> servers = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        servers.add(start(extraArgs));
      }
      return servers;
    } catch (RuntimeException e) {
      servers.forEach(MemcachedProcess::close);
      throw e;
    }
  }

  /** Returns the memcached URI {@code memcached://h:p,h:p...} of the given servers. */
  public static String uriOf(List<MemcachedProcess> servers) {
    StringBuilder uri = new StringBuilder("memcached://");
    for (int i = 0; i < servers.size(); i++) {
      uri.append(i == 0 ? "" : ",").append(servers.get(i).address());
    }
    return uri.toString();
  }
}
