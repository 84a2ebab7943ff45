package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code cache.<name>.loadLeaseMillis}: parsing, bounds, and the round trip through Properties. */
class LoadLeaseOptionTest {

  private static MemJCacheSettings parse(String query) {
    return SettingsParser.parse(URI.create("memcached://h?" + query), null, null);
  }

  @Test
  void durationsInAnyUnitBecomeMilliseconds() {
    MemJCacheSettings s =
        parse("cache.prices.loadLeaseMillis=5s&cache.orders.v1.loadLeaseMillis=750");
    assertEquals(Optional.of(5000L), s.cacheDefaults("prices").loadLeaseMillis());
    assertEquals(Optional.of(750L), s.cacheDefaults("orders.v1").loadLeaseMillis());
    assertEquals(Optional.empty(), s.cacheDefaults("other").loadLeaseMillis());
    assertEquals(
        Optional.of(0L), parse("cache.c.loadLeaseMillis=0").cacheDefaults("c").loadLeaseMillis());
  }

  @Test
  void aPatternGivesEveryMatchingCacheTheLeaseAndANameOverridesIt() {
    MemJCacheSettings s = parse("cache.*.loadLeaseMillis=2s&cache.prices.loadLeaseMillis=0");
    assertEquals(Optional.of(2000L), s.cacheDefaults("books").loadLeaseMillis());
    assertEquals(Optional.of(0L), s.cacheDefaults("prices").loadLeaseMillis());
  }

  @Test
  void aLeaseAboveOneHourOrNotADurationIsRejectedByName() {
    IllegalArgumentException tooLong =
        assertThrows(IllegalArgumentException.class, () -> parse("cache.c.loadLeaseMillis=2h"));
    assertTrue(tooLong.getMessage().contains("cache.c.loadLeaseMillis"), tooLong.getMessage());
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> parse("cache.c.loadLeaseMillis=soon"));
    assertTrue(bad.getMessage().contains("soon"), bad.getMessage());
  }

  @Test
  void theOptionSurvivesAsProperties() {
    MemJCacheSettings s = parse("cache.prices.loadLeaseMillis=3s");
    assertEquals("3000", s.asProperties().getProperty("cache.prices.loadLeaseMillis"));
    assertEquals(s, SettingsParser.parse(URI.create("memcached://h"), s.asProperties(), null));
  }
}
