package dev.memjcache.codec;

/**
 * A stored value names a class that the {@link ClassAllowlist} does not allow, so it was not
 * deserialized (no instance of it was created). The message names the class and says how to allow
 * it (the {@code allowPackages} option of the CacheManager URI, or the cache's configured key/value
 * types).
 */
public class ClassNotAllowedException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final String className;

  /**
   * @param className the binary name of the rejected class
   * @param howToAllow the instruction from {@link ClassAllowlist#howToAllow(Class)}
   */
  public ClassNotAllowedException(String className, String howToAllow) {
    this(className, "Deserialization of class " + className + " is not allowed; " + howToAllow, 0);
  }

  private ClassNotAllowedException(String className, String message, int unused) {
    super(message);
    this.className = className;
  }

  /**
   * The exception for a value that names a class the allowlist would refuse on read: thrown while
   * serializing, before anything is stored (a put of a value that could never be read back).
   *
   * @param className the binary name of the refused class
   * @param howToAllow the instruction from {@link ClassAllowlist#howToAllow(Class)}
   * @return the exception; its message says that nothing was stored
   */
  public static ClassNotAllowedException onWrite(String className, String howToAllow) {
    return new ClassNotAllowedException(
        className,
        "Cannot store a value naming class "
            + className
            + ": its deserialization is not allowed, so it could not be read back; nothing was stored; "
            + howToAllow,
        0);
  }

  /**
   * @return the binary name of the rejected class
   */
  public String className() {
    return className;
  }
}
