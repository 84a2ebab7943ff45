package dev.memjcache.examples.hibernate.shelf;

/**
 * An application enum: Hibernate caches its constants as they are, so its package must be allowed.
 */
public enum Genre {
  /** Made up. */
  FICTION,
  /** True. */
  HISTORY
}
