package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** file: and classpath: URIs of properties files, and the caller's Properties layered over them. */
class PropertiesFileSettingsTest {

  private static final String RESOURCE = "dev/memjcache/config/memjcache-test.properties";

  @TempDir Path dir;

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static void assertTestResource(MemJCacheSettings s) {
    assertEquals(
        List.of(
            InetSocketAddress.createUnresolved("cache-a.example", 11311),
            InetSocketAddress.createUnresolved("fe80::1", 11312)),
        s.servers());
    assertEquals(250, s.operationTimeoutMillis());
    assertEquals("app1", s.keyPrefix());
    assertEquals(FailureMode.DEGRADE, s.failureMode());
    assertEquals(List.of("com.example.model", "org.example.dto"), s.allowPackages());
    CacheDefaults person = s.cacheDefaults("com.example.Person");
    assertEquals(Optional.of(true), person.statisticsEnabled());
    ExpiryPolicy policy = person.expiryPolicyFactory().orElseThrow().create();
    assertEquals(
        new Duration(java.util.concurrent.TimeUnit.SECONDS, 90), policy.getExpiryForAccess());
  }

  @Test
  void classpathResourceThroughTheGivenClassLoader() {
    assertTestResource(
        SettingsParser.parse(
            URI.create("classpath:" + RESOURCE), null, getClass().getClassLoader()));
    assertTestResource(
        SettingsParser.parse(
            URI.create("classpath:/" + RESOURCE), null, getClass().getClassLoader()));
  }

  @Test
  void classpathResourceWithNullClassLoaderUsesTheContextLoader() {
    assertTestResource(SettingsParser.parse(URI.create("classpath:" + RESOURCE), null, null));
  }

  @Test
  void classpathResourceOnlyVisibleToTheGivenLoader() throws IOException {
    write("only-here.properties", "servers=loader-host:7\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      MemJCacheSettings s =
          SettingsParser.parse(URI.create("classpath:only-here.properties"), null, loader);
      assertEquals(List.of(InetSocketAddress.createUnresolved("loader-host", 7)), s.servers());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SettingsParser.parse(
                    URI.create("classpath:only-here.properties"),
                    null,
                    getClass().getClassLoader()));
    assertTrue(
        e.getMessage().contains("only-here.properties") && e.getMessage().contains("not found"),
        e.getMessage());
  }

  @Test
  void fileUriWithEveryOptionAndUtf8() throws IOException {
    Path file =
        write(
            "all.properties",
            String.join(
                "\n",
                "servers=[::1]:11400, h2:11401 ,h3",
                "operationTimeoutMillis=2s",
                "connectTimeoutMillis=4500",
                "keyPrefix=kx",
                "failureMode=Degrade",
                "allowPackages=",
                "generationRefreshMillis=1m",
                "exptimeMarginSeconds=0",
                "cache.org.hibernate.cache.spi.QueryResultsRegion.expiry=created:10m",
                "cache.org.hibernate.cache.spi.QueryResultsRegion.management=false",
                "cache.default-update-timestamps-region.statistics=false",
                ""));
    MemJCacheSettings s = SettingsParser.parse(file.toUri(), null, null);
    assertEquals(
        List.of(
            InetSocketAddress.createUnresolved("::1", 11400),
            InetSocketAddress.createUnresolved("h2", 11401),
            InetSocketAddress.createUnresolved("h3", 11211)),
        s.servers());
    assertEquals(2000, s.operationTimeoutMillis());
    assertEquals(4500, s.connectTimeoutMillis());
    assertEquals("kx", s.keyPrefix());
    assertEquals(FailureMode.DEGRADE, s.failureMode());
    assertEquals(List.of(), s.allowPackages());
    assertEquals(60_000, s.generationRefreshMillis());
    assertEquals(0, s.exptimeMarginSeconds());
    CacheDefaults query = s.cacheDefaults("org.hibernate.cache.spi.QueryResultsRegion");
    assertEquals(Optional.of("created:10m"), query.expirySpec());
    assertEquals(Optional.of(false), query.managementEnabled());
    assertEquals(Optional.empty(), query.statisticsEnabled());
    assertEquals(
        Optional.of(false),
        s.cacheDefaults("default-update-timestamps-region").statisticsEnabled());
  }

  @Test
  void nonAsciiValueIsReadAsUtf8AndRejectedAsKeyPrefix() throws IOException {
    Path file = write("utf8.properties", "servers=h\nkeyPrefix=caf\u00e9\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SettingsParser.parse(file.toUri(), null, null));
    assertTrue(
        e.getMessage().contains("'caf\u00e9'") && e.getMessage().contains(file.toUri().toString()),
        e.getMessage());
  }

  @Test
  void unknownKeysInAFileAreAllNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SettingsParser.parse(
                    URI.create("classpath:dev/memjcache/config/memjcache-unknown.properties"),
                    null,
                    null));
    String m = e.getMessage();
    assertTrue(m.startsWith("Unknown options cache.region.expire, operationTimeout ("), m);
    assertTrue(m.contains("known options: servers, operationTimeoutMillis"), m);
  }

  @Test
  void callerPropertiesOverrideTheFile() throws IOException {
    Path file =
        write(
            "base.properties",
            "servers=a:1\nkeyPrefix=file\nexptimeMarginSeconds=5\ncache.c.expiry=created:1s\n");
    Properties p = new Properties();
    p.setProperty("keyPrefix", "caller");
    p.setProperty("cache.c.expiry", "modified:2h");
    p.setProperty("hibernate.cache.use_second_level_cache", "true");
    MemJCacheSettings s = SettingsParser.parse(file.toUri(), p, null);
    assertEquals("caller", s.keyPrefix());
    assertEquals(5, s.exptimeMarginSeconds());
    ExpiryPolicy policy = s.cacheDefaults("c").expiryPolicyFactory().orElseThrow().create();
    assertEquals(new Duration(java.util.concurrent.TimeUnit.HOURS, 2), policy.getExpiryForUpdate());
    assertEquals(null, policy.getExpiryForAccess());
  }

  @Test
  void fileWithoutServersIsAnError() throws IOException {
    Path file = write("none.properties", "keyPrefix=x\n");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SettingsParser.parse(file.toUri(), null, null));
    assertTrue(e.getMessage().startsWith("No memcached servers"), e.getMessage());
  }

  @Test
  void missingFileIsAnErrorNamingThePath() {
    Path missing = dir.resolve("missing.properties");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SettingsParser.parse(missing.toUri(), null, null));
    assertTrue(
        e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  @Test
  void fileAndClasspathUrisTakeNoQuery() throws IOException {
    Path file = write("q.properties", "servers=h\n");
    assertThrows(
        IllegalArgumentException.class,
        () -> SettingsParser.parse(URI.create(file.toUri() + "?keyPrefix=x"), null, null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SettingsParser.parse(URI.create("classpath:" + RESOURCE + "?keyPrefix=x"), null, null));
  }

  @Test
  void asPropertiesRoundTripsThroughAFile() throws IOException {
    MemJCacheSettings original =
        SettingsParser.parse(URI.create("classpath:" + RESOURCE), null, null);
    Path file = dir.resolve("round-trip.properties");
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      original.asProperties().store(w, null);
    }
    assertEquals(original, SettingsParser.parse(file.toUri(), null, null));
  }
}
