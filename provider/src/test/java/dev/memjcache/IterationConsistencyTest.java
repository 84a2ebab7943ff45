package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import javax.cache.Cache;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.Test;

/**
 * Iteration must list an entry however memcached's LRU maintainer moves its item between the
 * hot/warm/cold lists: {@code lru_crawler metadump all} walks those lists and missed entries that
 * were rewritten and read just before (the TCK's expire_whenModified caught it); the enumerator
 * uses {@code metadump hash}, which walks the hash table.
 */
class IterationConsistencyTest extends CacheTestSupport {

  /**
   * Eternal on creation, expire on update: the TCK's ParameterizedExpiryPolicy(ETERNAL, null,
   * ZERO).
   */
  public static final class ExpireOnUpdate implements ExpiryPolicy, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Duration getExpiryForCreation() {
      return Duration.ETERNAL;
    }

    @Override
    public Duration getExpiryForAccess() {
      return null;
    }

    @Override
    public Duration getExpiryForUpdate() {
      return Duration.ZERO;
    }
  }

  @Test
  void everyIterationSeesTheRewrittenEntry() {
    Cache<Integer, Integer> cache =
        newManager("")
            .createCache(
                uniqueCacheName(),
                new MutableConfiguration<Integer, Integer>()
                    .setExpiryPolicyFactory(FactoryBuilder.factoryOf(ExpireOnUpdate.class)));
    for (int round = 0; round < 50; round++) {
      cache.put(1, 1);
      cache.replace(1, 1, 2);
      assertFalse(cache.containsKey(1), "an update with Duration.ZERO expires the entry");
      cache.get(1);
      cache.put(1, 1);
      for (int pass = 0; pass < 3; pass++) {
        assertTrue(cache.iterator().hasNext(), "round " + round + ", pass " + pass);
        assertEquals(1, cache.iterator().next().getValue());
        assertTrue(cache.containsKey(1));
      }
      cache.put(1, 2);
      assertFalse(cache.iterator().hasNext(), "round " + round + ": expired on update");
    }
  }
}
