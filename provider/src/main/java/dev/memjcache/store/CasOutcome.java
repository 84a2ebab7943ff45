package dev.memjcache.store;

import net.spy.memcached.CASResponse;

/** The answer of a memcached {@code cas} (binary SET with a CAS unique). */
public enum CasOutcome {
  /** The item was replaced. */
  STORED,
  /** The item exists with another CAS unique: someone else changed it first. */
  EXISTS,
  /** The item no longer exists. */
  NOT_FOUND;

  /**
   * The outcome spymemcached's {@code CASResponse} stands for.
   *
   * @param response the answer
   * @param key the memcached key, for the message
   * @param server the server, for the message
   * @throws StoreFailureException when the answer is none of the three (an observe or error status)
   */
  static CasOutcome of(CASResponse response, String key, Object server) {
    CasOutcome outcome = ofOrNull(response);
    if (outcome == null) {
      throw StoreFailureException.of("cas", key, server, "answered " + response, null);
    }
    return outcome;
  }

  /** The outcome {@code response} means, or null when it is none of the three. */
  static CasOutcome ofOrNull(CASResponse response) {
    return switch (response) {
      case OK -> STORED;
      case EXISTS -> EXISTS;
      case NOT_FOUND -> NOT_FOUND;
      default -> null;
    };
  }
}
