package dev.memjcache.tck;

import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.NutcrackerProcess;
import dev.memjcache.testkit.TlsSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts private memcached servers for the whole TCK run (one, or as many as the system property
 * {@value #NODES_PROPERTY} of this runner's own surefire execution says; in the protocol that
 * {@value #PROTOCOL_PROPERTY} names, binary by default, text against servers started with {@code -B
 * ascii} so that they answer nothing else; over TLS when {@value #TLS_PROPERTY} is true, against
 * servers started with {@code memcached -Z} and certificates made for the run by {@link TlsSetup})
 * and points MemJCache's default URI at them through a properties file (the {@code
 * memjcache.servers} system property, which the provider reads for {@code getDefaultURI()}); with
 * {@value #PROXY_PROPERTY} {@code true}, a twemproxy ({@code nutcracker}) in front of them, and
 * MemJCache pointed at it with {@code proxy=true}; stops them when the run ends. Registered through
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener}.
 */
public final class TckMemcachedSession implements LauncherSessionListener {

  /** How many memcached servers the TCK runs against (a setting of this test runner only). */
  static final String NODES_PROPERTY = "memjcache.tck.nodes";

  /** The {@code protocol} option of the run, binary or text (a setting of this runner only). */
  static final String PROTOCOL_PROPERTY = "memjcache.tck.protocol";

  /** Whether the run goes through twemproxy with {@code proxy=true} (a setting of this runner). */
  static final String PROXY_PROPERTY = "memjcache.tck.proxy";

  /** Whether the run speaks TLS (a setting of this runner only). */
  static final String TLS_PROPERTY = "memjcache.tck.tls";

  private MemcachedCluster memcached;

  private NutcrackerProcess proxy;

  private TlsSetup tls;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    boolean behindProxy = Boolean.getBoolean(PROXY_PROPERTY);
    String protocol = behindProxy ? "text" : System.getProperty(PROTOCOL_PROPERTY, "binary");
    boolean text = protocol.equals("text");
    List<String> args = new ArrayList<>(text ? List.of("-B", "ascii") : List.of());
    StringBuilder tlsOptions = new StringBuilder();
    if (Boolean.getBoolean(TLS_PROPERTY)) {
      tls = TlsSetup.create();
      args = List.of(tls.serverArgs(args.toArray(String[]::new)));
      // a properties file, as the store password must never be in a memcached:// URI
      tls.clientProperties()
          .forEach((k, v) -> tlsOptions.append(k).append('=').append(v).append('\n'));
    }
    memcached =
        MemcachedCluster.start(Integer.getInteger(NODES_PROPERTY, 1), args.toArray(String[]::new));
    // ketama and auto_eject_hosts, as docs/tls-and-proxies.md advises; nothing is ejected in a run
    String servers =
        behindProxy
            ? (proxy = NutcrackerProcess.start(memcached.nodes(), 2000, 30_000, 2)).address()
            : memcached.addresses();
    // A file: URI rather than memcached://...?allowPackages=...: the TCK builds MBean names from
    // the manager URI and only escapes ',', ':', '=' and newlines, so a '?' would break them.
    try {
      Path file = Files.createTempFile("memjcache-tck", ".properties");
      file.toFile().deleteOnExit();
      Files.writeString(
          file,
          "servers="
              + servers
              + "\n"
              + (behindProxy ? "proxy=true\n" : "")
              // the TCK's value and key classes live in these packages
              + "allowPackages=domain,org.jsr107.tck,manager\n"
              + "protocol="
              + protocol
              + "\n"
              + tlsOptions);
      System.setProperty("memjcache.servers", file.toUri().toString());
      System.err.println(
          "TCK against memcached "
              + String.join(" ", args)
              + " at "
              + servers
              + (behindProxy ? " (twemproxy)" : "")
              + ", protocol="
              + protocol
              + (tls != null ? ", tls=true" : ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (proxy != null) {
      proxy.close();
      proxy = null;
    }
    if (memcached != null) {
      memcached.close();
      memcached = null;
    }
    if (tls != null) {
      tls.delete();
      tls = null;
    }
  }
}
