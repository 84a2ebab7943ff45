package dev.memjcache.boot;

import dev.memjcache.config.CacheDefaults;
import dev.memjcache.config.MemJCacheSettings;
import dev.memjcache.config.SettingsParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * Turns {@link MemJCacheProperties} into the Properties handed to {@code
 * CachingProvider.getCacheManager} under the provider's option names (docs/configuration.md): only
 * the properties that are set, so that everything else keeps the value of the URI or properties
 * file, or the provider's default. The provider checks every value and names the option in its
 * error.
 */
final class ProviderOptions {

  /** One top-level option: its provider name and how its value is read and written. */
  private record Option(String name, Function<MemJCacheProperties, Object> value) {}

  // TLS, protocol and topology options are named as on the branches adding them to the provider.
  private static final List<Option> OPTIONS =
      List.of(
          new Option(MemJCacheSettings.SERVERS, MemJCacheProperties::getServers),
          new Option(MemJCacheSettings.ALLOW_PACKAGES, MemJCacheProperties::getAllowPackages),
          new Option(MemJCacheSettings.FAILURE_MODE, MemJCacheProperties::getFailureMode),
          new Option(
              MemJCacheSettings.OPERATION_TIMEOUT_MILLIS,
              MemJCacheProperties::getOperationTimeoutMillis),
          new Option(
              MemJCacheSettings.CONNECT_TIMEOUT_MILLIS,
              MemJCacheProperties::getConnectTimeoutMillis),
          new Option(MemJCacheSettings.KEY_PREFIX, MemJCacheProperties::getKeyPrefix),
          new Option(
              MemJCacheSettings.SERVER_FAILURE_LIMIT, MemJCacheProperties::getServerFailureLimit),
          new Option(
              MemJCacheSettings.SERVER_RETRY_MILLIS, MemJCacheProperties::getServerRetryMillis),
          new Option(
              MemJCacheSettings.RECONNECT_DELAY_SECONDS,
              MemJCacheProperties::getReconnectDelaySeconds),
          new Option(
              MemJCacheSettings.GENERATION_REFRESH_MILLIS,
              MemJCacheProperties::getGenerationRefreshMillis),
          new Option(
              MemJCacheSettings.MAX_ASYNC_OPERATIONS, MemJCacheProperties::getMaxAsyncOperations),
          new Option(MemJCacheSettings.ASYNC_COMPLETION, MemJCacheProperties::getAsyncCompletion),
          new Option(
              MemJCacheSettings.EXPTIME_MARGIN_SECONDS,
              MemJCacheProperties::getExptimeMarginSeconds),
          new Option(MemJCacheSettings.USERNAME, MemJCacheProperties::getUsername),
          new Option(MemJCacheSettings.PASSWORD, MemJCacheProperties::getPassword),
          new Option("tls", MemJCacheProperties::getTls),
          new Option("trustStore", MemJCacheProperties::getTrustStore),
          new Option("trustStoreType", MemJCacheProperties::getTrustStoreType),
          new Option("trustStorePassword", MemJCacheProperties::getTrustStorePassword),
          new Option("keyStore", MemJCacheProperties::getKeyStore),
          new Option("keyStoreType", MemJCacheProperties::getKeyStoreType),
          new Option("keyStorePassword", MemJCacheProperties::getKeyStorePassword),
          new Option("tlsHostname", MemJCacheProperties::getTlsHostname),
          new Option("protocol", MemJCacheProperties::getProtocol),
          new Option("proxy", MemJCacheProperties::getProxy),
          new Option("keyIndex", MemJCacheProperties::getKeyIndex),
          new Option("maxItemBytes", MemJCacheProperties::getMaxItemBytes),
          new Option("configEndpoint", MemJCacheProperties::getConfigEndpoint),
          new Option("configPollMillis", MemJCacheProperties::getConfigPollMillis));

  private ProviderOptions() {}

