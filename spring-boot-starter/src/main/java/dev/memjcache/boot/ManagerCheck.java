package dev.memjcache.boot;

import dev.memjcache.MemcachedCacheManager;
import dev.memjcache.config.SettingsParser;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeSet;
import javax.cache.CacheManager;

/** Checks that a MemJCache manager was opened with the options this application context sets. */
final class ManagerCheck {

  private ManagerCheck() {}

  /**
   * Throws when {@code manager} is MemJCache's and its Properties differ from {@code expected} in
   * one of {@code expected}'s keys.
   *
   * @throws IllegalStateException naming the differing options (never their values: one may be a
   *     password), the manager's URI, and what to do
   */
  static void sameOptions(CacheManager manager, Properties expected) {
    if (!(manager instanceof MemcachedCacheManager)) {
      return;
    }
    Properties actual = manager.getProperties();
    TreeSet<String> differing = new TreeSet<>();
    for (String key : expected.stringPropertyNames()) {
      if (!Objects.equals(expected.getProperty(key), actual.getProperty(key))) {
        differing.add(key);
      }
    }
    if (!differing.isEmpty()) {
      throw new IllegalStateException(
          "The MemJCache CacheManager "
              + SettingsParser.redacted(manager.getURI())
              + " was already open in this class loader with other values of "
              + String.join(", ", differing)
              + ": JSR-107 keeps one CacheManager per URI and class loader, and another "
              + "application context in this JVM opened it first. Close that context first, or give "
              + "this one a manager of its own with spring.cache.jcache.config=<URL of a "
              + "properties file>");
    }
  }
}
