package dev.memjcache.tck;

import dev.memjcache.testkit.MemcachedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts private memcached servers for the whole TCK run (one, or as many as the system property
 * {@value #NODES_PROPERTY} of this runner's own surefire execution says; in the protocol that
 * {@value #PROTOCOL_PROPERTY} names, binary by default, text against servers started with {@code -B
 * ascii} so that they answer nothing else) and points MemJCache's default URI at them through a
 * properties file (the {@code memjcache.servers} system property, which the provider reads for
 * {@code getDefaultURI()}); stops them when the run ends. Registered through {@code
 * META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class TckMemcachedSession implements LauncherSessionListener {

  /** How many memcached servers the TCK runs against (a setting of this test runner only). */
  static final String NODES_PROPERTY = "memjcache.tck.nodes";

  /** The {@code protocol} option of the run, binary or text (a setting of this runner only). */
  static final String PROTOCOL_PROPERTY = "memjcache.tck.protocol";

  private MemcachedCluster memcached;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    String protocol = System.getProperty(PROTOCOL_PROPERTY, "binary");
    boolean text = protocol.equals("text");
    memcached =
        MemcachedCluster.start(
            Integer.getInteger(NODES_PROPERTY, 1),
            text ? new String[] {"-B", "ascii"} : new String[0]);
    // A file: URI rather than memcached://...?allowPackages=...: the TCK builds MBean names from
    // the manager URI and only escapes ',', ':', '=' and newlines, so a '?' would break them.
    try {
      Path file = Files.createTempFile("memjcache-tck", ".properties");
      file.toFile().deleteOnExit();
      Files.writeString(
          file,
          "servers="
              + memcached.addresses()
              + "\n"
              // the TCK's value and key classes live in these packages
              + "allowPackages=domain,org.jsr107.tck,manager\n"
              + "protocol="
              + protocol
              + "\n");
      System.setProperty("memjcache.servers", file.toUri().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (memcached != null) {
      memcached.close();
      memcached = null;
    }
  }
}
