package dev.memjcache.config;

import java.util.Objects;

/**
 * The SASL user and password a CacheManager authenticates with (memcached started with {@code -S};
 * SASL PLAIN over the binary protocol), from the options {@code username} and {@code password} of a
 * properties file or of the Properties given to {@code getCacheManager}. Never from a {@code
 * memcached://} URI: the URI is the CacheManager's identity and appears in MBean names, logs and
 * messages.
 *
 * <p>The password is kept only for the connection: {@link #toString()} never shows it, and no
 * message of MemJCache contains it. Immutable and thread-safe.
 */
public final class Credentials {

  /** No authentication (the default). */
  public static final Credentials NONE = new Credentials(null, null);

  private final String username;
  private final String password;

  private Credentials(String username, String password) {
    this.username = username;
    this.password = password;
  }

  /**
   * Credentials for SASL PLAIN.
   *
   * @param username the SASL user name; not empty, no NUL character
   * @param password the password; no NUL character (PLAIN separates its fields with NUL)
   * @return the credentials
   * @throws IllegalArgumentException if a value is empty or holds a NUL; the message never contains
   *     the password
   * @throws NullPointerException if an argument is null
   */
  public static Credentials of(String username, String password) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isEmpty() || username.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "Option username must be a non-empty SASL user name" + " without NUL characters");
    }
    if (password.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "Option password must not contain a NUL character"
              + " (SASL PLAIN separates its fields with NUL)");
    }
    return new Credentials(username, password);
  }

  /** Returns whether a user is configured (otherwise no authentication is attempted). */
  public boolean isPresent() {
    return username != null;
  }

  /** Returns the SASL user name, or null for {@link #NONE}. */
  public String username() {
    return username;
  }

  /**
   * Returns the password, or null for {@link #NONE}. Only the connection layer should call this;
   * never log or show the result.
   */
  public String password() {
    return password;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Credentials c
        && Objects.equals(username, c.username)
        && Objects.equals(password, c.password);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(username);
  }

  /** {@code Credentials[username=<user>, password=(hidden)]}, or {@code Credentials[none]}. */
  @Override
  public String toString() {
    return isPresent()
        ? "Credentials[username=" + username + ", password=(hidden)]"
        : "Credentials[none]";
  }
}
