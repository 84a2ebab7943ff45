package dev.memjcache.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.MemcachedCacheManager;
import dev.memjcache.SecretScan;
import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedProcess;
import dev.memjcache.testkit.SaslSetup;
import dev.memjcache.testkit.TlsSetup;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/**
 * MemJCache over TLS against real memcached processes started with {@code -Z} and certificates made
 * by {@link TlsSetup} (openssl): the right trust store works for plain, conditional and bulk
 * operations and iteration ({@code lru_crawler metadump} over MemJCache's own TLS socket); an
 * untrusted certificate, a wrong host name and a plain-text server each fail {@code
 * getCacheManager} within the connect timeout with their own message; {@code tlsHostname} verifies
 * an IP-address server list against a name; mutual TLS ({@code ssl_verify_mode=2}) works with a
 * client certificate and fails clearly without one; and no store password appears in a log line
 * (this class runs with every logger at TRACE, provider/pom.xml execution {@code sasl}), an
 * exception, a {@code toString()} or an MBean attribute.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsConnectionTest {

  private static final String STORE_PASSWORD =
      "Store-" + Long.toHexString(System.nanoTime()) + "-sEcReT";
  private static final String WRONG = "Wrong-" + Long.toHexString(System.nanoTime()) + "-PaSs";

  /**
   * Every failure must come within this connect timeout, never after a reconnect loop; generous,
   * since this class logs everything at TRACE on a loaded machine.
   */
  private static final long CONNECT_TIMEOUT_MILLIS = 10_000;

  private static final SecretScan SCAN = new SecretScan();
  private static final List<CacheManager> MANAGERS = new ArrayList<>();

  private static TlsSetup tls;
  private static MemcachedProcess server;
  private static MemcachedProcess wrongName;
  private static MemcachedProcess mutual;

  @BeforeAll
  static void start() {
    SCAN.captureOutput();
    tls = TlsSetup.create(STORE_PASSWORD);
    server = MemcachedProcess.start(tls.serverArgs());
    wrongName = MemcachedProcess.start(tls.wrongNameServerArgs());
    mutual = MemcachedProcess.start(tls.mutualServerArgs());
  }

  @AfterAll
  static void stop() {
    MANAGERS.forEach(CacheManager::close);
    for (MemcachedProcess p : new MemcachedProcess[] {server, wrongName, mutual}) {
      if (p != null) {
        p.close();
      }
    }
    if (tls != null) {
      tls.delete();
    }
    SCAN.restoreOutput();
  }

  private static CacheManager manager(String uri, Properties properties) {
    properties.putIfAbsent("connectTimeoutMillis", Long.toString(CONNECT_TIMEOUT_MILLIS));
    CacheManager manager =
        new MemcachedCachingProvider()
            .getCacheManager(URI.create(uri), TlsConnectionTest.class.getClassLoader(), properties);
    MANAGERS.add(manager);
    SCAN.seen(manager.toString());
    SCAN.seen(((MemcachedCacheManager) manager).settings().toString());
    SCAN.seen(((MemcachedCacheManager) manager).settings().tls().toString());
    return manager;
  }

  /** Fails getCacheManager, within the connect timeout; returns the message. */
  private static String failure(String uri, Properties properties) {
    long start = System.nanoTime();
    CacheException e = assertThrows(CacheException.class, () -> manager(uri, properties));
    long millis = (System.nanoTime() - start) / 1_000_000;
    SCAN.seen(e);
    assertTrue(
        millis < CONNECT_TIMEOUT_MILLIS,
        "failed at the handshake, not after a timeout: " + millis + " ms: " + e.getMessage());
    return e.getMessage();
  }

  private static Cache<String, String> cache(CacheManager manager, String name) {
    return manager.createCache(
        name,
        new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setStatisticsEnabled(true)
            .setManagementEnabled(true));
  }

  private static Properties mutualProperties() {
    Properties p = tls.clientProperties();
    p.setProperty("keyStore", tls.clientKeyStore().toString());
    p.setProperty("keyStorePassword", STORE_PASSWORD);
    return p;
  }

  @Test
  @Order(1)
  void theRightTrustStoreWorks() {
    exercise(cache(manager(server.uri(), tls.clientProperties()), "tls"));
  }

  /** Plain, conditional (CAS) and bulk operations, an entry processor and iteration (metadump). */
  private static void exercise(Cache<String, String> cache) {
    cache.put("a", "1");
    assertEquals("1", cache.get("a"));
    assertFalse(cache.putIfAbsent("a", "2"));
    assertTrue(cache.replace("a", "1", "3"));
    assertFalse(cache.replace("a", "1", "4"), "a CAS on a stale value fails");
    assertEquals("3", cache.getAndPut("a", "5"));
    assertFalse(cache.remove("a", "3"));
    assertTrue(cache.remove("a", "5"));
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      many.put("k" + i, "v" + i);
    }
    cache.putAll(many);
    assertEquals(many, cache.getAll(many.keySet()));
    assertEquals("v7!", cache.<String>invoke("k7", (entry, args) -> entry.getValue() + "!"));
    Set<String> iterated = new HashSet<>();
    cache.forEach(e -> iterated.add(e.getKey()));
    assertEquals(many.keySet(), iterated, "iteration lists the keys over TLS (metadump)");
    cache.removeAll();
    assertNull(cache.get("k1"));
    SCAN.seen(cache.toString());
  }

  @Test
  @Order(20)
  void tlsWorksWithTheTextProtocol() {
    Properties p = tls.clientProperties();
    p.setProperty("protocol", "text");
    exercise(cache(manager(server.uri(), p), "text"));
    Properties mutualText = mutualProperties();
    mutualText.setProperty("protocol", "text");
    Cache<String, String> cache = cache(manager(mutual.uri(), mutualText), "mutualText");
    cache.put("t", "v");
    assertEquals("v", cache.get("t"));
    assertTrue(cache.remove("t", "v"), "the text protocol's conditional delete over mutual TLS");
  }

  @Test
  @Order(21)
  void theTlsFailuresKeepTheirMessagesUnderTheTextProtocol() {
    Properties p = tls.clientProperties();
    p.setProperty("protocol", "text");
    String wrong = failure(wrongName.uri(), p);
    assertTrue(wrong.contains("does not name '127.0.0.1'"), wrong);
    String noCertificate = failure(mutual.uri(), p);
    assertTrue(noCertificate.contains("requires a client certificate"), noCertificate);
    try (MemcachedProcess plain = MemcachedProcess.start()) {
      String message = failure(plain.uri(), p);
      assertTrue(message.contains("does not speak TLS") && message.contains("-Z"), message);
    }
  }

  @Test
  @Order(22)
  void saslWorksOverTls() {
    SaslSetup sasl = SaslSetup.create("tls-user", STORE_PASSWORD);
    try (MemcachedProcess saslServer =
        MemcachedProcess.start(sasl.environment(), tls.serverArgs("-S"))) {
      Properties p = tls.clientProperties();
      p.setProperty("username", "tls-user");
      p.setProperty("password", STORE_PASSWORD);
      Cache<String, String> cache = cache(manager(saslServer.uri(), p), "saslOverTls");
      cache.put("s", "v");
      assertEquals("v", cache.get("s"));
      assertTrue(cache.replace("s", "v", "w"), "a CAS over SASL and TLS");
      Properties wrong = tls.clientProperties();
      wrong.setProperty("username", "tls-user");
      wrong.setProperty("password", WRONG);
      String message = failure(saslServer.uri(), wrong);
      assertTrue(
          message.contains("SASL authentication of user 'tls-user'")
              && message.contains(saslServer.address()),
          message);
    } finally {
      sasl.delete();
    }
  }

  @Test
  @Order(2)
  void aServerListedByHostNameIsVerifiedAgainstThatName() {
    Cache<String, String> cache =
        cache(manager("memcached://localhost:" + server.port(), tls.clientProperties()), "named");
    cache.put("n", "v");
    assertEquals("v", cache.get("n"));
  }

  @Test
  @Order(3)
  void tlsHostnameVerifiesAnIpAddressServerListAgainstAName() {
    // this server's certificate names only other.example: 127.0.0.1 fails, the name works
    Properties p = tls.clientProperties();
    p.setProperty("tlsHostname", "other.example");
    Cache<String, String> cache = cache(manager(wrongName.uri(), p), "hostname");
    cache.put("h", "v");
    assertEquals("v", cache.get("h"));
  }

  @Test
  @Order(4)
  void anUntrustedCertificateFailsWithItsOwnMessage() {
    Properties stranger = tls.clientProperties();
    stranger.setProperty("trustStore", tls.untrustedTrustStore().toString());
    String message = failure(server.uri(), stranger);
    assertTrue(
        message.contains("trust store does not trust") && message.contains(server.address()),
        message);
    Properties jvmDefault = new Properties();
    jvmDefault.setProperty("tls", "true");
    String fallback = failure(server.uri(), jvmDefault);
    assertTrue(fallback.contains("JVM's default trust store"), fallback);
  }

  @Test
  @Order(5)
  void aWrongHostNameFailsWithItsOwnMessage() {
    String message = failure(wrongName.uri(), tls.clientProperties());
    assertTrue(message.contains("does not name '127.0.0.1'"), message);
    assertTrue(message.contains("tlsHostname"), message);
    Properties p = tls.clientProperties();
    p.setProperty("tlsHostname", "cache.example.com");
    String named = failure(server.uri(), p);
    assertTrue(named.contains("does not name 'cache.example.com'"), named);
  }

  @Test
  @Order(6)
  void aPlainTextServerFailsWithItsOwnMessage() {
    try (MemcachedProcess plain = MemcachedProcess.start()) {
      String message = failure(plain.uri(), tls.clientProperties());
      assertTrue(message.contains("does not speak TLS") && message.contains("-Z"), message);
    }
  }

  @Test
  @Order(7)
  void mutualTlsWorksWithAClientCertificate() {
    Cache<String, String> cache = cache(manager(mutual.uri(), mutualProperties()), "mutual");
    cache.put("m", "v");
    assertEquals("v", cache.get("m"));
    assertTrue(cache.iterator().hasNext(), "metadump over mutual TLS");
  }

  @Test
  @Order(8)
  void mutualTlsFailsClearlyWithoutAClientCertificate() {
    String message = failure(mutual.uri(), tls.clientProperties());
    assertTrue(
        message.contains("requires a client certificate") && message.contains("keyStore"), message);
  }

  @Test
  @Order(9)
  void aStorePasswordInAMemcachedUriIsRefusedWithoutEchoingIt() {
    for (String uri :
        List.of(
            server.uri() + "?tls=true&trustStorePassword=" + STORE_PASSWORD,
            server.uri() + "?tls=true&keyStore=/x.p12&KEYSTOREPASSWORD=" + STORE_PASSWORD,
            server.uri() + "?tls=true&trustStore%50assword=" + STORE_PASSWORD)) {
      CacheException e = assertThrows(CacheException.class, () -> manager(uri, new Properties()));
      SCAN.seen(e);
      assertTrue(e.getMessage().contains("must not hold a password"), e.getMessage());
    }
  }

  @Test
  @Order(10)
  void aWrongStorePasswordIsReportedWithoutEchoingIt() {
    Properties p = tls.clientProperties();
    p.setProperty("trustStorePassword", WRONG);
    String message = failure(server.uri(), p);
    assertTrue(message.contains("password is wrong"), message);
    Properties key = mutualProperties();
    key.setProperty("keyStorePassword", WRONG);
    SCAN.seen(failure(mutual.uri(), key));
  }

  @Test
  @Order(11)
  void storesFromAPropertiesFileWork() throws Exception {
    Path file = Files.createTempFile("memjcache-tls", ".properties");
    try {
      Files.writeString(
          file,
          "servers="
              + mutual.address()
              + "\ntls=true\ntrustStore="
              + tls.trustStore()
              + "\ntrustStorePassword="
              + STORE_PASSWORD
              + "\nkeyStore="
              + tls.clientKeyStore().toUri()
              + "\nkeyStorePassword="
              + STORE_PASSWORD
              + "\n");
      Cache<String, String> cache = cache(manager(file.toUri().toString(), new Properties()), "f");
      cache.put("f", "from file");
      assertEquals("from file", cache.get("f"));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  @Order(100)
  void noStorePasswordAppearsInALogAnExceptionAToStringOrAnMBean() throws Exception {
    assertTrue(
        LoggerFactory.getLogger("net.spy.memcached").isTraceEnabled()
            && LoggerFactory.getLogger("dev.memjcache").isTraceEnabled(),
        "this class must run with every logger at TRACE (provider/pom.xml, execution sasl)");
    List<String> mbeanValues = SecretScan.mbeanValues("javax.cache", 2);
    String log = SCAN.log();
    assertTrue(
        log.contains("DEBUG net.spy.memcached.MemcachedConnection"),
        "the client's logging was captured:\n" + log);
    for (String secret : List.of(STORE_PASSWORD, WRONG)) {
      assertFalse(log.contains(secret), "log holds a store password");
      SCAN.texts()
          .forEach(s -> assertFalse(s.contains(secret), "a message holds a store password: " + s));
      mbeanValues.forEach(v -> assertFalse(v.contains(secret), "an MBean holds a store password"));
    }
    assertTrue(SCAN.texts().size() > 20, "messages were collected: " + SCAN.texts().size());
  }
}
