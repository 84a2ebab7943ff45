package dev.memjcache.expiry;

import java.util.function.Supplier;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides expiry (JSR-107 section 6): it asks the cache's {@link ExpiryPolicy}
 * and turns its {@link Duration}s into absolute expiry times in epoch milliseconds, and those into
 * memcached exptimes.
 *
 * <p>Expiry is decided at millisecond precision by the envelope's expiry time; the memcached
 * exptime is only the eviction bound: the remaining time rounded up to whole seconds plus a margin,
 * 0 for eternal entries, and an absolute Unix time beyond 30 days (memcached treats larger relative
 * values as absolute).
 *
 * <p>As in the specification, a policy method that throws is treated as "no answer": the default
 * duration (eternal) on creation, "unchanged" on update and access.
 */
public final class ExpiryDecider {

  /** Expiry time of an entry that never expires. */
  public static final long ETERNAL = Long.MAX_VALUE;

  /**
   * Returned by {@link #onUpdate}/{@link #onAccess} when the policy leaves the expiry unchanged.
   */
  public static final long UNCHANGED = Long.MIN_VALUE;

  private static final Logger LOG = LoggerFactory.getLogger(ExpiryDecider.class);
  private static final long THIRTY_DAYS_SECONDS = 30L * 24 * 60 * 60;

  private final ExpiryPolicy policy;
  // built once: get() asks the policy on every hit
  private final Supplier<Duration> forUpdate;
  private final Supplier<Duration> forAccess;
  private final int marginSeconds;
  private final boolean existenceIndependent;

  /**
   * @param policy the cache's expiry policy
   * @param marginSeconds seconds added to memcached exptimes beyond the envelope's expiry
   */
  public ExpiryDecider(ExpiryPolicy policy, int marginSeconds) {
    this.policy = policy;
    this.forUpdate = policy::getExpiryForUpdate;
    this.forAccess = policy::getExpiryForAccess;
    this.marginSeconds = marginSeconds;
    Class<?> type = policy.getClass();
    this.existenceIndependent =
        type == EternalExpiryPolicy.class
            || type == ModifiedExpiryPolicy.class
            || type == TouchedExpiryPolicy.class;
  }

  /** Returns the policy (to close it with the cache). */
  public ExpiryPolicy policy() {
    return policy;
  }

  /**
   * Whether a write gets the same expiry whether or not the entry exists, so that a blind memcached
   * {@code set} is correct: true for the standard eternal, modified and touched policies (creation
   * and update durations agree). Custom policies are never assumed to be.
   */
  public boolean isExistenceIndependent() {
    return existenceIndependent;
  }

  /**
   * Expiry of a new entry: {@code getExpiryForCreation()}.
   *
   * @param nowMillis the operation's time, epoch ms
   * @return the absolute expiry in epoch ms, {@link #ETERNAL}, or a time {@code <= nowMillis} when
   *     the entry must not be stored (Duration.ZERO)
   */
  public long onCreation(long nowMillis) {
    Duration duration;
    try {
      duration = policy.getExpiryForCreation();
    } catch (RuntimeException e) {
      LOG.debug("expiry policy failed on creation; using eternal", e);
      duration = Duration.ETERNAL;
    }
    return expiresAt(duration == null ? Duration.ETERNAL : duration, nowMillis);
  }

  /**
   * Expiry after an update: {@code getExpiryForUpdate()}.
   *
   * @return the absolute expiry in epoch ms, {@link #ETERNAL}, or {@link #UNCHANGED}
   */
  public long onUpdate(long nowMillis) {
    return unlessUnchanged(forUpdate, "update", nowMillis);
  }

  /**
   * Expiry after an access: {@code getExpiryForAccess()}.
   *
   * @return the absolute expiry in epoch ms, {@link #ETERNAL}, or {@link #UNCHANGED}
   */
  public long onAccess(long nowMillis) {
    return unlessUnchanged(forAccess, "access", nowMillis);
  }

  /** A null duration or a failing policy leaves the expiry unchanged (JSR-107 6.1). */
  private static long unlessUnchanged(Supplier<Duration> question, String event, long nowMillis) {
    Duration duration;
    try {
      duration = question.get();
    } catch (RuntimeException e) {
      LOG.debug("expiry policy failed on {}; expiry unchanged", event, e);
      return UNCHANGED;
    }
    return duration == null ? UNCHANGED : expiresAt(duration, nowMillis);
  }

  /** Returns {@code decided} unless it is {@link #UNCHANGED}, then {@code current}. */
  public static long orCurrent(long decided, long current) {
    return decided == UNCHANGED ? current : decided;
  }

  /** Whether an entry expiring at {@code expiresAtMillis} is expired at {@code nowMillis}. */
  public static boolean isExpired(long expiresAtMillis, long nowMillis) {
    return expiresAtMillis <= nowMillis;
  }

  /**
   * The memcached exptime for an entry expiring at {@code expiresAtMillis}.
   *
   * @return 0 for eternal; else the seconds until expiry rounded up plus the margin, as a relative
   *     value up to 30 days and an absolute Unix time beyond
   */
  public int exptime(long expiresAtMillis, long nowMillis) {
    if (expiresAtMillis == ETERNAL) {
      return 0;
    }
    long remainingMillis = Math.max(0, expiresAtMillis - nowMillis);
    long seconds = (remainingMillis + 999) / 1000 + marginSeconds;
    if (seconds <= THIRTY_DAYS_SECONDS) {
      return (int) seconds;
    }
    long absolute = (expiresAtMillis + 999) / 1000 + marginSeconds;
    return absolute >= Integer.MAX_VALUE ? 0 : (int) absolute;
  }

  private static long expiresAt(Duration duration, long nowMillis) {
    if (duration.isEternal()) {
      return ETERNAL;
    }
    if (duration.isZero()) {
      return nowMillis;
    }
    long millis = duration.getTimeUnit().toMillis(duration.getDurationAmount());
    long at = nowMillis + millis;
    return at < nowMillis ? ETERNAL : at;
  }
}
