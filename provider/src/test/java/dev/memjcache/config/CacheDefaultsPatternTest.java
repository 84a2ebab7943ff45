package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code cache.<pattern>.<option>}: one line for every region under a prefix; precedence rules. */
class CacheDefaultsPatternTest {

  private static MemJCacheSettings parse(String query) {
    return SettingsParser.parse(URI.create("memcached://h?" + query), null, null);
  }

  private static Optional<String> expiry(MemJCacheSettings s, String cache) {
    return s.cacheDefaults(cache).expirySpec();
  }

  @Test
  void onePatternCoversEveryRegionUnderAHibernatePrefix() {
    MemJCacheSettings s = parse("cache.orders.*.expiry=created:10m&cache.orders.*.statistics=true");
    for (String region :
        new String[] {
          "orders.com.acme.Order",
          "orders.com.acme.Order.lines",
          "orders.default-query-results-region",
          "orders.default-update-timestamps-region"
        }) {
      assertEquals(Optional.of("created:10m"), expiry(s, region), region);
      assertEquals(Optional.of(true), s.cacheDefaults(region).statisticsEnabled(), region);
      assertTrue(s.cacheDefaults(region).expiryPolicyFactory().isPresent(), region);
    }
    assertTrue(s.cacheDefaults("billing.com.acme.Order").isEmpty(), "another prefix");
    assertTrue(s.cacheDefaults("orders").isEmpty(), "the pattern needs the dot");
  }

  @Test
  void exactNameBeatsEveryPatternAndTheLongestPatternBeatsShorterOnes() {
    MemJCacheSettings s =
        parse(
            "cache.*.expiry=created:1h"
                + "&cache.orders.*.expiry=created:10m"
                + "&cache.orders.com.acme.*.expiry=created:5m"
                + "&cache.orders.com.acme.Order.expiry=created:1m");
    assertEquals(Optional.of("created:1m"), expiry(s, "orders.com.acme.Order"));
    assertEquals(Optional.of("created:5m"), expiry(s, "orders.com.acme.Order.lines"));
    assertEquals(Optional.of("created:10m"), expiry(s, "orders.default-query-results-region"));
    assertEquals(Optional.of("created:1h"), expiry(s, "users"));
  }

  @Test
  void eachOptionFallsBackOnItsOwn() {
    MemJCacheSettings s =
        parse(
            "cache.orders.*.expiry=created:10m&cache.orders.*.statistics=true"
                + "&cache.orders.Order.statistics=false&cache.*.management=true");
    CacheDefaults order = s.cacheDefaults("orders.Order");
    assertEquals(Optional.of(false), order.statisticsEnabled(), "exact name");
    assertEquals(Optional.of("created:10m"), order.expirySpec(), "from the prefix pattern");
    assertEquals(Optional.of(true), order.managementEnabled(), "from the catch-all pattern");
  }

  @Test
  void precedenceDoesNotDependOnTheOrderOptionsAreWritten() {
    // Same number of literal characters: fewer wildcards wins, then the pattern text.
    String a =
        "cache.ab*.expiry=created:1s&cache.*a*b.expiry=created:2s&cache.a*b.expiry=created:3s";
    String b =
        "cache.a*b.expiry=created:3s&cache.*a*b.expiry=created:2s&cache.ab*.expiry=created:1s";
    for (String query : new String[] {a, b}) {
      MemJCacheSettings s = parse(query);
      assertEquals(Optional.of("created:3s"), expiry(s, "axb"), query);
      assertEquals(Optional.of("created:3s"), expiry(s, "abb"), "a*b before ab* by text: " + query);
      assertEquals(Optional.of("created:1s"), expiry(s, "abx"), query);
    }
  }

  @Test
  void patternCharactersOtherThanTheStarAreLiteral() {
    MemJCacheSettings s = parse("cache.a.b*.statistics=true");
    assertEquals(Optional.of(true), s.cacheDefaults("a.bc").statisticsEnabled());
    assertTrue(s.cacheDefaults("axbc").isEmpty(), "the dot is not a regex wildcard");
  }

  @Test
  void patternsComeFromPropertiesFilesAndPropertiesToo() {
    Properties props = new Properties();
    props.setProperty("cache.shop.*.expiry", "accessed:30s");
    MemJCacheSettings s = SettingsParser.parse(URI.create("memcached://h"), props, null);
    assertEquals(Optional.of("accessed:30s"), expiry(s, "shop.Item"));
    assertEquals("accessed:30s", s.asProperties().getProperty("cache.shop.*.expiry"), "round trip");
    assertEquals(s, SettingsParser.parse(URI.create("memcached://h"), s.asProperties(), null));
  }
}
