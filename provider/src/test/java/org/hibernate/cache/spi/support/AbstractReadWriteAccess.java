package org.hibernate.cache.spi.support;

import java.io.Serializable;

/**
 * Test stand-in with the binary names of Hibernate's READ_WRITE cache holders, so the provider's
 * unit tests check recognition by name without depending on Hibernate (the real classes are checked
 * in examples/hibernate).
 */
public abstract class AbstractReadWriteAccess {
  /** Same binary name as Hibernate's soft lock. */
  public static final class SoftLockImpl implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Anything inside stays under the allowlist. */
    public Object version;
  }

  /** Same binary name as Hibernate's cached item. */
  public static final class Item implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Anything inside stays under the allowlist. */
    public Object value;
  }

  /** A Hibernate-named class that is not a cache holder: never trusted. */
  public static final class Internal implements Serializable {
    private static final long serialVersionUID = 1L;
  }
}
