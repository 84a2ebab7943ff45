package org.hibernate.cache.internal;

import java.io.Serializable;
import java.util.List;

/** Test stand-in named like Hibernate's query-results cache, for its nested {@code CacheItem}. */
public final class QueryResultsCacheImpl {

  private QueryResultsCacheImpl() {}

  /** Same binary name as the item Hibernate stores in a query-results region. */
  public static final class CacheItem implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long timestamp;
    private final List<String> results;

    /**
     * @param timestamp when the results were read, ms
     * @param results the query's results
     */
    public CacheItem(long timestamp, List<String> results) {
      this.timestamp = timestamp;
      this.results = results;
    }

    /** The results. */
    public List<String> results() {
      return results;
    }

    /** When the results were read, ms. */
    public long timestamp() {
      return timestamp;
    }
  }
}
