package org.hibernate.cache.spi.entry;

import java.io.Serializable;

/** Test stand-in named like Hibernate's entity cache entry (the whole package is trusted). */
public class StandardCacheEntryImpl implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Hibernate's disassembled state: a Serializable[]. */
  public Serializable[] disassembledState;
}
