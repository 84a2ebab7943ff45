package dev.memjcache.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.config.AsyncCompletion;
import dev.memjcache.config.CacheDefaults;
import dev.memjcache.config.FailureMode;
import dev.memjcache.config.MemJCacheSettings;
import dev.memjcache.config.SettingsParser;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The Properties the starter hands to the provider, parsed by the provider's own {@link
 * SettingsParser}: each {@code memjcache.*} property arrives as the option it names, with the value
 * the application wrote; unset properties leave the URI's values alone.
 */
class ProviderOptionsTest {

  private static final URI FILE_LIKE = URI.create("memcached://127.0.0.1:1?keyPrefix=fromuri");

  @Test
  void everyPropertyArrivesAsTheProvidersOption() {
    Properties options =
        ConfigurationMetadataTest.bind(
            Map.ofEntries(
                Map.entry("memjcache.servers", "10.0.0.5:11211, [::1]:11212"),
                Map.entry("memjcache.allow-packages", "com.example.model,com.example.dto"),
                Map.entry("memjcache.failure-mode", "degrade"),
                Map.entry("memjcache.operation-timeout-millis", "250"),
                Map.entry("memjcache.connect-timeout-millis", "2s"),
                Map.entry("memjcache.key-prefix", "app1"),
                Map.entry("memjcache.server-failure-limit", "3"),
                Map.entry("memjcache.server-retry-millis", "1500ms"),
                Map.entry("memjcache.reconnect-delay-seconds", "4"),
                Map.entry("memjcache.generation-refresh-millis", "0"),
                Map.entry("memjcache.max-async-operations", "100"),
                Map.entry("memjcache.async-completion", "INLINE"),
                Map.entry("memjcache.exptime-margin-seconds", "5"),
                Map.entry("memjcache.username", "app"),
                Map.entry("memjcache.password", "s3cret"),
                Map.entry("memjcache.caches[orders.*].expiry", "created:10m"),
                Map.entry("memjcache.caches[orders.*].load-lease", "5s"),
                Map.entry("memjcache.caches[Prices].statistics", "true"),
                Map.entry("memjcache.caches[Prices].management", "false")));
    MemJCacheSettings settings = SettingsParser.parse(FILE_LIKE, options, null);

    assertEquals(List.of("10.0.0.5:11211", "[::1]:11212"), servers(settings));
    assertEquals(List.of("com.example.model", "com.example.dto"), settings.allowPackages());
    assertEquals(FailureMode.DEGRADE, settings.failureMode());
    assertEquals(250, settings.operationTimeoutMillis());
    assertEquals(2000, settings.connectTimeoutMillis());
    assertEquals("app1", settings.keyPrefix());
    assertEquals(new MemJCacheSettings.ServerHealth(3, 1500, 4), settings.serverHealth());
    assertEquals(0, settings.generationRefreshMillis());
    assertEquals(100, settings.maxAsyncOperations());
    assertEquals(AsyncCompletion.INLINE, settings.asyncCompletion());
    assertEquals(5, settings.exptimeMarginSeconds());
    assertTrue(settings.credentials().isPresent());
    CacheDefaults orders = settings.cacheDefaults("orders.Order");
    assertEquals("created:10m", orders.expirySpec().orElseThrow());
    assertEquals(5000L, orders.loadLeaseMillis().orElseThrow());
    CacheDefaults prices = settings.cacheDefaults("Prices");
    assertEquals(true, prices.statisticsEnabled().orElseThrow());
    assertEquals(false, prices.managementEnabled().orElseThrow());
  }

