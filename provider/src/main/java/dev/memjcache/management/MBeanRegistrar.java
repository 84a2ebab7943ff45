package dev.memjcache.management;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Objects;
import javax.cache.CacheException;
import javax.cache.management.CacheMXBean;
import javax.cache.management.CacheStatisticsMXBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers a cache's MXBeans in the platform MBeanServer ({@link
 * ManagementFactory#getPlatformMBeanServer()}) under the names JSR-107 section 12.2 and the TCK
 * use:
 *
 * <pre>
 * javax.cache:type=CacheConfiguration|CacheStatistics,CacheManager=&lt;manager URI&gt;,Cache=&lt;cache name&gt;
 * </pre>
 *
 * <p>ObjectName values may not contain {@code , : = "} or a newline, and {@code * ?} would make the
 * name a pattern; each of these characters is replaced by {@code .} (the TCK builds its names the
 * same way for {@code , : = } and newline, so {@code memcached://127.0.0.1:11211} becomes {@code
 * memcached.//127.0.0.1.11211}). Two different names can therefore map to the same ObjectName; the
 * first registration wins (see {@link #register}).
 *
 * <p>Registration follows {@code CacheManager.enableManagement}/{@code enableStatistics} and cache
 * creation; unregistration follows disabling, {@code destroyCache}, {@code Cache.close()} and
 * {@code CacheManager.close()}.
 */
public final class MBeanRegistrar {

  private static final String DOMAIN = "javax.cache";

  /** The domain of MemJCache's own MXBeans (JSR-107's are under {@code javax.cache}). */
  private static final String MANAGER_DOMAIN = "dev.memjcache";

  private MBeanRegistrar() {}

  /**
   * Returns the ObjectName of a cache's MXBean, for example {@code
   * javax.cache:type=CacheStatistics,CacheManager=memcached.//127.0.0.1.11211,Cache=users}.
   *
   * @param type which MXBean
   * @param cacheManagerUri the CacheManager's URI ({@code CacheManager.getURI()})
   * @param cacheName the cache's name
   * @return the name, never a pattern
   * @throws NullPointerException if an argument is {@code null}
   * @throws CacheException if no valid ObjectName can be built
   */
  public static ObjectName objectName(MBeanType type, URI cacheManagerUri, String cacheName) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(cacheManagerUri, "cacheManagerUri");
    Objects.requireNonNull(cacheName, "cacheName");
    String name =
        DOMAIN
            + ":type="
            + type.typeName()
            + ",CacheManager="
            + safe(cacheManagerUri.toString())
            + ",Cache="
            + safe(cacheName);
    try {
      return new ObjectName(name);
    } catch (MalformedObjectNameException e) {
      throw new CacheException(
          "Illegal JMX ObjectName "
              + name
              + " for cache "
              + cacheName
              + " of CacheManager "
              + cacheManagerUri
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Registers {@code mbean} under {@link #objectName(MBeanType, URI, String)}. Idempotent: if that
   * name is already registered (by this or an earlier call, even with another object) nothing
   * changes.
   *
   * @param type which MXBean
   * @param cacheManagerUri the CacheManager's URI
   * @param cacheName the cache's name
   * @param mbean a {@link CacheMXBean} for {@link MBeanType#CONFIGURATION}, a {@link
   *     CacheStatisticsMXBean} for {@link MBeanType#STATISTICS}
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if {@code mbean} does not implement the interface of {@code
   *     type}
   * @throws CacheException naming the ObjectName if the MBeanServer refuses the registration (for
   *     example a non-compliant MXBean or a security manager)
   */
  public static void register(MBeanType type, URI cacheManagerUri, String cacheName, Object mbean) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mbean, "mbean");
    Class<?> expected =
        type == MBeanType.CONFIGURATION ? CacheMXBean.class : CacheStatisticsMXBean.class;
    if (!expected.isInstance(mbean)) {
      throw new IllegalArgumentException(
          "An MXBean of type "
              + type.typeName()
              + " must implement "
              + expected.getName()
              + ", got "
              + mbean.getClass().getName());
    }
    registerAt(objectName(type, cacheManagerUri, cacheName), mbean);
  }

  /**
   * Unregisters the MXBean registered under {@link #objectName(MBeanType, URI, String)}; does
   * nothing if none is registered.
   *
   * @param type which MXBean
   * @param cacheManagerUri the CacheManager's URI
   * @param cacheName the cache's name
   * @throws NullPointerException if an argument is {@code null}
   * @throws CacheException naming the ObjectName if the MBeanServer refuses the unregistration
   */
  public static void unregister(MBeanType type, URI cacheManagerUri, String cacheName) {
    unregisterAt(objectName(type, cacheManagerUri, cacheName));
  }

  /**
   * Returns the ObjectName of a CacheManager's {@link MemcachedCacheManagerMXBean}: {@code
   * dev.memjcache:type=CacheManager,uri=<the URI, quoted>}, the URI quoted by {@link
   * ObjectName#quote} so that {@code , = : " * ?} and newlines in it keep the name valid and
   * distinct, for example {@code
   * dev.memjcache:type=CacheManager,uri="memcached://a:11211,b:11211?keyPrefix=x"}; {@link
   * ObjectName#unquote} of the {@code uri} key gives the URI back.
   *
   * @param cacheManagerUri the CacheManager's URI ({@code CacheManager.getURI()})
   * @return the name, never a pattern
   * @throws NullPointerException if {@code cacheManagerUri} is null
   */
  public static ObjectName cacheManagerObjectName(URI cacheManagerUri) {
    String name =
        MANAGER_DOMAIN
            + ":type=CacheManager,uri="
            + ObjectName.quote(
                Objects.requireNonNull(cacheManagerUri, "cacheManagerUri").toString());
    try {
      return new ObjectName(name);
    } catch (MalformedObjectNameException e) {
      throw new CacheException("Illegal JMX ObjectName " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Registers a CacheManager's MXBean under {@link #cacheManagerObjectName}. When a manager of the
   * same URI (from another class loader) holds the name already, nothing changes and false is
   * returned, so that only the registering manager unregisters it.
   *
   * @return true when this call registered {@code mbean}
   * @throws NullPointerException if an argument is null
   * @throws CacheException naming the ObjectName if the MBeanServer refuses the registration
   */
  public static boolean registerCacheManager(
      URI cacheManagerUri, MemcachedCacheManagerMXBean mbean) {
    return registerAt(cacheManagerObjectName(cacheManagerUri), Objects.requireNonNull(mbean));
  }

  /**
   * Unregisters the MXBean under {@link #cacheManagerObjectName}; does nothing if none is.
   *
   * @throws CacheException naming the ObjectName if the MBeanServer refuses the unregistration
   */
  public static void unregisterCacheManager(URI cacheManagerUri) {
    unregisterAt(cacheManagerObjectName(cacheManagerUri));
  }

  /** Registers {@code mbean} unless {@code name} is taken; true when this call registered it. */
  private static boolean registerAt(ObjectName name, Object mbean) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    if (server.isRegistered(name)) {
      return false;
    }
    try {
      server.registerMBean(mbean, name);
      return true;
    } catch (InstanceAlreadyExistsException e) {
      // Another thread registered the same name between the check and the call: still a no-op.
      return false;
    } catch (Exception e) {
      throw new CacheException("Failed to register MXBean " + name + ": " + e, e);
    }
  }

  private static void unregisterAt(ObjectName name) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    if (!server.isRegistered(name)) {
      return;
    }
    try {
      server.unregisterMBean(name);
    } catch (InstanceNotFoundException e) {
      // Unregistered concurrently: the outcome the caller asked for.
    } catch (Exception e) {
      throw new CacheException("Failed to unregister MXBean " + name + ": " + e, e);
    }
  }

  /** Replaces the characters an unquoted ObjectName value may not hold (or that make a pattern). */
  private static String safe(String value) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case ',', ':', '=', '"', '*', '?', '\n' -> out.append('.');
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
