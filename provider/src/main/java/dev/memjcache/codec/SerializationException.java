package dev.memjcache.codec;

import javax.cache.CacheException;

/**
 * A value or key could not be serialized (for example it holds a class Kryo cannot handle), or
 * stored bytes could not be deserialized (corrupt, truncated, written by an incompatible class
 * version). A JSR-107 {@link CacheException}, so it surfaces to users as the specification's
 * general failure (JSR-107 section 5 "Exceptions").
 */
public class SerializationException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, naming the operation and the class when known
   */
  public SerializationException(String message) {
    super(message);
  }

  /**
   * @param message what failed, naming the operation and the class when known
   * @param cause the underlying Kryo or Java serialization failure
   */
  public SerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
