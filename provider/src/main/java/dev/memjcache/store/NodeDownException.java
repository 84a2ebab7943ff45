package dev.memjcache.store;

/**
 * A command was not sent because its memcached server is marked down by {@link NodeHealth} (or has
 * no connection): the call fails at once instead of waiting for the operation timeout. Like every
 * {@link StoreFailureException}, the cache's failure mode decides whether the caller sees it
 * ({@code failureMode=fail}) or a miss / dropped write ({@code failureMode=degrade}).
 */
public class NodeDownException extends StoreFailureException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message which server, since when and why it is down
   */
  public NodeDownException(String message) {
    super(message, null);
  }
}
