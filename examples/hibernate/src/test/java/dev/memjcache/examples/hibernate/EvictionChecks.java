package dev.memjcache.examples.hibernate;

import dev.memjcache.MemcachedCache;
import java.math.BigDecimal;
import java.util.List;
import javax.cache.Cache;
import org.hibernate.SessionFactory;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;

/**
 * The queries and counts the eviction tests run in both JVMs: the same cacheable query as the query
 * cache serves it, and the same rows read from the database without any cache.
 */
final class EvictionChecks {

  /** Hibernate's update-timestamps region's unqualified name. */
  static final String TIMESTAMPS = "default-update-timestamps-region";

  private EvictionChecks() {}

  /** Ids of the cacheable query "books under {@code max}", through the query cache. */
  static List<Long> cachedIdsUnder(SessionFactory sf, String max) {
    return sf.fromSession(
        s ->
            s.createSelectionQuery(
                    "select b.id from Book b where b.price < :max order by b.id", Long.class)
                .setParameter("max", new BigDecimal(max))
                .setCacheable(true)
                .getResultList());
  }

  /** The same ids by SQL, past every cache: what the database holds at this moment. */
  static List<Long> databaseIdsUnder(SessionFactory sf, String max) {
    return sf.fromSession(
        s ->
            s.createNativeQuery("select id from Book where price < :max order by id", Long.class)
                .setParameter("max", new BigDecimal(max))
                .getResultList());
  }

  /** Sets the price of book {@code id} in a transaction. */
  static void setPrice(SessionFactory sf, long id, String price) {
    sf.inTransaction(s -> s.find(Book.class, id).setPrice(new BigDecimal(price)));
  }

  /** The update-timestamps region of {@code sf}, as MemJCache's cache. */
  static MemcachedCache<?, ?> timestampsRegion(SessionFactory sf, String prefix) {
    Cache<Object, Object> cache =
        ((JCacheRegionFactory) ((SessionFactoryImplementor) sf).getCache().getRegionFactory())
            .getCacheManager()
            .getCache(prefix == null ? TIMESTAMPS : prefix + "." + TIMESTAMPS);
    return cache.unwrap(MemcachedCache.class);
  }
}
