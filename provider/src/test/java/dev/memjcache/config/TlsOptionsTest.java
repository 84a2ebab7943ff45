package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The TLS options ({@link TlsSettings}): defaults, parsing, the errors for options that need {@code
 * tls=true} or their store, and the password rule: never from a {@code memcached://} URI, never in
 * {@code toString()} or {@code asProperties()}.
 */
class TlsOptionsTest {

  private static final String SECRET = "s3cr3t-" + Long.toHexString(System.nanoTime());

  private static MemJCacheSettings parse(String uri, Properties p) {
    return SettingsParser.parse(URI.create(uri), p, null);
  }

  private static Properties props(String... keyValues) {
    Properties p = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      p.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return p;
  }

  @Test
  void plainTcpByDefault() {
    assertSame(TlsSettings.NONE, parse("memcached://h:1", null).tls());
    assertEquals("false", parse("memcached://h:1", null).asProperties().getProperty("tls"));
  }

  @Test
  void everyOption() {
    TlsSettings tls =
        parse(
                "memcached://h:1?tls=true&trustStore=/etc/ca.p12&trustStoreType=JKS"
                    + "&keyStore=classpath:client.p12&tlsHostname=cache.example.com",
                props("trustStorePassword", SECRET, "keyStorePassword", SECRET + "k"))
            .tls();
    assertAll(
        () -> assertTrue(tls.enabled()),
        () -> assertEquals(Optional.of("/etc/ca.p12"), tls.trustStore()),
        () -> assertEquals("JKS", tls.trustStoreType()),
        () -> assertEquals(SECRET, tls.trustStorePassword()),
        () -> assertEquals(Optional.of("classpath:client.p12"), tls.keyStore()),
        () -> assertEquals("PKCS12", tls.keyStoreType()),
        () -> assertEquals(SECRET + "k", tls.keyStorePassword()),
        () -> assertEquals(Optional.of("cache.example.com"), tls.hostname()));
  }

  @Test
  void tlsAloneUsesTheJvmDefaultTrustStore() {
    TlsSettings tls = parse("memcached://h:1?tls=TRUE", null).tls();
    assertTrue(tls.enabled());
    assertEquals(Optional.empty(), tls.trustStore());
    assertNull(tls.trustStorePassword());
    assertEquals("TlsSettings[trustStore=(JVM default)]", tls.toString());
  }

  @Test
  void aStoreOptionWithoutTlsIsAnError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("memcached://h:1?trustStore=/ca.p12", null));
    assertTrue(e.getMessage().contains("tls is not true"), e.getMessage());
    IllegalArgumentException off =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("memcached://h:1?tls=false&tlsHostname=x", null));
    assertTrue(off.getMessage().contains("tlsHostname"), off.getMessage());
  }

  @Test
  void aPasswordWithoutItsStoreIsAnErrorThatDoesNotQuoteIt() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("memcached://h:1?tls=true", props("keyStorePassword", SECRET)));
    assertTrue(e.getMessage().contains("keyStore is not"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }

  @Test
  void badValuesAreErrors() {
    for (String query :
        new String[] {"tls=yes", "tls=true&trustStoreType=NOPE", "tls=true&tlsHostname=a%20b"}) {
      assertThrows(IllegalArgumentException.class, () -> parse("memcached://h:1?" + query, null));
    }
  }

  @Test
  void storePasswordsAreRefusedInAMemcachedUriWithoutEchoingThem() {
    for (String query :
        new String[] {
          "tls=true&trustStore=/a&trustStorePassword=" + SECRET,
          "tls=true&keyStore=/a&keystorepassword=" + SECRET,
          "tls=true&keyStore=/a&key%53torePassword=" + SECRET
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> parse("memcached://h:1?" + query, null));
      assertTrue(e.getMessage().contains("must not hold a password"), e.getMessage());
      assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }
    String redacted =
        SettingsParser.redacted(URI.create("memcached://h:1?trustStorePassword=" + SECRET));
    assertFalse(redacted.contains(SECRET), redacted);
  }

  @Test
  void passwordsAreHiddenAndRoundTripWithoutThem() throws Exception {
    MemJCacheSettings s =
        parse(
            "memcached://h:1",
            props(
                "tls", "true",
                "trustStore", "/ca.p12",
                "trustStorePassword", SECRET,
                "keyStore", "/client.p12",
                "keyStorePassword", SECRET));
    assertFalse(s.toString().contains(SECRET), s.toString());
    assertTrue(s.toString().contains("trustStorePassword=(hidden)"), s.toString());
    assertFalse(s.tls().toString().contains(SECRET), s.tls().toString());
    Properties shown = s.asProperties();
    assertFalse(shown.containsKey("trustStorePassword") || shown.containsKey("keyStorePassword"));
    StringWriter file = new StringWriter();
    shown.store(file, null);
    assertFalse(file.toString().contains(SECRET));
    Properties back = new Properties();
    back.load(new StringReader(file.toString()));
    back.setProperty("trustStorePassword", SECRET);
    back.setProperty("keyStorePassword", SECRET);
    java.nio.file.Path f = java.nio.file.Files.createTempFile("tls", ".properties");
    try {
      try (var out = java.nio.file.Files.newBufferedWriter(f)) {
        back.store(out, null);
      }
      assertEquals(s, SettingsParser.parse(f.toUri(), null, null));
    } finally {
      java.nio.file.Files.deleteIfExists(f);
    }
  }
}
