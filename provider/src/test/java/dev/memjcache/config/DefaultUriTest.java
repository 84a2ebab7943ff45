package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * {@link SettingsParser#defaultUri()}: system property, then environment variable, then
 * 127.0.0.1:11211.
 */
class DefaultUriTest {

  private static Properties sys(String value) {
    Properties p = new Properties();
    if (value != null) {
      p.setProperty("memjcache.servers", value);
    }
    return p;
  }

  private static Map<String, String> env(String value) {
    return value == null ? Map.of() : Map.of("MEMJCACHE_SERVERS", value);
  }

  @Test
  void fallbackWhenNothingIsSet() {
    assertEquals(
        URI.create("memcached://127.0.0.1:11211"), SettingsParser.defaultUri(sys(null), env(null)));
  }

  @Test
  void systemPropertyWinsOverEnvironment() {
    assertEquals(
        URI.create("memcached://sys:1"),
        SettingsParser.defaultUri(sys("memcached://sys:1"), env("env:2")));
  }

  @Test
  void environmentWhenNoSystemProperty() {
    assertEquals(
        URI.create("memcached://env:2"), SettingsParser.defaultUri(sys(null), env("env:2")));
  }

  @Test
  void blankValuesAreSkipped() {
    assertEquals(
        URI.create("memcached://env:2"), SettingsParser.defaultUri(sys("  "), env("env:2")));
    assertEquals(SettingsParser.FALLBACK_URI, SettingsParser.defaultUri(sys(""), env(" ")));
  }

  @Test
  void bareListsBecomeMemcachedUris() {
    assertEquals(
        URI.create("memcached://localhost:11211"),
        SettingsParser.defaultUri(sys("localhost:11211"), env(null)));
    assertEquals(
        URI.create("memcached://a:1,b:11211"),
        SettingsParser.defaultUri(sys(" a:1 , b "), env(null)));
    assertEquals(
        URI.create("memcached://[::1]:11211"), SettingsParser.defaultUri(sys("[::1]"), env(null)));
    URI multi = SettingsParser.defaultUri(sys("[::1]:5,h:6"), env(null));
    assertEquals(
        List.of(
            InetSocketAddress.createUnresolved("::1", 5),
            InetSocketAddress.createUnresolved("h", 6)),
        SettingsParser.parse(multi, null, null).servers());
  }

  @Test
  void fullUrisAreKept() {
    assertEquals(
        URI.create("classpath:memjcache.properties"),
        SettingsParser.defaultUri(sys(null), env("classpath:memjcache.properties")));
    assertEquals(
        URI.create("file:/etc/memjcache.properties"),
        SettingsParser.defaultUri(sys("file:/etc/memjcache.properties"), env(null)));
    assertEquals(
        URI.create("memcached://h?keyPrefix=x"),
        SettingsParser.defaultUri(sys("memcached://h?keyPrefix=x"), env(null)));
  }

  @Test
  void badValueNamesItsSource() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SettingsParser.defaultUri(sys(null), env("h:99999")));
    assertTrue(e.getMessage().contains("MEMJCACHE_SERVERS"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SettingsParser.defaultUri(sys("memcached://a b"), env(null)));
    assertTrue(e.getMessage().contains("memjcache.servers"), e.getMessage());
  }

  @Test
  @ResourceLock(Resources.SYSTEM_PROPERTIES)
  void publicLookupReadsTheRealSystemProperty() {
    String old = System.getProperty("memjcache.servers");
    try {
      System.setProperty("memjcache.servers", "from-sysprop:4242");
      assertEquals(URI.create("memcached://from-sysprop:4242"), SettingsParser.defaultUri());
    } finally {
      if (old == null) {
        System.clearProperty("memjcache.servers");
      } else {
        System.setProperty("memjcache.servers", old);
      }
    }
  }
}
