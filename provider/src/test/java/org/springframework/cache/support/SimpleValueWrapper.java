package org.springframework.cache.support;

import java.io.Serializable;

/** A Spring-named class that is not one of the trusted types. */
public final class SimpleValueWrapper implements Serializable {
  private static final long serialVersionUID = 1L;
}
