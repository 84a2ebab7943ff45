package dev.memjcache.config;

import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * How a CacheManager encrypts its connections: TLS to memcached started with {@code -Z}
 * (memcached's {@code tls.txt}), or none. The options carry the JDK's names ({@code
 * javax.net.ssl.trustStore}, ...) without the prefix: {@code tls}, {@code trustStore}, {@code
 * trustStoreType}, {@code trustStorePassword}, {@code keyStore}, {@code keyStoreType}, {@code
 * keyStorePassword} and {@code tlsHostname} (docs/tls-and-proxies.md).
 *
 * <p>The store passwords follow the rule of the SASL {@code password} ({@link Credentials}): only
 * from a properties file or the Properties given to {@code getCacheManager}, never from a {@code
 * memcached://} URI; {@link #toString()} and {@link #addTo(Properties)} never show them. Immutable
 * and thread-safe.
 */
public final class TlsSettings {

  /** The default of {@code trustStoreType} and {@code keyStoreType}. */
  public static final String DEFAULT_STORE_TYPE = "PKCS12";

  /** Plain TCP (the default): option {@code tls} is false. */
  public static final TlsSettings NONE =
      new TlsSettings(false, null, DEFAULT_STORE_TYPE, null, null, DEFAULT_STORE_TYPE, null, null);

  private final boolean enabled;
  private final String trustStore;
  private final String trustStoreType;
  private final String trustStorePassword;
  private final String keyStore;
  private final String keyStoreType;
  private final String keyStorePassword;
  private final String hostname;

  TlsSettings(
      boolean enabled,
      String trustStore,
      String trustStoreType,
      String trustStorePassword,
      String keyStore,
      String keyStoreType,
      String keyStorePassword,
      String hostname) {
    this.enabled = enabled;
    this.trustStore = trustStore;
    this.trustStoreType = Objects.requireNonNull(trustStoreType);
    this.trustStorePassword = trustStorePassword;
    this.keyStore = keyStore;
    this.keyStoreType = Objects.requireNonNull(keyStoreType);
    this.keyStorePassword = keyStorePassword;
    this.hostname = hostname;
  }

  /**
   * Option {@code tls}, default false: whether every connection (spymemcached's and MemJCache's
   * own) is TLS.
   *
   * @return true for TLS
   */
  public boolean enabled() {
    return enabled;
  }

  /**
   * Option {@code trustStore}: the trust store that holds the CA (or self-signed) certificates the
   * servers' certificates must chain to: a file path, a {@code classpath:} resource name (resolved
   * through the CacheManager's class loader) or a URL ({@code file:}, {@code jar:}, ...). Empty:
   * the JVM's default trust store ({@code javax.net.ssl.trustStore}, else the JDK's {@code
   * cacerts}).
   *
   * @return the location as given
   */
  public Optional<String> trustStore() {
    return Optional.ofNullable(trustStore);
  }

  /**
   * Option {@code trustStoreType}, default {@code PKCS12}: the {@link java.security.KeyStore} type
   * of {@link #trustStore()} ({@code PKCS12}, {@code JKS}).
   *
   * @return the type
   */
  public String trustStoreType() {
    return trustStoreType;
  }

  /**
   * Option {@code trustStorePassword}: the trust store's password; null when not given (the store
   * is then read without an integrity check). Only the connection layer calls this: never log or
   * show the result.
   *
   * @return the password, or null
   */
  public String trustStorePassword() {
    return trustStorePassword;
  }

  /**
   * Option {@code keyStore}: the client's key store for mutual TLS (memcached's {@code
   * ssl_verify_mode=2} or 3, with {@code ssl_ca_cert}): a path, {@code classpath:} name or URL as
   * for {@link #trustStore()}. Empty: no client certificate.
   *
   * @return the location as given
   */
  public Optional<String> keyStore() {
    return Optional.ofNullable(keyStore);
  }

  /**
   * Option {@code keyStoreType}, default {@code PKCS12}: the {@link java.security.KeyStore} type of
   * {@link #keyStore()}.
   *
   * @return the type
   */
  public String keyStoreType() {
    return keyStoreType;
  }

  /**
   * Option {@code keyStorePassword}: the key store's password, also that of its private key; null
   * when not given. Only the connection layer calls this: never log or show the result.
   *
   * @return the password, or null
   */
  public String keyStorePassword() {
    return keyStorePassword;
  }

  /**
   * Option {@code tlsHostname}: the name every server's certificate is verified against (for a
   * server list of IP addresses, or a proxy in front of named servers). Empty: each server is
   * verified against its own host or IP address as written in the server list.
   *
   * @return the name
   */
  public Optional<String> hostname() {
    return Optional.ofNullable(hostname);
  }

  /**
   * Adds the options to {@code p} as {@link MemJCacheSettings#asProperties()} does: {@code tls},
   * and when TLS is on the store locations, types and {@code tlsHostname} that are set; never a
   * password.
   *
   * @param p the properties to add to
   */
  public void addTo(Properties p) {
    p.setProperty(MemJCacheSettings.TLS, Boolean.toString(enabled));
    if (!enabled) {
      return;
    }
    if (trustStore != null) {
      p.setProperty(MemJCacheSettings.TRUST_STORE, trustStore);
      p.setProperty(MemJCacheSettings.TRUST_STORE_TYPE, trustStoreType);
    }
    if (keyStore != null) {
      p.setProperty(MemJCacheSettings.KEY_STORE, keyStore);
      p.setProperty(MemJCacheSettings.KEY_STORE_TYPE, keyStoreType);
    }
    if (hostname != null) {
      p.setProperty(MemJCacheSettings.TLS_HOSTNAME, hostname);
    }
  }

  /** Adds {@code <option>=(hidden)} for each password that is set, for a {@code toString()}. */
  void hidePasswords(java.util.Map<Object, Object> shown) {
    if (trustStorePassword != null) {
      shown.put(MemJCacheSettings.TRUST_STORE_PASSWORD, "(hidden)");
    }
    if (keyStorePassword != null) {
      shown.put(MemJCacheSettings.KEY_STORE_PASSWORD, "(hidden)");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TlsSettings t
        && enabled == t.enabled
        && Objects.equals(trustStore, t.trustStore)
        && trustStoreType.equals(t.trustStoreType)
        && Objects.equals(trustStorePassword, t.trustStorePassword)
        && Objects.equals(keyStore, t.keyStore)
        && keyStoreType.equals(t.keyStoreType)
        && Objects.equals(keyStorePassword, t.keyStorePassword)
        && Objects.equals(hostname, t.hostname);
  }

  /** Leaves the passwords out, as {@link Credentials#hashCode()} does. */
  @Override
  public int hashCode() {
    return Objects.hash(enabled, trustStore, trustStoreType, keyStore, keyStoreType, hostname);
  }

  /**
   * {@code TlsSettings[none]}, or the options with each password shown as {@code (hidden)}: {@code
   * TlsSettings[trustStore=/etc/memjcache/ca.p12 (PKCS12), trustStorePassword=(hidden),
   * tlsHostname=cache.example.com]}.
   */
  @Override
  public String toString() {
    if (!enabled) {
      return "TlsSettings[none]";
    }
    StringBuilder s = new StringBuilder("TlsSettings[trustStore=");
    s.append(trustStore == null ? "(JVM default)" : trustStore + " (" + trustStoreType + ")");
    if (trustStorePassword != null) {
      s.append(", trustStorePassword=(hidden)");
    }
    if (keyStore != null) {
      s.append(", keyStore=").append(keyStore).append(" (").append(keyStoreType).append(')');
      if (keyStorePassword != null) {
        s.append(", keyStorePassword=(hidden)");
      }
    }
    if (hostname != null) {
      s.append(", tlsHostname=").append(hostname);
    }
    return s.append(']').toString();
  }
}
