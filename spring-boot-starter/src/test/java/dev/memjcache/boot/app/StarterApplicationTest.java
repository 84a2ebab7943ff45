package dev.memjcache.boot.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.memjcache.MemcachedCacheManager;
import dev.memjcache.testkit.MemcachedProcess;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.List;
import javax.cache.configuration.MutableConfiguration;
import org.hibernate.cache.jcache.internal.JCacheRegionFactory;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a real Spring Boot 3.5 application on a real memcached and a real H2: MemJCache's
 * configuration is {@code spring.cache.type=jcache}, {@code memjcache.allow-packages}
 * (application.properties) and {@code memjcache.servers} (here), nothing else; the actuator's
 * exposure settings only open the endpoints the test reads.
 */
@SpringBootTest(
    classes = StarterTestApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // @SpringBootTest turns metrics export off
@DirtiesContext
class StarterApplicationTest {

  static final MemcachedProcess MEMCACHED = MemcachedProcess.start();

  @DynamicPropertySource
  static void servers(DynamicPropertyRegistry registry) {
    registry.add("memjcache.servers", MEMCACHED::address);
  }

  @AfterAll
  static void stopMemcached() {
    MEMCACHED.close();
  }

  @Autowired PriceService prices;
  @Autowired BookRepository books;
  @Autowired javax.cache.CacheManager jcache;
  @Autowired EntityManagerFactory entityManagerFactory;
  @Autowired JdbcTemplate jdbc;
  @Autowired TestRestTemplate http;

  private JsonNode get(String path) throws Exception {
    return new ObjectMapper().readTree(http.getForObject(path, String.class));
  }

  @Test
  void cacheableIsServedFromMemcached() {
    assertTrue(jcache instanceof MemcachedCacheManager, jcache.getClass().getName());
    int before = prices.runs();
    assertEquals(new PriceService.Price("apple", 500), prices.price("apple"));
    assertEquals(new PriceService.Price("apple", 500), prices.price("apple"));
    assertEquals(before + 1, prices.runs(), "the second call was a hit");
    // the entry is in memcached: a second manager on the same server, from another URI, reads it
    assertEquals(
        new PriceService.Price("apple", 500),
        jcache.getCache("prices").get("apple"),
        "in the MemJCache cache");
    try (javax.cache.CacheManager other =
        jcache
            .getCachingProvider()
            .getCacheManager(
                java.net.URI.create(
                    MEMCACHED.uri() + "?allowPackages=" + PriceService.class.getPackageName()),
                getClass().getClassLoader())) {
      assertEquals(
          new PriceService.Price("apple", 500),
          other.createCache("prices", new MutableConfiguration<>()).get("apple"),
          "read back from memcached by another manager");
    }
  }

  @Test
  void hibernatesSecondLevelCacheIsTheSameCacheManager() {
    SessionFactoryImplementor sessionFactory =
        entityManagerFactory.unwrap(SessionFactoryImplementor.class);
    JCacheRegionFactory regions =
        (JCacheRegionFactory) sessionFactory.getCache().getRegionFactory();
    assertSame(jcache, regions.getCacheManager(), "one CacheManager for Spring and Hibernate");

    books.save(new Book(7L, "Dune"));
    entityManagerFactory.getCache().evictAll();
    assertEquals("Dune", books.findById(7L).orElseThrow().getTitle());
    String region = Book.class.getName();
    assertTrue(
        names(jcache).contains(region), "the entity region lives in the manager: " + names(jcache));
    assertTrue(entityManagerFactory.getCache().contains(Book.class, 7L), "in the region");

    // The row is gone from H2 behind Hibernate's back: a new session still finds the entity, so
    // it came from the second-level cache, that is from memcached.
    assertEquals(1, jdbc.update("delete from book where id = 7"));
    EntityManager em = entityManagerFactory.createEntityManager();
    try {
      Book cached = em.find(Book.class, 7L);
      assertNotNull(cached, "served from the second-level cache");
      assertEquals("Dune", cached.getTitle());
    } finally {
      em.close();
    }
  }

  private static List<String> names(javax.cache.CacheManager manager) {
    List<String> names = new ArrayList<>();
    manager.getCacheNames().forEach(names::add);
    return names;
  }

  @Test
  void healthShowsEachServer() throws Exception {
    JsonNode health = get("/actuator/health");
    assertEquals("UP", health.path("status").asText(), health.toString());
    JsonNode memjcache = health.path("components").path("memjcache");
    assertEquals("UP", memjcache.path("status").asText(), health.toString());
    JsonNode server = memjcache.path("details").path("servers").path(MEMCACHED.address());
    assertEquals("UP", server.path("status").asText(), memjcache.toString());
    assertEquals("1 of 1", memjcache.path("details").path("serving").asText());
  }

  @Test
  void metricsListTheNodeMetrics() throws Exception {
    List<String> names = new ArrayList<>();
    get("/actuator/metrics").path("names").forEach(n -> names.add(n.asText()));
    for (String name :
        List.of(
            "memjcache.servers",
            "memjcache.servers.marked.down",
            "memjcache.server.serving",
            "memjcache.server.timeouts",
            "memjcache.server.failures",
            "memjcache.server.marked.down",
            "memjcache.reads.degraded",
            "memjcache.writes.dropped",
            "memjcache.classes.refused",
            "memjcache.single.flight.waits",
            "memjcache.load.lease.waits",
            "memjcache.async.in.flight")) {
      assertTrue(names.contains(name), name + " in " + names);
    }
    JsonNode servers = get("/actuator/metrics/memjcache.servers");
    assertEquals(1.0, servers.path("measurements").get(0).path("value").asDouble());
    JsonNode serving =
        get("/actuator/metrics/memjcache.server.serving?tag=server:" + MEMCACHED.address());
    assertEquals(1.0, serving.path("measurements").get(0).path("value").asDouble());
  }

  @Test
  void cachesCreatedAfterStartUpGetCacheMetrics() throws Exception {
    jcache.createCache("created-later", new MutableConfiguration<>().setStatisticsEnabled(true));
    JsonNode gets = get("/actuator/metrics/cache.gets?tag=cache:created-later");
    assertFalse(gets.path("measurements").isMissingNode(), gets.toString());
    JsonNode region = get("/actuator/metrics/cache.gets?tag=cache:" + Book.class.getName());
    assertFalse(region.path("measurements").isMissingNode(), "Hibernate's region: " + region);
    JsonNode misses =
        get("/actuator/metrics/memjcache.cache.timestamp.misses?tag=cache:created-later");
    assertEquals(
        0.0,
        misses.path("measurements").get(0).path("value").asDouble(-1),
        "no timestamps region: " + misses);
  }
}
