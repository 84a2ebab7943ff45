package dev.memjcache;

/**
 * What a {@code Cache.get} miss answers: null, or, in Hibernate's update-timestamps region, a
 * timestamp that makes every older query result stale ({@link HibernateTimestamps}). One instance
 * per cache; {@link #NONE} for every cache that is not such a region. Thread-safe.
 */
interface TimestampMisses {

  /** The null object: a miss is a miss, nothing is counted. */
  TimestampMisses NONE =
      new TimestampMisses() {
        @Override
        public Object answer(Object key, long nowMillis) {
          return null;
        }

        @Override
        public void found(Object value) {}

        @Override
        public long count() {
          return 0;
        }
      };

  /**
   * The value a {@code get} of {@code key} that found no entry returns and stores (with {@code
   * add}, so a concurrent write wins), or null for a plain miss.
   *
   * @param nowMillis the read's wall-clock time, epoch milliseconds
   */
  Object answer(Object key, long nowMillis);

  /** Tells the policy what a {@code get} of this cache found (what the cache holds). */
  void found(Object value);

  /** How many misses {@link #answer} answered with a value in this JVM. */
  long count();
}
