package org.springframework.cache.support;

import java.io.Serializable;

/** Test stand-in named like Spring's cached-null marker. */
public final class NullValue implements Serializable {
  private static final long serialVersionUID = 1L;
}
