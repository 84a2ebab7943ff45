package dev.memjcache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The allowPackages hint names the setting in the form the manager was configured with. */
class AllowPackagesAdviceTest {

  @TempDir Path dir;

  private static String advice(MemJCacheSettings s) {
    return s.allowPackagesLocation().howToSet(MemJCacheSettings.ALLOW_PACKAGES, "a.b,com.acme");
  }

  @Test
  void memcachedUriAdvisesItsQueryWithTheServersOnly() {
    MemJCacheSettings s =
        SettingsParser.parse(
            URI.create("memcached://10.0.0.5:11211,10.0.0.6:11212?allowPackages=a.b&keyPrefix=x"),
            null,
            null);
    assertEquals(
        "add allowPackages=a.b,com.acme to the query of the CacheManager URI"
            + " (memcached://10.0.0.5:11211,10.0.0.6:11212?allowPackages=a.b,com.acme)",
        advice(s));
  }

  @Test
  void propertiesFileAdvisesALineOfThatFile() throws Exception {
    Path file = Files.writeString(dir.resolve("m.properties"), "servers=127.0.0.1:11211\n");
    MemJCacheSettings s = SettingsParser.parse(file.toUri(), null, null);
    assertEquals(
        "set allowPackages=a.b,com.acme in the properties file " + file.toUri(), advice(s));
    MemJCacheSettings cp =
        SettingsParser.parse(
            URI.create("classpath:dev/memjcache/config/memjcache-test.properties"), null, null);
    assertEquals(
        "set allowPackages=a.b,com.acme in the properties file"
            + " classpath:dev/memjcache/config/memjcache-test.properties",
        advice(cp));
  }

  @Test
  void allowPackagesFromPropertiesAdvisesThePropertiesEntry() throws Exception {
    Path file = Files.writeString(dir.resolve("m.properties"), "servers=127.0.0.1:11211\n");
    Properties props = new Properties();
    props.setProperty("allowPackages", "a.b");
    for (URI uri : new URI[] {file.toUri(), URI.create("memcached://127.0.0.1:11211")}) {
      assertEquals(
          "set the entry allowPackages=a.b,com.acme in the Properties passed to getCacheManager",
          advice(SettingsParser.parse(uri, props, null)),
          uri.toString());
    }
  }

  @Test
  void userInformationOfAPropertiesUrlIsNotShown() {
    assertEquals(
        "set k=v in the properties file jar:https://host/app.jar!/m.properties",
        OptionLocation.propertiesFile("jar:https://user:secret@host/app.jar!/m.properties")
            .howToSet("k", "v"));
  }
}
