package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Per-cache defaults: {@code cache.<name>.expiry|statistics|management}, names with dots. */
class CacheDefaultsTest {

  private static MemJCacheSettings parse(String query) {
    return SettingsParser.parse(URI.create("memcached://h?" + query), null, null);
  }

  private static ExpiryPolicy policy(MemJCacheSettings s, String cache) {
    return s.cacheDefaults(cache).expiryPolicyFactory().orElseThrow().create();
  }

  @ParameterizedTest
  @CsvSource({
    // spec,              creation, update, access, unit, amount
    "created:30s,         true,  false, false, SECONDS, 30",
    "accessed:250ms,      true,  false, true,  MILLISECONDS, 250",
    "modified:5m,         true,  true,  false, MINUTES, 5",
    "touched:2h,          true,  true,  true,  HOURS, 2",
    "CREATED : 1D,        true,  false, false, DAYS, 1",
  })
  void expiryKindsMapToTheJsr107Policies(
      String spec, boolean creation, boolean update, boolean access, TimeUnit unit, long amount) {
    ExpiryPolicy p = policy(parse("cache.c.expiry=" + spec.replace(" ", "%20")), "c");
    Duration d = new Duration(unit, amount);
    assertEquals(d, p.getExpiryForCreation(), "creation");
    assertEquals(update ? d : null, p.getExpiryForUpdate(), "update");
    assertEquals(access ? d : null, p.getExpiryForAccess(), "access");
  }

  @Test
  void eternalExpiry() {
    MemJCacheSettings s = parse("cache.c.expiry=eternal");
    assertInstanceOf(EternalExpiryPolicy.class, policy(s, "c"));
    assertEquals(Optional.of("eternal"), s.cacheDefaults("c").expirySpec());
  }

  @Test
  void dottedCacheNamesAreSplitAtTheLastDot() {
    MemJCacheSettings s =
        parse(
            "cache.org.example.Person.expiry=created:1m"
                + "&cache.org.example.Person.statistics=true"
                + "&cache.org.example.Person.management=false"
                + "&cache.org.example.expiry.statistics=false"
                + "&cache.org.example.Person%23items.statistics=true");
    CacheDefaults person = s.cacheDefaults("org.example.Person");
    assertEquals(Optional.of("created:1m"), person.expirySpec());
    assertEquals(Optional.of(true), person.statisticsEnabled());
    assertEquals(Optional.of(false), person.managementEnabled());
    // a cache literally named "org.example.expiry": only its statistics option is set
    CacheDefaults named = s.cacheDefaults("org.example.expiry");
    assertEquals(Optional.empty(), named.expiryPolicyFactory());
    assertEquals(Optional.of(false), named.statisticsEnabled());
    assertEquals(
        Optional.of(true), s.cacheDefaults("org.example.Person#items").statisticsEnabled());
    assertTrue(s.cacheDefaults("org.example").isEmpty());
    assertTrue(s.cacheDefaults("Person").isEmpty());
  }

  @Test
  void cacheWithoutDefaultsGetsAnEmptyInstance() {
    CacheDefaults d = parse("keyPrefix=x").cacheDefaults("nothing-set");
    assertNotNull(d);
    assertTrue(d.isEmpty());
    assertEquals(Optional.empty(), d.expiryPolicyFactory());
    assertEquals(Optional.empty(), d.statisticsEnabled());
    assertEquals(Optional.empty(), d.managementEnabled());
  }

  @Test
  void anEmptyCacheNameIsUnknown() {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> parse("cache..expiry=created:1s"));
    assertTrue(e.getMessage().contains("Unknown option cache..expiry"), e.getMessage());
  }

  @Test
  void expiryFactoryIsSerializableForMutableConfiguration() throws IOException {
    // MutableConfiguration is Serializable and keeps the factory; JSR-107 factories must be too.
    Object factory =
        parse("cache.c.expiry=touched:1s").cacheDefaults("c").expiryPolicyFactory().orElseThrow();
    try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
      out.writeObject(factory);
    }
  }

  @Test
  void equalityIgnoresSpelling() {
    assertEquals(
        parse("cache.c.expiry=Created:60s").cacheDefaults("c"),
        parse("cache.c.expiry=created%20:%2060S").cacheDefaults("c"));
  }
}
