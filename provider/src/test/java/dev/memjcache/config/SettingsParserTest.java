package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * memcached:// URIs: servers, every option, defaults and the errors of {@link
 * SettingsParser#parse}.
 */
class SettingsParserTest {

  private static MemJCacheSettings parse(String uri) {
    return SettingsParser.parse(URI.create(uri), null, null);
  }

  private static IllegalArgumentException fails(String uri) {
    return assertThrows(IllegalArgumentException.class, () -> parse(uri));
  }

  @Test
  void defaultsWhenNoOptionIsGiven() {
    MemJCacheSettings s = parse("memcached://127.0.0.1:11211");
    assertAll(
        () ->
            assertEquals(
                List.of(InetSocketAddress.createUnresolved("127.0.0.1", 11211)), s.servers()),
        () -> assertEquals(1000, s.operationTimeoutMillis()),
        () -> assertEquals(3000, s.connectTimeoutMillis()),
        () -> assertEquals("mjc", s.keyPrefix()),
        () -> assertEquals(FailureMode.FAIL, s.failureMode()),
        () -> assertEquals(List.of(), s.allowPackages()),
        () -> assertEquals(1000, s.generationRefreshMillis()),
        () -> assertEquals(2, s.exptimeMarginSeconds()),
        () -> assertTrue(s.cacheDefaults("anything").isEmpty()),
        () -> assertTrue(s.cacheNamesWithDefaults().isEmpty()));
  }

  @Test
  void everyOptionFromTheQuery() {
    MemJCacheSettings s =
        parse(
            "memcached://cache1:11211?operationTimeoutMillis=250&connectTimeoutMillis=5s"
                + "&keyPrefix=app-1&failureMode=DEGRADE&allowPackages=com.example.model,%20org.acme."
                + "&generationRefreshMillis=0&exptimeMarginSeconds=10&cache.people.statistics=true");
    assertAll(
        () -> assertEquals(250, s.operationTimeoutMillis()),
        () -> assertEquals(5000, s.connectTimeoutMillis()),
        () -> assertEquals("app-1", s.keyPrefix()),
        () -> assertEquals(FailureMode.DEGRADE, s.failureMode()),
        () -> assertEquals(List.of("com.example.model", "org.acme"), s.allowPackages()),
        () -> assertEquals(0, s.generationRefreshMillis()),
        () -> assertEquals(10, s.exptimeMarginSeconds()),
        () ->
            assertEquals(
                java.util.Optional.of(true), s.cacheDefaults("people").statisticsEnabled()));
  }

  @ParameterizedTest
  @CsvSource({
    "750, 750",
    "750ms, 750",
    "3s, 3000",
    "2m, 120000",
    "1h, 3600000",
    "1d, 86400000",
    "4S, 4000"
  })
  void durationsAcceptPlainMillisAndUnits(String value, long millis) {
    assertEquals(
        millis, parse("memcached://h?operationTimeoutMillis=" + value).operationTimeoutMillis());
    assertEquals(
        millis, parse("memcached://h?connectTimeoutMillis=" + value).connectTimeoutMillis());
    assertEquals(
        millis, parse("memcached://h?generationRefreshMillis=" + value).generationRefreshMillis());
  }

  @Test
  void multipleHostsKeepTheirOrderAndDefaultThePort() {
    MemJCacheSettings s = parse("memcached://b.example:11300,a.example,10.0.0.7:2");
    assertEquals(
        List.of(
            InetSocketAddress.createUnresolved("b.example", 11300),
            InetSocketAddress.createUnresolved("a.example", 11211),
            InetSocketAddress.createUnresolved("10.0.0.7", 2)),
        s.servers());
    assertTrue(
        s.servers().stream().allMatch(InetSocketAddress::isUnresolved), "no DNS in the parser");
  }

  @Test
  void ipv6LiteralsAreBracketed() {
    assertEquals(
        List.of(InetSocketAddress.createUnresolved("::1", 11211)),
        parse("memcached://[::1]:11211").servers());
    assertEquals(
        List.of(InetSocketAddress.createUnresolved("fe80::1", 11211)),
        parse("memcached://[fe80::1]").servers());
    // java.net.URI refuses '[' in a multi-server authority, so brackets are percent-encoded there.
    assertEquals(
        List.of(
            InetSocketAddress.createUnresolved("::1", 11300),
            InetSocketAddress.createUnresolved("h2", 11211)),
        parse("memcached://%5B::1%5D:11300,h2").servers());
  }

  @Test
  void queryValuesArePercentDecodedAndPlusStaysPlus() {
    assertEquals("a+b%", parse("memcached://h?keyPrefix=a+b%25").keyPrefix());
    assertEquals(FailureMode.DEGRADE, parse("memcached://h?failure%4Dode=degrade").failureMode());
  }

  @Test
  void trailingSlashAndSchemeCaseAreAccepted() {
    assertEquals(
        List.of(InetSocketAddress.createUnresolved("h", 1)), parse("MEMCACHED://h:1/").servers());
  }

