package dev.memjcache.config;

import static dev.memjcache.config.MemJCacheSettings.KEY_STORE;
import static dev.memjcache.config.MemJCacheSettings.KEY_STORE_PASSWORD;
import static dev.memjcache.config.MemJCacheSettings.KEY_STORE_TYPE;
import static dev.memjcache.config.MemJCacheSettings.TLS;
import static dev.memjcache.config.MemJCacheSettings.TLS_HOSTNAME;
import static dev.memjcache.config.MemJCacheSettings.TRUST_STORE;
import static dev.memjcache.config.MemJCacheSettings.TRUST_STORE_PASSWORD;
import static dev.memjcache.config.MemJCacheSettings.TRUST_STORE_TYPE;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.List;
import java.util.Map;

/**
 * Parses the TLS options into {@link TlsSettings}. A store option without {@code tls=true}, or a
 * password without its store, is an error rather than silently ignored. Messages never contain a
 * password's value.
 */
final class TlsOptions {

  /** The option names, in the order of docs/configuration.md. */
  static final List<String> NAMES =
      List.of(
          TLS,
          TRUST_STORE,
          TRUST_STORE_TYPE,
          TRUST_STORE_PASSWORD,
          KEY_STORE,
          KEY_STORE_TYPE,
          KEY_STORE_PASSWORD,
          TLS_HOSTNAME);

  private TlsOptions() {}

  static TlsSettings parse(Map<String, SettingsParser.Value> values) {
    SettingsParser.Value tls = values.get(TLS);
    boolean enabled = tls != null && OptionValues.bool(TLS, tls.text(), tls.source());
    if (!enabled) {
      for (String name : NAMES) {
        SettingsParser.Value v = values.get(name);
        if (v != null && !name.equals(TLS)) {
          throw new IllegalArgumentException(
              "Option "
                  + name
                  + " is given ("
                  + v.source()
                  + ") but "
                  + TLS
                  + " is not true: set "
                  + TLS
                  + "=true to connect over TLS, or remove "
                  + name);
        }
      }
      return TlsSettings.NONE;
    }
    String trustStore = location(values, TRUST_STORE);
    String keyStore = location(values, KEY_STORE);
    return new TlsSettings(
        true,
        trustStore,
        storeType(values, TRUST_STORE_TYPE),
        password(values, TRUST_STORE_PASSWORD, TRUST_STORE, trustStore),
        keyStore,
        storeType(values, KEY_STORE_TYPE),
        password(values, KEY_STORE_PASSWORD, KEY_STORE, keyStore),
        hostname(values));
  }

  private static String location(Map<String, SettingsParser.Value> values, String option) {
    SettingsParser.Value v = values.get(option);
    if (v == null) {
      return null;
    }
    String text = v.text().trim();
    if (text.isEmpty()) {
      throw OptionValues.bad(
          option, v.text(), v.source(), "a file path, a classpath: resource name or a URL");
    }
    return text;
  }

  private static String storeType(Map<String, SettingsParser.Value> values, String option) {
    SettingsParser.Value v = values.get(option);
    if (v == null) {
      return TlsSettings.DEFAULT_STORE_TYPE;
    }
    String type = v.text().trim();
    try {
      KeyStore.getInstance(type);
    } catch (KeyStoreException | IllegalArgumentException e) {
      throw OptionValues.bad(
          option, v.text(), v.source(), "a KeyStore type of this JVM, such as PKCS12 or JKS");
    }
    return type;
  }

  /** The text as given (a password may hold spaces); never quoted in a message. */
  private static String password(
      Map<String, SettingsParser.Value> values, String option, String storeOption, String store) {
    SettingsParser.Value v = values.get(option);
    if (v == null) {
      return null;
    }
    if (store == null) {
      throw new IllegalArgumentException(
          "Option "
              + option
              + " is given ("
              + v.source()
              + ") but "
              + storeOption
              + " is not: the password is that of the store "
              + storeOption
              + " names");
    }
    return v.text();
  }

  private static String hostname(Map<String, SettingsParser.Value> values) {
    SettingsParser.Value v = values.get(TLS_HOSTNAME);
    if (v == null) {
      return null;
    }
    String name = v.text().trim();
    if (name.isEmpty() || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ',')) {
      throw OptionValues.bad(
          TLS_HOSTNAME,
          v.text(),
          v.source(),
          "the host name (or IP address) the servers' certificates name, such as"
              + " cache.example.com");
    }
    return name;
  }
}
