package org.hibernate.query.internal;

import org.hibernate.cache.spi.QueryKey;

/** Test stand-in for Hibernate's private parameter-bindings memento. */
public class BindingsMemento implements QueryKey.ParameterBindingsMemento {
  private static final long serialVersionUID = 1L;

  /** The bound values: each checked by the allowlist. */
  public Object[] values;
}
