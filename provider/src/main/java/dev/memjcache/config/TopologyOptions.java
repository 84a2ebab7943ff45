package dev.memjcache.config;

import static dev.memjcache.config.MemJCacheSettings.CONFIG_ENDPOINT;
import static dev.memjcache.config.MemJCacheSettings.CONFIG_POLL_MILLIS;
import static dev.memjcache.config.MemJCacheSettings.KEY_INDEX;
import static dev.memjcache.config.MemJCacheSettings.MAX_ITEM_BYTES;
import static dev.memjcache.config.MemJCacheSettings.PROTOCOL;
import static dev.memjcache.config.MemJCacheSettings.PROXY;
import static dev.memjcache.config.MemJCacheSettings.SERVERS;

import dev.memjcache.config.SettingsParser.Value;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Parses how the servers are found and reached into a {@link MemJCacheSettings.Topology}: listed
 * ({@code servers}), read from a discovery endpoint ({@code configEndpoint}, {@code
 * configPollMillis}), or behind a proxy ({@code proxy}, {@code keyIndex}, {@code maxItemBytes}).
 * Options that exclude each other are errors that name where each came from.
 */
final class TopologyOptions {

  /** The option names, in the order of docs/configuration.md. */
  static final List<String> NAMES =
      List.of(CONFIG_ENDPOINT, CONFIG_POLL_MILLIS, PROXY, MAX_ITEM_BYTES, KEY_INDEX);

  private TopologyOptions() {}

  /**
   * The listed servers: empty when a discovery endpoint answers them.
   *
   * @throws IllegalArgumentException when both or neither of {@code servers} and {@code
   *     configEndpoint} are given, or a server is malformed
   */
  static List<InetSocketAddress> servers(URI uri, Map<String, Value> values) {
    Value servers = values.get(SERVERS);
    Value configEndpoint = values.get(CONFIG_ENDPOINT);
    if (configEndpoint != null && servers != null) {
      throw new IllegalArgumentException(
          "Option "
              + CONFIG_ENDPOINT
              + " ("
              + configEndpoint.source()
              + ") names a discovery endpoint, whose answer is the server list, but servers are"
              + " listed too ("
              + servers.source()
              + "): give one or the other, e.g. memcached:///?"
              + CONFIG_ENDPOINT
              + "=host:port");
    }
    if (servers == null && configEndpoint == null) {
      throw new IllegalArgumentException(
          "No memcached servers given for CacheManager URI '"
              + uri
              + "': name them in the URI (memcached://host:port[,host:port...]) or with the key "
              + SERVERS
              + "=host:port[,host:port...] in the properties file or Properties, or name a"
              + " discovery endpoint with "
              + CONFIG_ENDPOINT
              + "=host:port");
    }
    return servers == null ? List.of() : OptionValues.servers(servers.text(), servers.source());
  }

  /**
   * The topology options; {@code keyIndex} is refused without {@code proxy=true}, and {@code
   * proxy=true} with a discovery endpoint.
   */
  static MemJCacheSettings.Topology parse(Map<String, Value> values) {
    InetSocketAddress endpoint = null;
    Value configEndpoint = values.get(CONFIG_ENDPOINT);
    if (configEndpoint != null) {
      List<InetSocketAddress> endpoints =
          OptionValues.servers(configEndpoint.text(), configEndpoint.source());
      if (endpoints.size() != 1) {
        throw OptionValues.bad(
            CONFIG_ENDPOINT,
            configEndpoint.text(),
            configEndpoint.source(),
            "one host:port, the cluster's configuration endpoint");
      }
      endpoint = endpoints.get(0);
    }
    long configPoll = MemJCacheSettings.DEFAULT_CONFIG_POLL_MILLIS;
    boolean proxy = false;
    boolean keyIndex = true;
    int maxItemBytes = 0;
    for (String key : NAMES) {
      Value v = values.get(key);
      if (v == null) {
        continue;
      }
      switch (key) {
        case CONFIG_POLL_MILLIS -> configPoll = OptionValues.millis(key, v.text(), v.source(), 1);
        case PROXY -> proxy = OptionValues.bool(key, v.text(), v.source());
        case KEY_INDEX -> keyIndex = OptionValues.bool(key, v.text(), v.source());
        case MAX_ITEM_BYTES ->
            maxItemBytes =
                OptionValues.wholeNumber(key, v.text(), v.source(), 1024, 1024 * 1024 * 1024);
        default -> {} // CONFIG_ENDPOINT, above
      }
    }
    if (proxy && configEndpoint != null) {
      throw new IllegalArgumentException(
          "Options "
              + PROXY
              + "=true ("
              + values.get(PROXY).source()
              + ") and "
              + CONFIG_ENDPOINT
              + " ("
              + configEndpoint.source()
              + ") exclude each other: a proxy routes keys to servers it hides, a discovery"
              + " endpoint lists the servers for MemJCache to route to; use one of them");
    }
    if (!proxy && values.containsKey(KEY_INDEX)) {
      throw new IllegalArgumentException(
          "Option "
              + KEY_INDEX
              + " ("
              + values.get(KEY_INDEX).source()
              + ") applies only behind a proxy ("
              + PROXY
              + "=true): servers reached directly list their keys with 'lru_crawler metadump';"
              + " remove it, or set proxy=true");
    }
    return new MemJCacheSettings.Topology(
        endpoint, configPoll, proxy, maxItemBytes, proxy && keyIndex);
  }

  /**
   * The protocol {@code topology} speaks: {@code proxy=true} implies the text protocol (no proxy
   * forwards binary) and refuses an explicit other one.
   */
  static MemcachedProtocol protocol(
      MemJCacheSettings.Topology topology, Map<String, Value> values, MemcachedProtocol protocol) {
    if (!topology.proxy()) {
      return protocol;
    }
    if (values.containsKey(PROTOCOL) && protocol != MemcachedProtocol.TEXT) {
      throw new IllegalArgumentException(
          "Option "
              + PROXY
              + "=true ("
              + values.get(PROXY).source()
              + ") needs the text protocol, but "
              + PROTOCOL
              + "="
              + protocol.optionValue()
              + " ("
              + values.get(PROTOCOL).source()
              + "): proxies (twemproxy, mcrouter, memcached's proxy, ElastiCache Serverless) speak"
              + " the text protocol only; remove "
              + PROTOCOL
              + " or set it to text");
    }
    return MemcachedProtocol.TEXT;
  }
}