  @Test
  void unknownOptionsAreAllNamedWithTheKnownOnes() {
    IllegalArgumentException e =
        fails("memcached://h?operationTimeout=5&keyPrefix=x&colour=blue&cache.c.expire=1s");
    String m = e.getMessage();
    assertTrue(
        m.contains("operationTimeout,") && m.contains("colour") && m.contains("cache.c.expire"), m);
    assertTrue(
        m.contains("known options: ")
            && m.contains("operationTimeoutMillis")
            && m.contains("cache.<cache name>.expiry"),
        m);
    String unknownPart = m.substring(0, m.indexOf(" ("));
    assertTrue(
        !unknownPart.contains("keyPrefix"), "a known option is not reported as unknown: " + m);
  }

  @Test
  void serversIsNotAQueryOption() {
    assertTrue(fails("memcached://h?servers=x:1").getMessage().contains("Unknown option servers"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "operationTimeoutMillis | 0",
        "operationTimeoutMillis | -5",
        "operationTimeoutMillis | 1.5s",
        "operationTimeoutMillis | 5 years",
        "operationTimeoutMillis | 99999999999999999999",
        "operationTimeoutMillis | 9223372036854775807d",
        "connectTimeoutMillis | 0ms",
        "connectTimeoutMillis | soon",
        "generationRefreshMillis | -1",
        "keyPrefix | a:b",
        "keyPrefix | 123456789012345678901234567890123",
        "keyPrefix | caf%C3%A9",
        "keyPrefix | a%20b",
        "failureMode | ignore",
        "allowPackages | com.example.*",
        "allowPackages | 1com.example",
        "allowPackages | com..example",
        "exptimeMarginSeconds | -1",
        "exptimeMarginSeconds | 2s",
        "exptimeMarginSeconds | 3601",
        "serverFailureLimit | 0",
        "serverFailureLimit | 1001",
        "serverFailureLimit | two",
        "serverRetryMillis | 0",
        "serverRetryMillis | soon",
        "reconnectDelaySeconds | 0",
        "reconnectDelaySeconds | 500ms",
        "reconnectDelaySeconds | 3601",
        "maxAsyncOperations | 0",
        "maxAsyncOperations | 1000001",
        "maxAsyncOperations | many",
        "cache.c.statistics | yes",
        "cache.c.management | 1",
        "cache.c.expiry | created:10",
        "cache.c.expiry | created:0s",
        "cache.c.expiry | forever:10s",
        "cache.c.expiry | 10s",
      })
  void badValuesNameOptionAndValue(String option, String value) {
    IllegalArgumentException e = fails("memcached://h?" + option + "=" + value.replace(" ", "%20"));
    String decoded = OptionValues.percentDecode(value, "test");
    assertTrue(
        e.getMessage().contains(option) && e.getMessage().contains("'" + decoded + "'"),
        e.getMessage());
  }

  @Test
  void serverHealthOptionsAreParsed() {
    MemJCacheSettings settings =
        SettingsParser.parse(
            URI.create(
                "memcached://h?serverFailureLimit=5&serverRetryMillis=2s&reconnectDelaySeconds=3"),
            null,
            null);
    assertEquals(new MemJCacheSettings.ServerHealth(5, 2_000, 3), settings.serverHealth());
    assertEquals(
        MemJCacheSettings.ServerHealth.DEFAULTS,
        SettingsParser.parse(URI.create("memcached://h"), null, null).serverHealth());
  }

  @Test
  void asyncCompletionIsParsedAndABadValueNamesTheChoices() {
    assertEquals(
        AsyncCompletion.INLINE,
        SettingsParser.parse(URI.create("memcached://h?asyncCompletion=Inline"), null, null)
            .asyncCompletion());
    assertEquals(
        AsyncCompletion.THREAD,
        SettingsParser.parse(URI.create("memcached://h"), null, null).asyncCompletion());
    IllegalArgumentException bad =
        assertThrows(
            IllegalArgumentException.class,
            () -> SettingsParser.parse(URI.create("memcached://h?asyncCompletion=io"), null, null));
    assertTrue(bad.getMessage().contains("asyncCompletion"), bad.getMessage());
    assertTrue(bad.getMessage().contains("thread or inline"), bad.getMessage());
  }

  @Test
  void maxAsyncOperationsIsParsed() {
    assertEquals(
        128,
        SettingsParser.parse(URI.create("memcached://h?maxAsyncOperations=128"), null, null)
            .maxAsyncOperations());
    assertEquals(
        MemJCacheSettings.DEFAULT_MAX_ASYNC_OPERATIONS,
        SettingsParser.parse(URI.create("memcached://h"), null, null).maxAsyncOperations());
  }

  @Test
  void emptyValueIsBadAndMissingValueIsAnError() {
    assertTrue(fails("memcached://h?keyPrefix=").getMessage().contains("keyPrefix"));
    assertTrue(fails("memcached://h?keyPrefix").getMessage().contains("has no value"));
  }

  @Test
  void optionGivenTwiceIsAnError() {
    assertTrue(fails("memcached://h?keyPrefix=a&keyPrefix=b").getMessage().contains("twice"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "memcached://h:0",
        "memcached://h:65536",
        "memcached://h:x1",
        "memcached://h:",
        "memcached://h1,,h2",
        "memcached://h1,",
        "memcached://h:1,H:1",
        "memcached://%5B::1",
        "memcached://%5Bnot-v6%5D",
        "memcached://%5B::1%5Dx",
        "memcached://::1",
        "memcached://ho%20st"
      })
  void badServersAreRejected(String uri) {
    assertTrue(fails(uri).getMessage().startsWith("Bad memcached server"), uri);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "memcached:h:1",
        "memcached://user@h:1",
        "memcached://h:1/path",
        "memcached://h:1#frag"
      })
  void malformedMemcachedUrisAreRejected(String uri) {
    assertTrue(fails(uri).getMessage().startsWith("Malformed CacheManager URI"), uri);
  }

  @ParameterizedTest
  @ValueSource(strings = {"h1", "jcache-default", "conf/memjcache.properties"})
  void relativeUrisAreRejected(String uri) {
    assertTrue(fails(uri).getMessage().startsWith("Unsupported CacheManager URI"), uri);
  }

  @Test
  void noServersIsAnError() {
    IllegalArgumentException e = fails("memcached:///?keyPrefix=x");
    assertTrue(e.getMessage().startsWith("No memcached servers"), e.getMessage());
  }

  @Test
  void nullUriMeansTheDefaultUri() {
    assertEquals(
        SettingsParser.parse(SettingsParser.defaultUri(), null, null),
        SettingsParser.parse(null, null, null));
  }

  @Test
  void callerPropertiesOverrideTheUriAndOtherKeysAreIgnored() {
    Properties p = new Properties();
    p.setProperty("keyPrefix", "fromProps");
    p.setProperty("servers", "other:1");
    p.setProperty("cache.a.b.management", "true");
    p.setProperty("javax.cache.some.other.framework", "whatever");
    p.setProperty("cache.a.unknownSuffix", "whatever");
    p.setProperty("operationTimeout", "not ours");
    MemJCacheSettings s =
        SettingsParser.parse(
            URI.create("memcached://h:1?keyPrefix=fromUri&failureMode=degrade"), p, null);
    assertEquals("fromProps", s.keyPrefix());
    assertEquals(FailureMode.DEGRADE, s.failureMode());
    assertEquals(List.of(InetSocketAddress.createUnresolved("other", 1)), s.servers());
    assertEquals(java.util.Optional.of(true), s.cacheDefaults("a.b").managementEnabled());
  }

  @Test
  void badValueInCallerPropertiesSaysWhereItCameFrom() {
    Properties p = new Properties();
    p.setProperty("exptimeMarginSeconds", "lots");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SettingsParser.parse(URI.create("memcached://h"), p, null));
    assertTrue(
        e.getMessage().contains("'lots'")
            && e.getMessage().contains("Properties passed to getCacheManager"),
        e.getMessage());
  }

