package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.store.MetadumpKeyEnumerator;
import dev.memjcache.store.ServerSockets;
import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hibernate on two memcached servers, one of which hangs (SIGSTOP, keeps its items) while the
 * table's update timestamp lives on it and the cached query result on the other: the query is fresh
 * during the outage (the dropped timestamp write invalidates the query-results region on the live
 * server too) and after it.
 */
class ClusterOutageTest extends HibernateTestSupport {

  @TempDir Path dir;

  private MemcachedCluster cluster;

  @BeforeEach
  void startCluster() {
    cluster = MemcachedCluster.start(2);
  }

  @AfterEach
  void stopCluster() {
    closeFactories();
    cluster.close();
  }

  /** Titles of "books under 20", cached in the query-results region {@code region}. */
  private static List<String> titlesUnder20(SessionFactory sf, String region) {
    return sf.fromSession(
        s ->
            s
                .createSelectionQuery("from Book where price < :max order by title", Book.class)
                .setParameter("max", new BigDecimal("20"))
                .setCacheable(true)
                .setCacheRegion(region)
                .getResultList()
                .stream()
                .map(Book::getTitle)
                .toList());
  }

  /** The server holding an entry key of the cache whose name ends with {@code cacheSuffix}. */
  private MemcachedProcess serverHolding(String cacheSuffix, String keyEnd) {
    MetadumpKeyEnumerator metadump =
        new MetadumpKeyEnumerator(
            ServerSockets.PLAIN,
            cluster.nodes().stream()
                .map(n -> new InetSocketAddress("127.0.0.1", n.port()))
                .toList(),
            2_000);
    MemcachedProcess found = null;
    for (MemcachedProcess node : cluster.nodes()) {
      for (String key :
          metadump.keysOnServer(new InetSocketAddress("127.0.0.1", node.port()), "mjc:")) {
        String[] parts = key.split(":", 4);
        if (parts.length == 4
            && parts[1].endsWith(cacheSuffix)
            && !parts[2].isEmpty()
            && Character.isDigit(parts[2].charAt(0))
            && parts[3].endsWith(keyEnd)) {
          found = node;
        }
      }
    }
    return found;
  }

  @Test
  void aCachedQueryIsFreshDuringAndAfterAHangOfTheServerHoldingItsTablesTimestamp()
      throws Exception {
    Path props = Files.createTempFile(dir, "memjcache", ".properties");
    Files.writeString(
        props,
        "servers="
            + cluster.addresses()
            + "\nfailureMode=degrade\noperationTimeoutMillis=300\nserverRetryMillis=200\n");
    SessionFactory sf = open(newDatabase(), "co", props.toUri().toString(), Map.of());
    Library lib = library(sf); // the inserts write Book's update timestamp
    MemcachedProcess stampServer = serverHolding(".default-update-timestamps-region", "Book");
    assertNotNull(
        stampServer,
        () ->
            "Book's update timestamp is stored; keys: "
                + new MetadumpKeyEnumerator(
                        ServerSockets.PLAIN,
                        cluster.nodes().stream()
                            .map(n -> new InetSocketAddress("127.0.0.1", n.port()))
                            .toList(),
                        2_000)
                    .keysWithPrefix("mjc:"));

    // a query-results region whose entry lives on the other server
    String region = null;
    List<String> tried = new ArrayList<>();
    for (int i = 0; i < 40 && region == null; i++) {
      String candidate = "under20-" + i;
      tried.add(candidate);
      assertEquals(List.of("Notes"), titlesUnder20(sf, candidate));
      MemcachedProcess resultServer = serverHolding(candidate, "");
      assertNotNull(resultServer, "the result of " + candidate + " is stored");
      if (resultServer != stampServer) {
        region = candidate;
      }
    }
    assertNotNull(region, "a result on the other server among " + tried);
    Statistics stats = sf.getStatistics();
    stats.clear();
    assertEquals(List.of("Notes"), titlesUnder20(sf, region));
    assertEquals(1, stats.getQueryCacheHitCount(), "cached before the hang");

    Author author = lib.author();
    stampServer.pause();
    try {
      sf.inTransaction(s -> s.find(Book.class, lib.cheap().getId()).setTitle("Notes v2"));
      sf.inTransaction(
          s ->
              s.persist(
                  new Book(
                      "Errata", new BigDecimal("5.00"), s.find(Author.class, author.getId()))));
      assertEquals(
          List.of("Errata", "Notes v2"),
          titlesUnder20(sf, region),
          "during the hang: the result on the live server is not served stale");
      stats.clear();
      assertEquals(List.of("Errata", "Notes v2"), titlesUnder20(sf, region));
      System.out.println(
          "query cache hits during the hang, second run: " + stats.getQueryCacheHitCount());
    } finally {
      stampServer.resume();
    }
    assertEquals(List.of("Errata", "Notes v2"), titlesUnder20(sf, region), "after the resume");
    Thread.sleep(2_000);
    assertEquals(List.of("Errata", "Notes v2"), titlesUnder20(sf, region), "2 s after the resume");
    assertEquals(
        3, (int) sf.fromSession(s -> s.find(Author.class, author.getId()).getBooks().size()));
    stats.clear();
    assertEquals(List.of("Errata", "Notes v2"), titlesUnder20(sf, region));
    assertTrue(stats.getQueryCacheHitCount() == 1, "the query cache is used again");
  }
}
