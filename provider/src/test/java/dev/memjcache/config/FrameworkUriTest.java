package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** URIs as Hibernate and Spring hand them over: URLs of properties files, and name-only URIs. */
class FrameworkUriTest {

  private static final String CONTENT =
      "servers=cache-a.example:11311\nkeyPrefix=packaged\n" + "allowPackages=com.example.model\n";

  @TempDir Path dir;

  /** A jar holding {@code entry} with {@code content}, as a packaged application would. */
  static Path jar(Path dir, String entry, String content) throws IOException {
    Path jar = dir.resolve("app.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out)) {
      jarOut.putNextEntry(new JarEntry(entry));
      jarOut.write(content.getBytes(StandardCharsets.UTF_8));
      jarOut.closeEntry();
    }
    return jar;
  }

  private static void assertPackaged(MemJCacheSettings s) {
    assertEquals(
        List.of(InetSocketAddress.createUnresolved("cache-a.example", 11311)), s.servers());
    assertEquals("packaged", s.keyPrefix());
    assertEquals(List.of("com.example.model"), s.allowPackages());
  }

  @Test
  void propertiesFileInsideAJarAsTheClassLoaderHandsItOver() throws Exception {
    Path jar = jar(dir, "memjcache.properties", CONTENT);
    try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
      // Hibernate's hibernate.javax.cache.uri: ClassLoaderService.locateResource(name).toURI()
      URI uri = loader.getResource("memjcache.properties").toURI();
      assertEquals("jar:file:" + jar.toUri().getPath() + "!/memjcache.properties", uri.toString());
      MemJCacheSettings s = SettingsParser.parse(uri, null, loader);
      assertPackaged(s);
      assertEquals(
          "set allowPackages=x in the properties file " + uri,
          s.allowPackagesLocation().howToSet("allowPackages", "x"));
    }
  }

  @Test
  void missingEntryInsideAJarSaysSo() throws Exception {
    Path jar = jar(dir, "other.properties", CONTENT);
    URI uri = URI.create("jar:" + jar.toUri() + "!/memjcache.properties");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SettingsParser.parse(uri, null, null));
    assertTrue(
        e.getMessage().contains("does not exist") && e.getMessage().contains(uri.toString()),
        e.getMessage());
  }

  @Test
  void anySchemeWithARegisteredUrlHandlerIsReadAsAPropertiesFile() throws Exception {
    Path file = Files.writeString(dir.resolve("memjcache.properties"), CONTENT);
    URI uri = URI.create(TestVfsUrlHandlerProvider.SCHEME + ":" + file.toUri().getPath());
    assertPackaged(SettingsParser.parse(uri, null, null));
  }

  @Test
  void opaqueUriNamesAManagerOnTheDefaultServers() {
    MemJCacheSettings defaults = SettingsParser.parse(SettingsParser.defaultUri(), null, null);
    for (String name : List.of("urn:orders", "jcache:orders", "urn:x-app:billing")) {
      MemJCacheSettings s = SettingsParser.parse(URI.create(name), null, null);
      assertEquals(defaults, s, name);
    }
    Properties props = new Properties();
    props.setProperty("keyPrefix", "orders");
    props.setProperty("servers", "cache-b.example:11411");
    MemJCacheSettings s = SettingsParser.parse(URI.create("urn:orders"), props, null);
    assertEquals("orders", s.keyPrefix());
    assertEquals(
        List.of(InetSocketAddress.createUnresolved("cache-b.example", 11411)), s.servers());
    assertEquals(
        "set the entry allowPackages=x in the Properties passed to getCacheManager",
        s.allowPackagesLocation().howToSet("allowPackages", "x"));
  }

  @Test
  void hierarchicalUriOfAnUnknownSchemeIsAnErrorNotAName() {
    for (String uri : List.of("memcache://h:11211", "app://billing")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> SettingsParser.parse(URI.create(uri), null, null));
      assertTrue(
          e.getMessage().startsWith("Unsupported CacheManager URI '" + uri + "'"), e.getMessage());
    }
  }

  @Test
  void memcachedAndClasspathUrisAreUnchanged() {
    assertEquals(
        List.of(InetSocketAddress.createUnresolved("h", 1)),
        SettingsParser.parse(URI.create("memcached://h:1"), null, null).servers());
    assertEquals(
        "app1",
        SettingsParser.parse(
                URI.create("classpath:dev/memjcache/config/memjcache-test.properties"), null, null)
            .keyPrefix());
  }
}
