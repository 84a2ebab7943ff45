package dev.memjcache.config;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;
import javax.cache.CacheException;

/**
 * Reads the properties file a CacheManager URI names: a {@code file:} path, a {@code classpath:}
 * resource, or any URL this JVM can open ({@code jar:}, Spring Boot's {@code nested:}, JBoss's
 * {@code vfs:}, ...). Properties are read as UTF-8.
 */
final class PropertiesSources {

  private PropertiesSources() {}

  /**
   * The URL of a URI that a URL stream handler of this JVM can open ({@code jar:}, {@code http:},
   * and those frameworks register: Spring Boot's {@code nested:}, JBoss's {@code vfs:}, WebSphere's
   * {@code wsjar:}, OSGi's {@code bundle:}), or null when no handler knows its scheme.
   */
  static URL asUrl(URI uri) {
    try {
      return uri.toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      return null;
    }
  }

  static Properties loadFile(URI uri) {
    if (uri.getRawQuery() != null
        || (uri.isOpaque() && uri.getRawSchemeSpecificPart().contains("?"))) {
      throw SettingsParser.malformed(
          uri, "a file: URI takes no query; put the options in the properties file");
    }
    Path path;
    try {
      path = uri.isOpaque() ? Path.of(uri.getSchemeSpecificPart()) : Path.of(uri);
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw SettingsParser.malformed(uri, e.getMessage());
    }
    try (InputStream in = Files.newInputStream(path)) {
      return load(in);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "Properties file "
              + path.toAbsolutePath()
              + " of CacheManager URI '"
              + uri
              + "' does not exist",
          e);
    } catch (IOException e) {
      throw new CacheException(
          "Cannot read properties file "
              + path.toAbsolutePath()
              + " of CacheManager URI '"
              + uri
              + "': "
              + e,
          e);
    }
  }

  static Properties loadResource(URI uri, ClassLoader classLoader) {
    String ssp = uri.getSchemeSpecificPart();
    if (ssp.contains("?")) {
      throw SettingsParser.malformed(
          uri, "a classpath: URI takes no query; put the options in the properties file");
    }
    String name = ssp.replaceFirst("^/+", "");
    if (name.isEmpty()) {
      throw SettingsParser.malformed(uri, "expected classpath:<resource name>");
    }
    ClassLoader loader =
        classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = PropertiesSources.class.getClassLoader();
    }
    URL url = loader.getResource(name);
    if (url == null) {
      throw new IllegalArgumentException(
          "Classpath resource '"
              + name
              + "' of CacheManager URI '"
              + uri
              + "' not found by class loader "
              + loader);
    }
    try (InputStream in = url.openStream()) {
      return load(in);
    } catch (IOException e) {
      throw new CacheException(
          "Cannot read classpath resource " + url + " of CacheManager URI '" + uri + "': " + e, e);
    }
  }

  static Properties loadUrl(URI uri, URL url) {
    try (InputStream in = uncachedStream(url)) {
      return load(in);
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new IllegalArgumentException(
          "Properties file of CacheManager URI '" + uri + "' does not exist: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CacheException(
          "Cannot read the properties file of CacheManager URI '" + uri + "': " + e, e);
    }
  }

  /** Without the JVM's jar cache, which would keep the application's jar file open. */
  private static InputStream uncachedStream(URL url) throws IOException {
    URLConnection connection = url.openConnection();
    connection.setUseCaches(false);
    return connection.getInputStream();
  }

  private static Properties load(InputStream in) throws IOException {
    Properties p = new Properties();
    // UTF-8 (replacing malformed bytes) rather than Properties' ISO-8859-1, like resource bundles.
    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      p.load(reader);
    }
    return p;
  }
}
