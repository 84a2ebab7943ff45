package org.hibernate.query.internal;

import java.io.Serializable;

/** A Hibernate-named class outside the cache holders: never trusted. */
public class NotAMemento implements Serializable {
  private static final long serialVersionUID = 1L;
}
