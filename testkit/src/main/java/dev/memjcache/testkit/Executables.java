package dev.memjcache.testkit;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds the binaries the tests run (memcached, nutcracker): the one place that searches. */
final class Executables {

  /** Searched after {@code PATH}: where Debian's packages put daemons and tools. */
  private static final List<String> SYSTEM_DIRS =
      List.of("/usr/bin", "/usr/local/bin", "/usr/sbin", "/usr/local/sbin");

  private Executables() {}

  /** Stops {@code process}: SIGTERM, then SIGKILL after 5 s, and waits up to 5 s more. */
  static void stop(Process process) {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The failure of a start attempt whose process never listened: names the command and how the
   * process ended.
   *
   * @param what the binary's name, e.g. {@code memcached}
   * @param detail more to add after the exit value (e.g. a configuration), or empty
   */
  static IllegalStateException didNotStart(
      String what, List<String> command, Process process, String detail) {
    return new IllegalStateException(
        what
            + " did not start: "
            + String.join(" ", command)
            + " (exit value "
            + (process.isAlive() ? "none, still running" : process.exitValue())
            + ")"
            + detail);
  }

  /**
   * Returns the path of {@code name}: the one {@code variable} names when set, else the first
   * executable file of that name on {@code PATH} or in {@code /usr/bin}, {@code /usr/local/bin},
   * {@code /usr/sbin}, {@code /usr/local/sbin}.
   *
   * @param name the file name, e.g. {@code memcached}
   * @param variable the environment variable that may name the binary, e.g. {@code MEMCACHED_BIN}
   * @param installHint how to install it, for the exception's message
   * @throws IllegalStateException when {@code variable} names no executable file, or none is found
   */
  static String find(String name, String variable, String installHint) {
    String explicit = System.getenv(variable);
    if (explicit != null && !explicit.isBlank()) {
      if (Files.isExecutable(Path.of(explicit))) {
        return explicit;
      }
      throw new IllegalStateException(
          variable + "=" + explicit + " is not executable; " + installHint);
    }
    List<String> dirs =
        new ArrayList<>(
            List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(SYSTEM_DIRS);
    for (String dir : dirs) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name).toString();
      }
    }
    throw new IllegalStateException(installHint);
  }
}
