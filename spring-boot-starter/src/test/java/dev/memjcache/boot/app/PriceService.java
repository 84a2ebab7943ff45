package dev.memjcache.boot.app;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** A {@code @Cacheable} method that counts how often its body runs. */
@Service
public class PriceService {

  private final AtomicInteger runs = new AtomicInteger();

  /**
   * The price of an item, in cents; cached in the {@code prices} cache.
   *
   * @param item the item
   * @return its price
   */
  @Cacheable("prices")
  public Price price(String item) {
    runs.incrementAndGet();
    return new Price(item, 100L * item.length());
  }

  /**
   * @return how often {@link #price} ran
   */
  public int runs() {
    return runs.get();
  }

  /**
   * A cached value of the application's model package (memjcache.allow-packages).
   *
   * @param item the item
   * @param cents its price in cents
   */
  public record Price(String item, long cents) implements java.io.Serializable {}
}