  /**
   * The provider options set in {@code properties}.
   *
   * @return provider option name to value, as the provider parses them
   * @throws IllegalStateException if {@code memjcache.servers} holds a URI other than the
   *     provider's default source (see {@link #checkServers})
   */
  static Properties of(MemJCacheProperties properties) {
    Properties result = new Properties();
    forEach(properties, result::setProperty);
    checkServers(result);
    return result;
  }

  /**
   * The options that are set, as {@code [name=value, ...]} with every password {@code (hidden)}.
   */
  static String describe(MemJCacheProperties properties) {
    StringJoiner text = new StringJoiner(", ", "[", "]");
    forEach(
        properties, (name, value) -> text.add(name + "=" + (isSecret(name) ? "(hidden)" : value)));
    return text.toString();
  }

  /**
   * Whether a provider option or Spring property key names a secret: it ends with {@code password},
   * whatever its case and separators ({@code password}, {@code trustStorePassword}, {@code
   * memjcache.key-store-password}, {@code MEMJCACHE_PASSWORD}).
   */
  static boolean isSecret(String key) {
    return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").endsWith("password");
  }

  private interface Sink {
    void put(String option, String value);
  }

  private static void forEach(MemJCacheProperties properties, Sink sink) {
    for (Option option : OPTIONS) {
      String text = text(option.value().apply(properties));
      if (text != null) {
        sink.put(option.name(), text);
      }
    }
    for (Map.Entry<String, CacheOptions> e : properties.getCaches().entrySet()) {
      String prefix = CacheDefaults.PREFIX + e.getKey() + ".";
      CacheOptions cache = e.getValue();
      putIfSet(sink, prefix + CacheDefaults.EXPIRY, cache.getExpiry());
      putIfSet(sink, prefix + CacheDefaults.STATISTICS, cache.getStatistics());
      putIfSet(sink, prefix + CacheDefaults.MANAGEMENT, cache.getManagement());
      putIfSet(sink, prefix + CacheDefaults.LOAD_LEASE_MILLIS, cache.getLoadLease());
    }
  }

  private static void putIfSet(Sink sink, String option, Object value) {
    String text = text(value);
    if (text != null) {
      sink.put(option, text);
    }
  }

  /** The provider's text of a bound value: durations in milliseconds, enums by option value. */
  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof Duration d) {
      return Long.toString(d.toMillis());
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT);
    }
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      list.forEach(item -> items.add(String.valueOf(item).trim()));
      return String.join(",", items);
    }
    return value.toString();
  }

  /**
   * A URI in {@code memjcache.servers} (the form {@code -Dmemjcache.servers} and {@code
   * MEMJCACHE_SERVERS} have always taken, which Spring binds to this property too) is left to the
   * provider when it is the provider's own default source: the manager of the default URI reads it,
   * query options included, and the other properties override those. Any other URI is refused: the
   * provider's {@code servers} option is a server list, and the options of a {@code
   * memcached://...?x=y} URI would be lost. The message never repeats the value, which could hold a
   * password.
   */
  private static void checkServers(Properties options) {
    String servers = options.getProperty(MemJCacheSettings.SERVERS);
    if (servers == null || !servers.contains(":/")) {
      return;
    }
    String providerDefault;
    try {
      providerDefault = SettingsParser.defaultUri().toString();
    } catch (IllegalArgumentException e) {
      providerDefault = null;
    }
    if (providerDefault != null && withoutBlanks(providerDefault).equals(withoutBlanks(servers))) {
      options.remove(MemJCacheSettings.SERVERS);
      return;
    }
    throw new IllegalStateException(
        "memjcache.servers holds a URI; it takes a server list only "
            + "(memjcache.servers=host:port,host:port), with each option as a property of its "
            + "own (memjcache.allow-packages=..., memjcache.failure-mode=...); a properties file "
            + "is named with spring.cache.jcache.config");
  }

  private static String withoutBlanks(String text) {
    return text.replaceAll("\\s+", "");
  }
}