  @Test
  void callerPropertiesCanSupplyServersForAnEmptyAuthority() {
    Properties p = new Properties();
    p.setProperty("servers", "x:5");
    assertEquals(
        List.of(InetSocketAddress.createUnresolved("x", 5)),
        SettingsParser.parse(URI.create("memcached:///"), p, null).servers());
  }

  @Test
  void asPropertiesListsEveryEffectiveOption() {
    Properties p =
        parse(
                "memcached://%5B::1%5D:11300,h2?connectTimeoutMillis=2s&cache.x.y.expiry=Created:5M"
                    + "&allowPackages=a.b,c")
            .asProperties();
    Properties expected = new Properties();
    expected.setProperty("servers", "[::1]:11300,h2:11211");
    expected.setProperty("operationTimeoutMillis", "1000");
    expected.setProperty("connectTimeoutMillis", "2000");
    expected.setProperty("keyPrefix", "mjc");
    expected.setProperty("failureMode", "fail");
    expected.setProperty("allowPackages", "a.b,c");
    expected.setProperty("generationRefreshMillis", "1000");
    expected.setProperty("exptimeMarginSeconds", "2");
    expected.setProperty("serverFailureLimit", "2");
    expected.setProperty("serverRetryMillis", "1000");
    expected.setProperty("reconnectDelaySeconds", "1");
    expected.setProperty("maxAsyncOperations", "4096");
    expected.setProperty("asyncCompletion", "thread");
    expected.setProperty("protocol", "binary");
    expected.setProperty("tls", "false");
    expected.setProperty("cache.x.y.expiry", "created:5m");
    assertEquals(expected, p);
  }

  @Test
  void equalSettingsFromDifferentSpellings() {
    assertEquals(
        parse("memcached://h:11211?operationTimeoutMillis=1s&failureMode=fail"),
        parse("memcached://h?operationTimeoutMillis=1000"));
    assertTrue(!parse("memcached://h?keyPrefix=a").equals(parse("memcached://h?keyPrefix=b")));
  }
}