  /**
   * The TLS, protocol and topology properties arrive under the option names of the provider
   * branches that add them (tls, protocol, proxy and discovery), values converted as the provider
   * reads them.
   */
  @Test
  void theConnectionPropertiesArriveUnderTheProvidersOptionNames() {
    // property, value as written, provider option, value the provider receives
    String[][] rows = {
      {"tls", "true", "tls", "true"},
      {"trust-store", "file:/etc/mc/trust.p12", "trustStore", "file:/etc/mc/trust.p12"},
      {"trust-store-type", "PKCS12", "trustStoreType", "PKCS12"},
      {"trust-store-password", "t", "trustStorePassword", "t"},
      {"key-store", "file:/etc/mc/client.p12", "keyStore", "file:/etc/mc/client.p12"},
      {"key-store-type", "JKS", "keyStoreType", "JKS"},
      {"key-store-password", "k", "keyStorePassword", "k"},
      {"tls-hostname", "mc.example", "tlsHostname", "mc.example"},
      {"protocol", "text", "protocol", "text"},
      {"proxy", "true", "proxy", "true"},
      {"key-index", "false", "keyIndex", "false"},
      {"max-item-bytes", "2097152", "maxItemBytes", "2097152"},
      {"config-endpoint", "cfg.example:11211", "configEndpoint", "cfg.example:11211"},
      {"config-poll-millis", "30s", "configPollMillis", "30000"},
    };
    Map<String, String> properties = new java.util.HashMap<>();
    Map<String, String> expected = new java.util.HashMap<>();
    for (String[] row : rows) {
      properties.put("memjcache." + row[0], row[1]);
      expected.put(row[2], row[3]);
    }
    assertEquals(
        expected, new java.util.HashMap<>(ConfigurationMetadataTest.bind(properties)), "options");
  }

  private static List<String> servers(MemJCacheSettings settings) {
    return settings.servers().stream()
        .map(
            a ->
                a.getHostString().contains(":")
                    ? "[" + a.getHostString() + "]:" + a.getPort()
                    : a.getHostString() + ":" + a.getPort())
        .toList();
  }

  @Test
  void unsetPropertiesLeaveTheUrisOptions() {
    Properties options =
        ConfigurationMetadataTest.bind(Map.of("memjcache.allow-packages", "com.example"));
    assertEquals(1, options.size(), options.toString());
    MemJCacheSettings settings = SettingsParser.parse(FILE_LIKE, options, null);
    assertEquals("fromuri", settings.keyPrefix());
    assertEquals(List.of("127.0.0.1:1"), servers(settings));
  }

  @Test
  void aBadValueFailsInTheProviderNamingTheOption() {
    Properties options = ConfigurationMetadataTest.bind(Map.of("memjcache.key-prefix", "a:b"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> SettingsParser.parse(FILE_LIKE, options, null));
    assertTrue(e.getMessage().contains("keyPrefix"), e.getMessage());
  }

  @Test
  void aUriInServersIsRefusedWithoutRepeatingIt() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                ConfigurationMetadataTest.bind(
                    Map.of("memjcache.servers", "memcached://h:1?allowPackages=secretish")));
    assertTrue(e.getMessage().contains("memjcache.servers"), e.getMessage());
    assertFalse(e.getMessage().contains("secretish"), e.getMessage());
  }

  @Test
  void theProvidersOwnDefaultUriInServersIsLeftToTheProvider() {
    String uri = "memcached://127.0.0.1:2?allowPackages=com.example";
    String before = System.getProperty(SettingsParser.SERVERS_SYSTEM_PROPERTY);
    System.setProperty(SettingsParser.SERVERS_SYSTEM_PROPERTY, uri);
    try {
      Properties options =
          ConfigurationMetadataTest.bind(
              Map.of("memjcache.servers", uri, "memjcache.key-prefix", "k"));
      assertNull(options.getProperty(MemJCacheSettings.SERVERS), options.toString());
      assertEquals("k", options.getProperty(MemJCacheSettings.KEY_PREFIX));
    } finally {
      if (before == null) {
        System.clearProperty(SettingsParser.SERVERS_SYSTEM_PROPERTY);
      } else {
        System.setProperty(SettingsParser.SERVERS_SYSTEM_PROPERTY, before);
      }
    }
  }

  @Test
  void toStringHidesEveryPassword() {
    MemJCacheProperties properties = new MemJCacheProperties();
    properties.setUsername("app");
    properties.setPassword("s3cret");
    properties.setTrustStorePassword("tr0st");
    properties.setKeyStorePassword("k3y");
    String text = properties.toString();
    assertTrue(text.contains("username=app"), text);
    assertTrue(text.contains("password=(hidden)"), text);
    for (String secret : List.of("s3cret", "tr0st", "k3y")) {
      assertFalse(text.contains(secret), text);
    }
  }
}
