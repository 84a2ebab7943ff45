package dev.memjcache.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.MemcachedCacheManager;
import dev.memjcache.SecretScan;
import dev.memjcache.spi.MemcachedCachingProvider;
import dev.memjcache.testkit.MemcachedProcess;
import dev.memjcache.testkit.SaslSetup;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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
 * SASL PLAIN against a real memcached started with {@code -S} and a Cyrus sasldb user: the right
 * password works, a wrong one fails at connect with a clear error, a password in a {@code
 * memcached://} URI is refused, and the password appears nowhere: not in any log line (this class
 * runs in its own JVM with every logger at TRACE, see provider/pom.xml), exception message or
 * cause, {@code toString()}, or attribute of any MBean on the platform MBeanServer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SaslAuthenticationTest {

  private static final String USER = "mjcuser";
  private static final String PASSWORD = "Pw-" + Long.toHexString(System.nanoTime()) + "-sEcReT";
  private static final String WRONG = "Wrong-" + Long.toHexString(System.nanoTime()) + "-PaSs";

  private static SaslSetup sasl;
  private static MemcachedProcess server;

  /** The captured log, and everything a user could see besides it: messages, toString()s. */
  private static final SecretScan SCAN = new SecretScan();

  private static final List<CacheManager> MANAGERS = new ArrayList<>();

  @BeforeAll
  static void startServerAndCaptureOutput() {
    SCAN.captureOutput();
    sasl = SaslSetup.create(USER, PASSWORD);
    server = MemcachedProcess.start(sasl.environment(), "-S");
  }

  @AfterAll
  static void stop() {
    MANAGERS.forEach(CacheManager::close);
    if (server != null) {
      server.close();
    }
    if (sasl != null) {
      sasl.delete();
    }
    SCAN.restoreOutput();
  }

  private static CacheManager manager(String uri, Properties properties) {
    CacheManager manager =
        new MemcachedCachingProvider()
            .getCacheManager(
                URI.create(uri), SaslAuthenticationTest.class.getClassLoader(), properties);
    MANAGERS.add(manager);
    return manager;
  }

  private static Properties credentials(String password) {
    Properties p = new Properties();
    p.setProperty("username", USER);
    p.setProperty("password", password);
    return p;
  }

  private static void seen(Throwable t) {
    SCAN.seen(t);
  }

  @Test
  @Order(1)
  void theRightPasswordWorks() {
    CacheManager manager = manager(server.uri(), credentials(PASSWORD));
    Cache<String, String> cache =
        manager.createCache(
            "sasl",
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setStatisticsEnabled(true)
                .setManagementEnabled(true));
    cache.put("k", "v");
    assertEquals("v", cache.get("k"));
    // -S closes ASCII connections, so lru_crawler metadump (iteration) cannot work: say so
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, cache::iterator);
    assertTrue(e.getMessage().contains("-S"), e.getMessage());
    seen(e);
    cache.clear();
    assertFalse(cache.containsKey("k"));
    SCAN.seen(manager.toString());
    SCAN.seen(cache.toString());
    SCAN.seen(((MemcachedCacheManager) manager).settings().toString());
    SCAN.seen(((MemcachedCacheManager) manager).settings().credentials().toString());
    SCAN.seen(manager.getURI().toString());
    assertTrue(((MemcachedCacheManager) manager).settings().toString().contains(USER));
  }

  @Test
  @Order(2)
  void credentialsFromAPropertiesFileWork() throws Exception {
    Path file = Files.createTempFile("memjcache-sasl", ".properties");
    try {
      Files.writeString(
          file,
          "servers=" + server.address() + "\nusername=" + USER + "\npassword=" + PASSWORD + "\n");
      CacheManager manager = manager(file.toUri().toString(), new Properties());
      Cache<String, String> cache =
          manager.createCache(
              "file",
              new MutableConfiguration<String, String>().setTypes(String.class, String.class));
      cache.put("k", "from file");
      assertEquals("from file", cache.get("k"));
      SCAN.seen(((MemcachedCacheManager) manager).settings().toString());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  @Order(3)
  void aWrongPasswordFailsAtConnectWithAClearError() {
    long start = System.nanoTime();
    CacheException e =
        assertThrows(
            CacheException.class,
            () -> manager(server.uri() + "?operationTimeoutMillis=5000", credentials(WRONG)));
    long millis = (System.nanoTime() - start) / 1_000_000;
    seen(e);
    assertTrue(
        e.getMessage().contains("SASL authentication of user '" + USER + "'")
            && e.getMessage().contains(server.address())
            && e.getMessage().contains("failed"),
        e.getMessage());
    assertTrue(
        millis < 5000, "failed at connect, not after an operation timeout: " + millis + " ms");
  }

  @Test
  @Order(4)
  void aPasswordInAMemcachedUriIsRefusedWithoutEchoingIt() {
    for (String uri :
        List.of(
            server.uri() + "?username=" + USER + "&password=" + PASSWORD,
            server.uri() + "?pass%77ord=" + PASSWORD,
            "memcached://" + USER + ":" + PASSWORD + "@" + server.address())) {
      CacheException e = assertThrows(CacheException.class, () -> manager(uri, new Properties()));
      seen(e);
      assertTrue(e.getMessage().contains("must not hold a password"), e.getMessage());
    }
  }

  @Test
  @Order(6)
  void aServerWithoutSaslIsReportedWhenCredentialsAreSet() {
    try (MemcachedProcess plain = MemcachedProcess.start()) {
      CacheException e =
          assertThrows(CacheException.class, () -> manager(plain.uri(), credentials(PASSWORD)));
      seen(e);
      assertTrue(e.getMessage().contains("not started with -S"), e.getMessage());
    }
  }

  @Test
  @Order(5)
  void noCredentialsAgainstASaslServerFailAtConnectWithAClearError() {
    CacheException e =
        assertThrows(CacheException.class, () -> manager(server.uri(), new Properties()));
    seen(e);
    assertTrue(
        e.getMessage().contains("requires SASL authentication")
            && e.getMessage().contains(server.address()),
        e.getMessage());
  }

  @Test
  @Order(7)
  void onlyOneOfUsernameAndPasswordIsAnError() {
    Properties p = new Properties();
    p.setProperty("password", PASSWORD);
    CacheException e = assertThrows(CacheException.class, () -> manager(server.uri(), p));
    seen(e);
    assertTrue(e.getMessage().contains("username"), e.getMessage());
  }

  @Test
  @Order(100)
  void thePasswordAppearsInNoLogExceptionToStringOrMBean() throws Exception {
    assertTrue(
        LoggerFactory.getLogger("net.spy.memcached").isTraceEnabled()
            && LoggerFactory.getLogger("dev.memjcache").isTraceEnabled(),
        "this class must run with every logger at TRACE (provider/pom.xml, execution sasl)");
    List<String> mbeanValues = SecretScan.mbeanValues("javax.cache", 2);
    SecretScan.mbeanValues("dev.memjcache", 1); // the CacheManager MXBean was scanned too
    String log = SCAN.log();
    assertTrue(
        log.contains("Authenticated to") || log.contains("SASL"),
        "spymemcached's SASL logging was captured:\n" + log);
    for (String secret : List.of(PASSWORD, WRONG)) {
      assertFalse(log.contains(secret), "log holds a password");
      SCAN.texts()
          .forEach(
              s -> assertFalse(s.contains(secret), "message or toString holds a password: " + s));
      mbeanValues.forEach(v -> assertFalse(v.contains(secret), "an MBean holds a password"));
    }
    assertTrue(SCAN.texts().size() > 10, "messages were collected: " + SCAN.texts().size());
  }
}
