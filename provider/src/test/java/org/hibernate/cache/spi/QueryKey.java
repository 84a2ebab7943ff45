package org.hibernate.cache.spi;

import java.io.Serializable;

/** Test stand-in named like Hibernate's query cache key and its parameter-bindings interface. */
public class QueryKey implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Same binary name as Hibernate's interface; its Hibernate implementations are trusted. */
  public interface ParameterBindingsMemento extends Serializable {}
}
