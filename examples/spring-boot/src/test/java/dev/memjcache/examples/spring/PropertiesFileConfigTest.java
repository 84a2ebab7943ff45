package dev.memjcache.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.testkit.MemcachedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The other documented route: {@code spring.cache.jcache.config} names a MemJCache properties file
 * ({@code servers=...}, {@code allowPackages=...}); the manager's URI is the file's URL, and the
 * actuator's cache metrics find its MXBeans too.
 */
@SpringBootTest(classes = SpringBootExample.class)
class PropertiesFileConfigTest extends ExampleTestSupport {

  static final MemcachedProcess MEMCACHED = MemcachedProcess.start();
  static final Path CONFIG = writeConfig();

  private static Path writeConfig() {
    try {
      Path file = Files.createTempFile("memjcache", ".properties");
      file.toFile().deleteOnExit();
      Files.writeString(
          file,
          "servers="
              + MEMCACHED.address()
              + "\nallowPackages="
              + SpringBootExample.MODEL_PACKAGE
              + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @DynamicPropertySource
  static void memjcacheConfig(DynamicPropertyRegistry registry) {
    registry.add("spring.cache.jcache.config", () -> CONFIG.toUri().toString());
  }

  @AfterAll
  static void stopMemcached() {
    MEMCACHED.close();
  }

  @Test
  void theCacheManagerReadsTheFileAndMetricsFindItsStatistics() {
    assertEquals(CONFIG.toUri(), jcache.getURI());
    double hits = gets("hit");
    double misses = gets("miss");
    assertEquals("Dune", books.find("111").title());
    assertEquals("Dune", books.find("111").title());
    assertEquals(1, books.runs("find"));
    assertTrue(jcache.getCache("books").containsKey("111"));
    assertEquals(misses + 1, gets("miss"));
    assertEquals(hits + 1, gets("hit"));
  }
}
