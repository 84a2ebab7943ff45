package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The {@code protocol} option: binary by default, text on request, never text with SASL. */
class ProtocolOptionTest {

  private static MemJCacheSettings parse(String uri, Properties properties) {
    return SettingsParser.parse(URI.create(uri), properties, null);
  }

  @Test
  void binaryIsTheDefault() {
    MemJCacheSettings settings = parse("memcached://127.0.0.1:11211", null);
    assertEquals(MemcachedProtocol.BINARY, settings.protocol());
    assertEquals("binary", settings.asProperties().getProperty("protocol"));
  }

  @Test
  void textFromTheUriOrTheProperties() {
    assertEquals(MemcachedProtocol.TEXT, parse("memcached://h:1?protocol=TEXT", null).protocol());
    Properties properties = new Properties();
    properties.setProperty("protocol", " text ");
    assertEquals(MemcachedProtocol.TEXT, parse("memcached://h:1", properties).protocol());
    assertEquals(
        MemcachedProtocol.BINARY,
        parse("memcached://h:1?protocol=text", props("protocol=binary")).protocol(),
        "the caller's Properties override the URI");
  }

  @Test
  void settingsWithTextParseBackEqual() throws Exception {
    MemJCacheSettings settings = parse("memcached://h:1?protocol=text", null);
    Properties written = settings.asProperties();
    assertEquals("text", written.getProperty("protocol"));
    assertEquals(settings, parse("memcached://h:1", written));
  }

  @Test
  void aBadValueNamesTheChoices() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> parse("memcached://h:1?protocol=ascii", null));
    assertTrue(
        e.getMessage().contains("'ascii' for option protocol")
            && e.getMessage().contains("binary or text"),
        e.getMessage());
  }

  @Test
  void usernameWithTextIsAConfigurationErrorThatSaysWhy() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                parse(
                    "memcached://h:1?protocol=text",
                    props("username=app\npassword=s3cr3t-never-shown")));
    String message = e.getMessage();
    assertTrue(
        message.contains("username")
            && message.contains("protocol=binary")
            && message.contains("SASL authentication only over the binary protocol"),
        message);
    assertTrue(!message.contains("s3cr3t-never-shown"), "no password in: " + message);
  }

  private static Properties props(String text) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return properties;
  }
}
