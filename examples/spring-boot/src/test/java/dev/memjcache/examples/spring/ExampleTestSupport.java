package dev.memjcache.examples.spring;

import io.micrometer.core.instrument.MeterRegistry;
import javax.cache.CacheManager;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The beans the example's tests look at, and the actuator's {@code cache.gets} of {@code books}.
 */
abstract class ExampleTestSupport {

  @Autowired BookService books;

  @Autowired MeterRegistry metrics;

  /** The JCache CacheManager Spring Boot created (MemJCache's). */
  @Autowired CacheManager jcache;

  /** {@code cache.gets{cache=books,result=<hit|miss>}}, as the actuator reports it. */
  double gets(String result) {
    return metrics
        .get("cache.gets")
        .tags("cache", "books", "result", result)
        .functionCounter()
        .count();
  }
}
