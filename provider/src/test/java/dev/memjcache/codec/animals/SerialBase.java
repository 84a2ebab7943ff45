package dev.memjcache.codec.animals;

import java.io.Serializable;

/** A serializable superclass outside the allowed packages. */
public class SerialBase implements Serializable {
  private static final long serialVersionUID = 1L;
  public String baseField;
}
