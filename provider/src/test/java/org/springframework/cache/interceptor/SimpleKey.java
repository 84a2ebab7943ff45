package org.springframework.cache.interceptor;

import java.io.Serializable;

/** Test stand-in named like Spring's multi-parameter cache key. */
public final class SimpleKey implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The method parameters: each checked by the allowlist. */
  public Object[] params;
}
