package dev.memjcache.spi;

import dev.memjcache.MemcachedCacheManager;
import dev.memjcache.config.MemJCacheSettings;
import dev.memjcache.config.SettingsParser;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The MemJCache {@link CachingProvider} (JSR-107 chapter 11), registered in {@code
 * META-INF/services/javax.cache.spi.CachingProvider}, so {@code Caching.getCachingProvider()} finds
 * it.
 *
 * <p>CacheManagers are scoped by class loader and URI, as the spec says: the same pair returns the
 * same open manager. The URI is {@code memcached://host:port[,host:port...]?option=value...}, a
 * {@code classpath:} URI or any URL this JVM can open ({@code file:}, {@code jar:}, Spring Boot's
 * {@code nested:}, {@code vfs:}, {@code wsjar:}, {@code bundle:}) of a properties file, or a
 * name-only URI such as {@code urn:orders} for a manager on the default servers (see {@link
 * SettingsParser#parse}).
 *
 * <p>The default URI is the name {@value #DEFAULT_URI_NAME} (as Ehcache's is {@code
 * urn:X-ehcache:jsr107-default-config}); its manager reads its servers and options from the system
 * property {@code memjcache.servers}, then the environment variable {@code MEMJCACHE_SERVERS}, then
 * {@code memcached://127.0.0.1:11211} (see {@link SettingsParser#defaultUri()}). A name keeps the
 * manager's URI, and so the JMX names of its MXBeans ({@code
 * javax.cache:type=CacheStatistics,CacheManager=urn.memjcache.default,...}), free of the {@code , =
 * ?} that a server list or query holds: tools that build those names from {@code getURI()} with
 * {@code ':'} as the only escape (Micrometer's {@code JCacheMetrics}, behind Spring Boot's cache
 * metrics) find them, whatever {@code memjcache.servers} says.
 *
 * <p>{@link OptionalFeature#STORE_BY_REFERENCE} is not supported: memcached holds bytes, so a
 * configuration asking for store-by-reference keeps its flag (as {@code getConfiguration()} and the
 * CacheMXBean report it) but is still stored by value: values are always copies.
 */
public final class MemcachedCachingProvider implements CachingProvider {

  /** The text of {@link #getDefaultURI()}. */
  public static final String DEFAULT_URI_NAME = "urn:memjcache:default";

  private static final URI DEFAULT_URI = URI.create(DEFAULT_URI_NAME);

  private final Map<ClassLoader, Map<URI, MemcachedCacheManager>> managers = new WeakHashMap<>();

  /**
   * {@link CachingProvider#getCacheManager(URI, ClassLoader, Properties)}.
   *
   * @param uri the manager's URI, or null for {@link #getDefaultURI()}
   * @param classLoader the class loader, or null for {@link #getDefaultClassLoader()}
   * @param properties options overriding the URI's, or null for none
   * @throws CacheException when the URI or an option is invalid, or the client cannot be created
   */
  @Override
  public synchronized CacheManager getCacheManager(
      URI uri, ClassLoader classLoader, Properties properties) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    Properties props = properties == null ? new Properties() : properties;
    Map<URI, MemcachedCacheManager> byUri = managers.computeIfAbsent(loader, k -> new HashMap<>());
    MemcachedCacheManager manager = byUri.get(managerUri);
    if (manager == null || manager.isClosed()) {
      MemJCacheSettings settings;
      try {
        URI location = managerUri.equals(DEFAULT_URI) ? SettingsParser.defaultUri() : managerUri;
        settings = SettingsParser.parse(location, props, loader);
      } catch (IllegalArgumentException e) {
        throw new CacheException(
            "invalid MemJCache configuration "
                + SettingsParser.redacted(managerUri)
                + ": "
                + e.getMessage(),
            e);
      }
      manager = new MemcachedCacheManager(this, managerUri, loader, props, settings);
      byUri.put(managerUri, manager);
    }
    return manager;
  }

  /** The default class loader: the one that loaded this provider. */
  @Override
  public ClassLoader getDefaultClassLoader() {
    return getClass().getClassLoader();
  }

  /**
   * The default URI, {@value #DEFAULT_URI_NAME}: a name whose manager uses the servers and options
   * of {@code memjcache.servers}, {@code MEMJCACHE_SERVERS}, or {@code 127.0.0.1:11211}, read when
   * the manager is created.
   */
  @Override
  public URI getDefaultURI() {
    return DEFAULT_URI;
  }

  /** No default properties: options come from the URI. */
  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  /** {@link #getCacheManager(URI, ClassLoader, Properties)} with no properties. */
  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  /** The manager of the default URI and class loader. */
  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader());
  }

  /** Closes every manager of this provider (their caches' data stays in memcached). */
  @Override
  public void close() {
    List<MemcachedCacheManager> all = new ArrayList<>();
    synchronized (this) {
      managers.values().forEach(byUri -> all.addAll(byUri.values()));
      managers.clear();
    }
    closeAll(all);
  }

  /** Closes the managers of one class loader. */
  @Override
  public void close(ClassLoader classLoader) {
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    List<MemcachedCacheManager> all = new ArrayList<>();
    synchronized (this) {
      Map<URI, MemcachedCacheManager> byUri = managers.remove(loader);
      if (byUri != null) {
        all.addAll(byUri.values());
      }
    }
    closeAll(all);
  }

  /** Closes the manager of one URI and class loader, if open. */
  @Override
  public void close(URI uri, ClassLoader classLoader) {
    URI managerUri = uri == null ? getDefaultURI() : uri;
    ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
    MemcachedCacheManager manager;
    synchronized (this) {
      Map<URI, MemcachedCacheManager> byUri = managers.get(loader);
      manager = byUri == null ? null : byUri.remove(managerUri);
    }
    if (manager != null) {
      manager.close();
    }
  }

  /** Only {@link OptionalFeature#STORE_BY_REFERENCE} exists, and it is not supported. */
  @Override
  public boolean isSupported(OptionalFeature optionalFeature) {
    return false;
  }

  /** Forgets a manager that closed itself. */
  public synchronized void release(MemcachedCacheManager manager) {
    Map<URI, MemcachedCacheManager> byUri = managers.get(manager.getClassLoader());
    if (byUri != null) {
      byUri.remove(manager.getURI(), manager);
    }
  }

  private static void closeAll(List<MemcachedCacheManager> all) {
    RuntimeException first = null;
    for (MemcachedCacheManager manager : all) {
      try {
        manager.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
