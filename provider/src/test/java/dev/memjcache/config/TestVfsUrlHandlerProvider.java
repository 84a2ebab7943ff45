package dev.memjcache.config;

import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.net.spi.URLStreamHandlerProvider;
import java.nio.file.Path;

/**
 * A URL scheme that exists only through a registered handler, as application servers and Spring
 * Boot add theirs ({@code vfs:}, {@code wsjar:}, {@code nested:}): {@code testvfs:/path} opens the
 * file {@code /path}. Registered in META-INF/services of the test class path.
 */
public final class TestVfsUrlHandlerProvider extends URLStreamHandlerProvider {

  /** The scheme this provider handles. */
  public static final String SCHEME = "testvfs";

  @Override
  public URLStreamHandler createURLStreamHandler(String protocol) {
    if (!SCHEME.equals(protocol)) {
      return null;
    }
    return new URLStreamHandler() {
      @Override
      protected URLConnection openConnection(URL url) throws IOException {
        return Path.of(url.getPath()).toUri().toURL().openConnection();
      }
    };
  }
}
