package dev.memjcache.store;

/** The answer of a memcached {@code cas} (binary SET with a CAS unique). */
public enum CasOutcome {
  /** The item was replaced. */
  STORED,
  /** The item exists with another CAS unique: someone else changed it first. */
  EXISTS,
  /** The item no longer exists. */
  NOT_FOUND
}
