package dev.memjcache;

import dev.memjcache.event.EventDispatcher;
import dev.memjcache.store.StoreFailureException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import javax.cache.event.CacheEntryListenerException;

/**
 * How {@link MemcachedCache} runs each call: the JSR-107 argument checks, then the call, after
 * which the synchronous listeners it notified are awaited (JSR-107 8.3) and a memcached failure is
 * handed to the cache's failure policy ({@link FailureHandler}: rethrown, or degraded to a default
 * result). Thread-safe.
 */
final class CacheCalls {

  private final EventDispatcher<?, ?> events;
  private final FailureHandler failures;

  CacheCalls(EventDispatcher<?, ?> events, FailureHandler failures) {
    this.events = events;
    this.failures = failures;
  }

  /**
   * Runs {@code body}; when memcached fails it and the failure mode degrades, returns {@code
   * degraded}'s result, computed only then.
   *
   * @param operation the JCache operation's name, for the failure's log line and exception
   */
  <R> R run(String operation, Supplier<R> body, Supplier<R> degraded) {
    R result;
    try {
      result = body.get();
    } catch (StoreFailureException e) {
      events.discardSynchronous();
      failures.handle(operation, e, null);
      return degraded.get();
    } catch (RuntimeException | Error e) {
      try {
        events.awaitSynchronous();
      } catch (CacheEntryListenerException listenerFailure) {
        e.addSuppressed(listenerFailure);
      }
      throw e;
    }
    events.awaitSynchronous();
    return result;
  }

  /** {@link #run(String, Supplier, Supplier)} for a call without a result. */
  void run(String operation, Runnable body) {
    run(
        operation,
        () -> {
          body.run();
          return null;
        },
        () -> null);
  }

  /** JSR-107: a null key is a {@link NullPointerException}. */
  static void requireKey(Object key) {
    Objects.requireNonNull(key, "a JCache key cannot be null");
  }

  /** JSR-107: a null value is a {@link NullPointerException}. */
  static void requireValue(Object value) {
    Objects.requireNonNull(value, "a JCache value cannot be null");
  }

  /** A null set, or a null key in it, is a {@link NullPointerException}. */
  static void requireKeys(Set<?> keys) {
    Objects.requireNonNull(keys, "keys");
    for (Object key : keys) {
      requireKey(key);
    }
  }

  /** A null map, or a null key or value in it, is a {@link NullPointerException}. */
  static void requireEntries(Map<?, ?> map) {
    Objects.requireNonNull(map, "map");
    for (Map.Entry<?, ?> e : map.entrySet()) {
      requireKey(e.getKey());
      requireValue(e.getValue());
    }
  }
}
