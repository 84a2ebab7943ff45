package dev.memjcache.boot;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.convert.DurationUnit;

/**
 * The connection options of {@link MemJCacheProperties} (under {@code memjcache.*}): TLS, the wire
 * protocol, and how the servers are found and what they are (a proxy, a discovery endpoint), as in
 * docs/tls-and-proxies.md. Each is null until set.
 */
public abstract class MemJCacheConnectionProperties {

  /** Whether the connections to memcached use TLS (memcached built with TLS, started with -Z). */
  private Boolean tls;

  /** Trust store holding the certificates that verify the servers' certificates (TLS). */
  private String trustStore;

  /** Type of the trust store, such as PKCS12 or JKS. */
  private String trustStoreType;

  /** Password of the trust store; masked in /actuator/env and /actuator/configprops. */
  private String trustStorePassword;

  /** Key store holding this client's certificate and key, for servers that verify clients (TLS). */
  private String keyStore;

  /** Type of the key store, such as PKCS12 or JKS. */
  private String keyStoreType;

  /** Password of the key store; masked in /actuator/env and /actuator/configprops. */
  private String keyStorePassword;

  /** Host name the servers' TLS certificates are verified against, instead of each server's. */
  private String tlsHostname;

  /** memcached protocol spoken to the servers: binary or text. */
  private String protocol;

  /**
   * Whether the listed server is a proxy that routes keys itself (twemproxy, mcrouter, memcached's
   * proxy, ElastiCache Serverless); implies protocol=text. Default false.
   */
  private Boolean proxy;

  /**
   * Behind a proxy only (refused otherwise): whether each cache keeps a key index the proxy routes,
   * so iterator() and an observed removeAll() work, at one append more per write that may create an
   * entry. Default true with proxy=true.
   */
  private Boolean keyIndex;

  /**
   * Largest item the servers take, in bytes, used when stats settings cannot be read (always behind
   * a proxy); 0 means memcached's 1 MiB. Default 0.
   */
  private Integer maxItemBytes;

  /**
   * Discovery endpoint, host:port, answering config get cluster (ElastiCache node-based clusters,
   * Memorystore for Memcached), whose node list replaces the server list; then leave servers out.
   */
  private String configEndpoint;

  /** How often the discovery endpoint is asked for a newer node list; a number is milliseconds. */
  @DurationUnit(ChronoUnit.MILLIS)
  private Duration configPollMillis;

  /**
   * Whether TLS is on, or null when not set.
   *
   * @return true for TLS
   */
  public Boolean getTls() {
    return tls;
  }

  /**
   * Turns TLS on or off.
   *
   * @param tls true for TLS
   */
  public void setTls(Boolean tls) {
    this.tls = tls;
  }

  /**
   * The trust store, or null when not set.
   *
   * @return its location
   */
  public String getTrustStore() {
    return trustStore;
  }

  /**
   * Sets the trust store.
   *
   * @param trustStore its location
   */
  public void setTrustStore(String trustStore) {
    this.trustStore = trustStore;
  }

  /**
   * The trust store type, or null when not set.
   *
   * @return the type
   */
  public String getTrustStoreType() {
    return trustStoreType;
  }

  /**
   * Sets the trust store type.
   *
   * @param trustStoreType the type
   */
  public void setTrustStoreType(String trustStoreType) {
    this.trustStoreType = trustStoreType;
  }

  /**
   * The trust store password, or null when not set.
   *
   * @return the password
   */
  public String getTrustStorePassword() {
    return trustStorePassword;
  }

  /**
   * Sets the trust store password.
   *
   * @param trustStorePassword the password
   */
  public void setTrustStorePassword(String trustStorePassword) {
    this.trustStorePassword = trustStorePassword;
  }

  /**
   * The key store, or null when not set.
   *
   * @return its location
   */
  public String getKeyStore() {
    return keyStore;
  }

  /**
   * Sets the key store.
   *
   * @param keyStore its location
   */
  public void setKeyStore(String keyStore) {
    this.keyStore = keyStore;
  }

  /**
   * The key store type, or null when not set.
   *
   * @return the type
   */
  public String getKeyStoreType() {
    return keyStoreType;
  }

  /**
   * Sets the key store type.
   *
   * @param keyStoreType the type
   */
  public void setKeyStoreType(String keyStoreType) {
    this.keyStoreType = keyStoreType;
  }

  /**
   * The key store password, or null when not set.
   *
   * @return the password
   */
  public String getKeyStorePassword() {
    return keyStorePassword;
  }

  /**
   * Sets the key store password.
   *
   * @param keyStorePassword the password
   */
  public void setKeyStorePassword(String keyStorePassword) {
    this.keyStorePassword = keyStorePassword;
  }

  /**
   * The TLS host name, or null when not set.
   *
   * @return the host name
   */
  public String getTlsHostname() {
    return tlsHostname;
  }

  /**
   * Sets the TLS host name.
   *
   * @param tlsHostname the host name
   */
  public void setTlsHostname(String tlsHostname) {
    this.tlsHostname = tlsHostname;
  }

  /**
   * The protocol, or null when not set.
   *
   * @return binary or text
   */
  public String getProtocol() {
    return protocol;
  }

  /**
   * Sets the protocol.
   *
   * @param protocol binary or text
   */
  public void setProtocol(String protocol) {
    this.protocol = protocol;
  }

  /**
   * Whether the server is a proxy, or null when not set.
   *
   * @return true behind a proxy
   */
  public Boolean getProxy() {
    return proxy;
  }

  /**
   * Sets whether the server is a proxy.
   *
   * @param proxy true behind a proxy
   */
  public void setProxy(Boolean proxy) {
    this.proxy = proxy;
  }

  /**
   * Whether caches keep a key index, or null when not set.
   *
   * @return true for a key index
   */
  public Boolean getKeyIndex() {
    return keyIndex;
  }

  /**
   * Sets whether caches keep a key index.
   *
   * @param keyIndex true for a key index
   */
  public void setKeyIndex(Boolean keyIndex) {
    this.keyIndex = keyIndex;
  }

  /**
   * The largest item size in bytes, or null when not set.
   *
   * @return bytes, 0 for memcached's 1 MiB
   */
  public Integer getMaxItemBytes() {
    return maxItemBytes;
  }

  /**
   * Sets the largest item size.
   *
   * @param maxItemBytes bytes, 0 for memcached's 1 MiB
   */
  public void setMaxItemBytes(Integer maxItemBytes) {
    this.maxItemBytes = maxItemBytes;
  }

  /**
   * The discovery endpoint, or null when not set.
   *
   * @return host:port
   */
  public String getConfigEndpoint() {
    return configEndpoint;
  }

  /**
   * Sets the discovery endpoint.
   *
   * @param configEndpoint host:port
   */
  public void setConfigEndpoint(String configEndpoint) {
    this.configEndpoint = configEndpoint;
  }

  /**
   * The discovery poll interval, or null when not set.
   *
   * @return the interval
   */
  public Duration getConfigPollMillis() {
    return configPollMillis;
  }

  /**
   * Sets the discovery poll interval.
   *
   * @param configPollMillis the interval
   */
  public void setConfigPollMillis(Duration configPollMillis) {
    this.configPollMillis = configPollMillis;
  }
}
