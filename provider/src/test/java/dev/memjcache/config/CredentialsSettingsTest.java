package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code username} / {@code password} options: parsed, never shown, never in a URI. */
class CredentialsSettingsTest {

  private static final String SECRET = "t0p-s3cret";

  private static MemJCacheSettings parse(String uri, Properties p) {
    return SettingsParser.parse(URI.create(uri), p, getClassLoader());
  }

  private static ClassLoader getClassLoader() {
    return CredentialsSettingsTest.class.getClassLoader();
  }

  private static Properties credentials() {
    Properties p = new Properties();
    p.setProperty("username", "app");
    p.setProperty("password", SECRET);
    return p;
  }

  @Test
  void credentialsComeFromPropertiesAndAreNeverShown() {
    MemJCacheSettings s = parse("memcached://h:1", credentials());
    assertEquals("app", s.credentials().username());
    assertEquals(SECRET, s.credentials().password());
    assertTrue(
        s.toString().contains("username=app") && s.toString().contains("password=(hidden)"),
        s.toString());
    assertFalse(s.toString().contains(SECRET));
    assertFalse(s.credentials().toString().contains(SECRET));
    assertNull(s.asProperties().getProperty("password"));
    assertEquals(s, parse("memcached://h:1", credentials()));
  }

  @Test
  void noCredentialsByDefault() {
    assertFalse(parse("memcached://h:1", new Properties()).credentials().isPresent());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "memcached://h:1?password=" + SECRET,
        "memcached://h:1?username=app&password=" + SECRET,
        "memcached://h:1?PASSWORD=" + SECRET,
        "memcached://h:1?pass%77ord=" + SECRET,
        "memcached://app:" + SECRET + "@h:1",
        "memcached://h:1?password=" + SECRET + "&bogus=1"
      })
  void aPasswordInAMemcachedUriIsRefusedWithoutRepeatingIt(String uri) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse(uri, new Properties()));
    assertTrue(e.getMessage().contains("must not hold a password"), e.getMessage());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertFalse(
        SettingsParser.redacted(URI.create(uri)).contains(SECRET),
        SettingsParser.redacted(URI.create(uri)));
  }

  @Test
  void aNulInThePasswordIsRefusedWithoutRepeatingIt() {
    Properties p = credentials();
    p.setProperty("password", SECRET + "\0x");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse("memcached://h:1", p));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
  }
}
