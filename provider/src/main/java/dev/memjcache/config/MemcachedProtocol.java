package dev.memjcache.config;

import java.util.Locale;

/**
 * Which of memcached's wire protocols the client speaks (option {@code protocol};
 * docs/tls-and-proxies.md "The text protocol"). Every {@code Cache} and {@code AsyncCache}
 * operation gives the same guarantees in both; they differ in what the servers accept.
 */
public enum MemcachedProtocol {
  /**
   * memcached's binary protocol: the default; the only one with SASL ({@code username}, memcached
   * {@code -S}) and with a native delete-with-CAS. memcached deprecated it in 1.6.0.
   */
  BINARY,
  /**
   * memcached's text (ASCII) protocol: what every proxy (twemproxy, mcrouter, memcached's proxy)
   * and managed service (ElastiCache Serverless) accepts. No SASL; a conditional delete is sent as
   * a {@code cas} to an exptime in the past.
   */
  TEXT;

  /**
   * The option value of this choice as written in a URI or properties file.
   *
   * @return {@code "binary"} or {@code "text"}
   */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
