package dev.memjcache.codec;

/**
 * A stored value names a class that the {@link ClassAllowlist} does not allow, so it was not
 * deserialized (no instance of it was created). The message names the class and says how to
 * allow it (the {@code allowPackages} option of the CacheManager URI, or the cache's configured
 * key/value types).
 */
public class ClassNotAllowedException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final String className;

  /**
   * @param className the binary name of the rejected class
   * @param howToAllow the instruction from {@link ClassAllowlist#howToAllow(Class)}
   */
  public ClassNotAllowedException(String className, String howToAllow) {
    super("Deserialization of class " + className + " is not allowed; " + howToAllow);
    this.className = className;
  }

  /**
   * @return the binary name of the rejected class
   */
  public String className() {
    return className;
  }
}
