package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The option {@code keyIndex}: on by default behind a proxy, refused anywhere else. */
class KeyIndexOptionTest {

  private static MemJCacheSettings parse(String uri) {
    return SettingsParser.parse(URI.create(uri), new Properties(), null);
  }

  @Test
  void onByDefaultBehindAProxyAndOffWithoutOne() {
    assertTrue(parse("memcached://h:1?proxy=true").topology().keyIndex());
    assertFalse(parse("memcached://h:1?proxy=true&keyIndex=false").topology().keyIndex());
    assertFalse(parse("memcached://h:1").topology().keyIndex());
  }

  @Test
  void withoutAProxyItIsRefusedWithTheReason() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> parse("memcached://h:1?keyIndex=true"));
    assertTrue(e.getMessage().contains("proxy=true"), e.getMessage());
    assertTrue(e.getMessage().contains("lru_crawler metadump"), e.getMessage());
  }

  @Test
  void asPropertiesParsesBackToEqualSettings() throws Exception {
    for (String uri :
        new String[] {"memcached://h:1?proxy=true", "memcached://h:1?proxy=true&keyIndex=false"}) {
      MemJCacheSettings settings = parse(uri);
      Properties written = settings.asProperties();
      assertEquals(Boolean.toString(settings.topology().keyIndex()), written.get("keyIndex"));
      StringWriter file = new StringWriter();
      written.store(file, null);
      Properties read = new Properties();
      read.load(new StringReader(file.toString()));
      MemJCacheSettings again = SettingsParser.parse(URI.create("memcached:///"), read, null);
      assertEquals(settings.topology(), again.topology());
    }
    assertFalse(parse("memcached://h:1").asProperties().containsKey("keyIndex"));
  }
}
