package dev.memjcache.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Cyrus SASL configuration for a memcached started with {@code -S} (Debian's memcached 1.6 is
 * built with Cyrus SASL): a directory holding {@code memcached.conf} ({@code mech_list: plain},
 * {@code sasldb_path: <dir>/sasldb}) and a sasldb with one user, made with Debian's {@code
 * saslpasswd2} (package {@code sasl2-bin}). Start the server with {@code
 * MemcachedProcess.start(setup.environment(), "-S")}.
 */
public final class SaslSetup {

  private static final String INSTALL_HINT =
      "saslpasswd2 was not found on PATH (nor in /usr/sbin);"
          + " install it with 'apt-get install -y sasl2-bin' on Debian/Ubuntu";

  private final Path directory;

  private SaslSetup(Path directory) {
    this.directory = directory;
  }

  /**
   * Creates the configuration in a new temporary directory, readable by the {@code nobody} user
   * memcached runs as under root.
   *
   * @param user the SASL user name
   * @param password its password (written to saslpasswd2's standard input, never to a command line)
   * @return the setup
   * @throws IllegalStateException when saslpasswd2 is missing (with the apt-get command) or fails
   */
  public static SaslSetup create(String user, String password) {
    String saslpasswd2 = findSaslpasswd2();
    try {
      Path dir = Files.createTempDirectory("memjcache-sasl");
      Path db = dir.resolve("sasldb");
      Files.writeString(
          dir.resolve("memcached.conf"),
          "mech_list: plain\nsasldb_path: " + db + "\n",
          StandardCharsets.US_ASCII);
      Process process =
          new ProcessBuilder(
                  List.of(saslpasswd2, "-p", "-a", "memcached", "-f", db.toString(), "-c", user))
              .redirectErrorStream(true)
              .start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(password.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("saslpasswd2 failed: " + output);
      }
      // memcached drops root for 'nobody', which must read the configuration and the database
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(
          dir.resolve("memcached.conf"), PosixFilePermissions.fromString("rw-r--r--"));
      return new SaslSetup(dir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the SASL configuration: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running saslpasswd2", e);
    }
  }

  /**
   * Returns the path of saslpasswd2.
   *
   * @throws IllegalStateException with the apt-get command when it is missing
   */
  public static String findSaslpasswd2() {
    String path =
        System.getenv().getOrDefault("PATH", "")
            + File.pathSeparator
            + "/usr/sbin"
            + File.pathSeparator
            + "/usr/bin";
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "saslpasswd2"))) {
        return Path.of(dir, "saslpasswd2").toString();
      }
    }
    throw new IllegalStateException(INSTALL_HINT);
  }

  /** Returns the environment memcached needs: {@code SASL_CONF_PATH=<directory>}. */
  public Map<String, String> environment() {
    return Map.of("SASL_CONF_PATH", directory.toString());
  }

  /** Returns the configuration directory. */
  public Path directory() {
    return directory;
  }

  /** Deletes the directory and its files. */
  public void delete() {
    deleteFlat(directory);
  }

  /** Deletes {@code directory} and the files in it (no subdirectories), ignoring failures. */
  static void deleteFlat(Path directory) {
    try (var files = Files.list(directory)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
