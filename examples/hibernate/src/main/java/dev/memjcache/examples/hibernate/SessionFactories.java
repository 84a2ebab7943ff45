package dev.memjcache.examples.hibernate;

import java.util.LinkedHashMap;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

/**
 * Builds a SessionFactory whose second-level cache is MemJCache. The settings MemJCache needs are
 * the three in {@link #secondLevelCache(String)}; the rest is ordinary Hibernate.
 */
public final class SessionFactories {

  private SessionFactories() {}

  /**
   * The second-level-cache settings: Hibernate's JCache region factory, MemJCache as its provider,
   * and the CacheManager URI.
   *
   * @param cacheUri {@code hibernate.javax.cache.uri}: a resource Hibernate resolves to a URL (a
   *     class-path name such as {@code memjcache.properties}, or a {@code file:} URL) of a
   *     properties file holding {@code servers=host:port,...}; null to use the provider's default
   *     URI (system property {@code memjcache.servers}, environment variable {@code
   *     MEMJCACHE_SERVERS}, else {@code 127.0.0.1:11211})
   * @return the settings, in a new mutable map
   */
  public static Map<String, String> secondLevelCache(String cacheUri) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("hibernate.cache.region.factory_class", "jcache");
    s.put("hibernate.javax.cache.provider", "dev.memjcache.spi.MemcachedCachingProvider");
    if (cacheUri != null) {
      s.put("hibernate.javax.cache.uri", cacheUri);
    }
    // Hibernate creates its caches (regions) on demand; "create" skips its warning per region.
    s.put("hibernate.javax.cache.missing_cache_strategy", "create");
    s.put("hibernate.cache.use_second_level_cache", "true");
    s.put("hibernate.cache.use_query_cache", "true");
    return s;
  }

  /**
   * Opens a SessionFactory of {@link Author} and {@link Book} on an H2 database.
   *
   * @param jdbcUrl the H2 URL, for example {@code jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1}
   * @param regionPrefix {@code hibernate.cache.region_prefix}: keeps this database's regions apart
   *     from another database's on the same memcached; null for none
   * @param cacheUri see {@link #secondLevelCache(String)}
   * @param extra further Hibernate settings, overriding the others (for example {@code
   *     hibernate.hbm2ddl.auto})
   * @param moreEntities entity classes besides {@link Author} and {@link Book}
   * @return the open SessionFactory, with statistics on
   */
  public static SessionFactory open(
      String jdbcUrl,
      String regionPrefix,
      String cacheUri,
      Map<String, String> extra,
      Class<?>... moreEntities) {
    Configuration cfg =
        new Configuration().addAnnotatedClass(Author.class).addAnnotatedClass(Book.class);
    for (Class<?> entity : moreEntities) {
      cfg.addAnnotatedClass(entity);
    }
    Map<String, String> settings = secondLevelCache(cacheUri);
    if (regionPrefix != null) {
      settings.put("hibernate.cache.region_prefix", regionPrefix);
    }
    settings.put("hibernate.generate_statistics", "true");
    settings.put("jakarta.persistence.jdbc.url", jdbcUrl);
    settings.put("jakarta.persistence.jdbc.user", "sa");
    settings.put("jakarta.persistence.jdbc.password", "");
    settings.put("hibernate.hbm2ddl.auto", "create-drop");
    settings.putAll(extra);
    settings.forEach(cfg::setProperty);
    return cfg.buildSessionFactory();
  }
}
