package dev.memjcache.expiry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import javax.cache.expiry.AccessedExpiryPolicy;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.Test;

/** Expiry times in milliseconds and the memcached exptime bound (pure arithmetic). */
class ExpiryDeciderTest {

  private static final long NOW = 1_800_000_000_000L;

  @Test
  void standardPoliciesGiveMillisecondExpiryTimes() {
    Duration d = new Duration(TimeUnit.MILLISECONDS, 300);
    assertEquals(NOW + 300, new ExpiryDecider(new CreatedExpiryPolicy(d), 2).onCreation(NOW));
    assertEquals(
        ExpiryDecider.UNCHANGED, new ExpiryDecider(new CreatedExpiryPolicy(d), 2).onUpdate(NOW));
    assertEquals(NOW + 300, new ExpiryDecider(new AccessedExpiryPolicy(d), 2).onAccess(NOW));
    assertEquals(NOW + 300, new ExpiryDecider(new ModifiedExpiryPolicy(d), 2).onUpdate(NOW));
    assertEquals(
        ExpiryDecider.UNCHANGED, new ExpiryDecider(new ModifiedExpiryPolicy(d), 2).onAccess(NOW));
    assertEquals(NOW + 300, new ExpiryDecider(new TouchedExpiryPolicy(d), 2).onAccess(NOW));
    assertEquals(
        ExpiryDecider.ETERNAL, new ExpiryDecider(new EternalExpiryPolicy(), 2).onCreation(NOW));
  }

  @Test
  void zeroOnCreationMeansAlreadyExpired() {
    long at = new ExpiryDecider(new CreatedExpiryPolicy(Duration.ZERO), 2).onCreation(NOW);
    assertTrue(ExpiryDecider.isExpired(at, NOW));
    assertFalse(ExpiryDecider.isExpired(NOW + 1, NOW));
  }

  @Test
  void aPolicyThatThrowsIsEternalOnCreationAndUnchangedOtherwise() {
    ExpiryPolicy broken =
        new ExpiryPolicy() {
          @Override
          public Duration getExpiryForCreation() {
            throw new IllegalStateException("boom");
          }

          @Override
          public Duration getExpiryForAccess() {
            throw new IllegalStateException("boom");
          }

          @Override
          public Duration getExpiryForUpdate() {
            throw new IllegalStateException("boom");
          }
        };
    ExpiryDecider decider = new ExpiryDecider(broken, 2);
    assertEquals(ExpiryDecider.ETERNAL, decider.onCreation(NOW));
    assertEquals(ExpiryDecider.UNCHANGED, decider.onUpdate(NOW));
    assertEquals(ExpiryDecider.UNCHANGED, decider.onAccess(NOW));
  }

  @Test
  void exptimeIsSecondsRoundedUpPlusMarginAndZeroForEternal() {
    ExpiryDecider decider = new ExpiryDecider(new EternalExpiryPolicy(), 2);
    assertEquals(0, decider.exptime(ExpiryDecider.ETERNAL, NOW));
    assertEquals(1 + 2, decider.exptime(NOW + 300, NOW));
    assertEquals(1 + 2, decider.exptime(NOW + 1000, NOW));
    assertEquals(2 + 2, decider.exptime(NOW + 1001, NOW));
    assertEquals(2, decider.exptime(NOW - 5, NOW), "already expired: only the margin");
  }

  @Test
  void exptimeBeyondThirtyDaysIsAnAbsoluteUnixTime() {
    ExpiryDecider decider = new ExpiryDecider(new EternalExpiryPolicy(), 2);
    long thirtyDays = TimeUnit.DAYS.toMillis(30);
    assertEquals(
        thirtyDays / 1000 - 2 + 2,
        decider.exptime(NOW + thirtyDays - 2000, NOW),
        "just under 30 days stays relative");
    long at = NOW + thirtyDays + 5000;
    assertEquals((int) ((at + 999) / 1000 + 2), decider.exptime(at, NOW));
  }

  @Test
  void onlyPoliciesWhoseWritesIgnoreExistenceAllowBlindSets() {
    Duration d = Duration.ONE_MINUTE;
    assertTrue(new ExpiryDecider(new EternalExpiryPolicy(), 2).isExistenceIndependent());
    assertTrue(new ExpiryDecider(new ModifiedExpiryPolicy(d), 2).isExistenceIndependent());
    assertTrue(new ExpiryDecider(new TouchedExpiryPolicy(d), 2).isExistenceIndependent());
    assertFalse(new ExpiryDecider(new CreatedExpiryPolicy(d), 2).isExistenceIndependent());
    assertFalse(new ExpiryDecider(new AccessedExpiryPolicy(d), 2).isExistenceIndependent());
  }
}
