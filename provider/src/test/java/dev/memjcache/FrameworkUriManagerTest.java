package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.memjcache.codec.fixtures.Color;
import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedExtension;
import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** CacheManagers opened with the URIs frameworks hand over, on a real memcached. */
class FrameworkUriManagerTest {

  @RegisterExtension static final MemcachedExtension MEMCACHED = MemcachedExtension.single();

  @TempDir Path dir;

  @Test
  void propertiesFileInsideAJarConfiguresTheManager() throws Exception {
    Path jar = dir.resolve("app.jar");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(out)) {
      jarOut.putNextEntry(new JarEntry("memjcache.properties"));
      jarOut.write(
          ("servers="
                  + MEMCACHED.server().address()
                  + "\nkeyPrefix=jarred\n"
                  + "allowPackages=dev.memjcache.codec.fixtures\n")
              .getBytes(StandardCharsets.UTF_8));
      jarOut.closeEntry();
    }
    MemcachedCachingProvider provider = new MemcachedCachingProvider();
    try (URLClassLoader app =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      URI uri = app.getResource("memjcache.properties").toURI();
      try (CacheManager manager = provider.getCacheManager(uri, app)) {
        assertEquals(uri, manager.getURI());
        Cache<String, Object> cache = manager.createCache("packaged", new MutableConfiguration<>());
        cache.put("c", Color.GREEN);
        assertSame(Color.GREEN, cache.get("c"), "allowPackages came from the file inside the jar");
        assertEquals("jarred", manager.unwrap(MemcachedCacheManager.class).settings().keyPrefix());
      }
    }
  }

  @Test
  void opaqueUriIsAManagerOfItsOwnOnTheDefaultServers() {
    String previous = System.getProperty("memjcache.servers");
    System.setProperty("memjcache.servers", MEMCACHED.server().address());
    MemcachedCachingProvider provider = new MemcachedCachingProvider();
    try (CacheManager orders =
            provider.getCacheManager(URI.create("urn:orders"), getClass().getClassLoader());
        CacheManager plain =
            provider.getCacheManager(provider.getDefaultURI(), getClass().getClassLoader())) {
      assertNotSame(orders, plain, "the URI is the manager's identity");
      assertSame(
          orders, provider.getCacheManager(URI.create("urn:orders"), getClass().getClassLoader()));
      Cache<String, String> a = orders.createCache("shared", new MutableConfiguration<>());
      Cache<String, String> b = plain.createCache("shared", new MutableConfiguration<>());
      a.put("k", "v");
      assertEquals("v", b.get("k"), "both managers are on the default servers");
    } finally {
      if (previous == null) {
        System.clearProperty("memjcache.servers");
      } else {
        System.setProperty("memjcache.servers", previous);
      }
    }
  }
}
