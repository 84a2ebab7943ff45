package dev.memjcache.tck;

import dev.memjcache.testkit.MemcachedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts one private memcached for the whole TCK run and points MemJCache's default URI at it
 * through a properties file (the {@code memjcache.servers} system property, which the provider
 * reads for {@code getDefaultURI()}); stops it when the run ends. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class TckMemcachedSession implements LauncherSessionListener {

  private MemcachedProcess memcached;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    memcached = MemcachedProcess.start();
    // A file: URI rather than memcached://...?allowPackages=...: the TCK builds MBean names from
    // the manager URI and only escapes ',', ':', '=' and newlines, so a '?' would break them.
    try {
      Path file = Files.createTempFile("memjcache-tck", ".properties");
      file.toFile().deleteOnExit();
      Files.writeString(file, "servers=" + memcached.address() + "\n"
          // the TCK's value and key classes live in these packages
          + "allowPackages=domain,org.jsr107.tck,manager\n");
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
