package dev.memjcache.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * The starter's test application: {@code @Cacheable} on {@link PriceService}, Spring Data JPA
 * entities ({@link Book}) in Hibernate's second-level cache, the actuator. Its MemJCache
 * configuration is {@code spring.cache.type=jcache}, {@code memjcache.servers} and {@code
 * memjcache.allow-packages} (src/test/resources/application.properties and the tests).
 */
@SpringBootApplication
@EnableCaching
public class StarterTestApplication {}
