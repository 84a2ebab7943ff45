package dev.memjcache.store;

import javax.cache.CacheException;

/**
 * A memcached operation failed: timeout, connection loss, cancelled operation, server error or an
 * item over the server's size limit. The message names the operation, the key and the server.
 *
 * <p>This is the only exception the {@link MemcachedStore} throws; the cache's failure policy
 * decides whether it reaches the caller ({@code failureMode=fail}) or turns into a miss or a
 * dropped write ({@code failureMode=degrade}).
 */
public class StoreFailureException extends CacheException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, on which key and server
   * @param cause the underlying spymemcached or I/O exception, may be null
   */
  public StoreFailureException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A failure of one memcached command on one key, worded the same everywhere: {@code memcached
   * <command> of key '<key>' on <server> <outcome>}.
   *
   * @param command the memcached command ({@code gets}, {@code cas}, ...)
   * @param key the memcached key
   * @param server the server, as text or a socket address
   * @param outcome what happened, for example {@code "timed out after 500 ms"}
   * @param cause the underlying exception, may be null
   * @return the exception, to be thrown
   */
  public static StoreFailureException of(
      String command, String key, Object server, String outcome, Throwable cause) {
    return new StoreFailureException(
        "memcached " + command + " of key '" + key + "' on " + server + " " + outcome, cause);
  }
}
