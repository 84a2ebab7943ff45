package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The options {@code configEndpoint} and {@code configPollMillis}. */
class DiscoveryOptionsTest {

  private static MemJCacheSettings parse(String uri) {
    return SettingsParser.parse(URI.create(uri), new Properties(), null);
  }

  @Test
  void anEndpointTakesThePlaceOfTheServerList() {
    MemJCacheSettings s =
        parse("memcached:///?configEndpoint=cfg.example.com:11211&configPollMillis=5s");
    assertTrue(s.topology().discovered());
    assertEquals("cfg.example.com", s.topology().configEndpoint().getHostString());
    assertEquals(11211, s.topology().configEndpoint().getPort());
    assertEquals(5000, s.topology().configPollMillis());
    assertTrue(s.servers().isEmpty());
    Properties p = s.asProperties();
    assertEquals("cfg.example.com:11211", p.getProperty("configEndpoint"));
    assertEquals("5000", p.getProperty("configPollMillis"));
    assertFalse(p.containsKey("servers"));
  }

  @Test
  void thePollDefaultsToAMinute() {
    assertEquals(60_000, parse("memcached:///?configEndpoint=cfg").topology().configPollMillis());
    assertEquals(
        11211, parse("memcached:///?configEndpoint=cfg").topology().configEndpoint().getPort());
  }

  @Test
  void listedServersHaveNoEndpoint() {
    assertFalse(parse("memcached://h:1").topology().discovered());
  }

  @Test
  void badValuesSayWhatIsExpected() {
    IllegalArgumentException both =
        assertThrows(
            IllegalArgumentException.class, () -> parse("memcached://h:1?configEndpoint=c:2"));
    assertTrue(both.getMessage().contains("give one or the other"), both.getMessage());
    IllegalArgumentException two =
        assertThrows(
            IllegalArgumentException.class, () -> parse("memcached:///?configEndpoint=a:1,b:2"));
    assertTrue(two.getMessage().contains("one host:port"), two.getMessage());
    IllegalArgumentException poll =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("memcached:///?configEndpoint=a:1&configPollMillis=soon"));
    assertTrue(poll.getMessage().contains("configPollMillis"), poll.getMessage());
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> parse("memcached:///"));
    assertTrue(none.getMessage().contains("configEndpoint"), none.getMessage());
  }
}
