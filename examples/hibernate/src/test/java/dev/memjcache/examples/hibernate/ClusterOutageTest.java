package dev.memjcache.examples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.MemcachedCache;
import dev.memjcache.store.MetadumpKeyEnumerator;
import dev.memjcache.store.ServerSockets;
import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
    // The hang dropped Book's timestamp writes, so the timestamps' generation on the resumed
    // server is advanced: Book has no timestamp there, a real miss, answered with now and stored.
    // While the server is still marked down, a read fails and is answered the same way, not
    // stored. Each such answer makes the result read with it stale, and also the next run's: that
    // result was cached by a session that began before the answer. The run after that is a hit.
    // Which run answers last depends on when the resumed server is probed back in: until then
    // the first run's reads fail and its entity puts are dropped, and a dropped write advances the
    // query results again (the next run then finds none and reads no timestamp). So it is found
    // below: the first run, or, 2 s later when the server is back, the second or the third.
    MemcachedCache<?, ?> stamps = EvictionChecks.timestampsRegion(sf, "co");
    List<Boolean> hits = new ArrayList<>();
    List<Boolean> answered = new ArrayList<>();
    for (int run = 0; run < 5; run++) {
      if (run == 1) {
        Thread.sleep(2_000);
        assertEquals(
            3, (int) sf.fromSession(s -> s.find(Author.class, author.getId()).getBooks().size()));
      } else if (run > 1) {
        Thread.sleep(2); // a session that begins in an answer's millisecond ranks below it
      }
      long misses = stamps.timestampMissCount();
      stats.clear();
      assertEquals(
          List.of("Errata", "Notes v2"),
          titlesUnder20(sf, region),
          run == 0 ? "after the resume" : "2 s after the resume, run " + run);
      hits.add(stats.getQueryCacheHitCount() == 1);
      answered.add(stamps.timestampMissCount() > misses);
    }
    String runs = "hits " + hits + ", timestamp answered " + answered;
    System.out.println("query runs after the resume: " + runs);
    int last = answered.lastIndexOf(true);
    assertTrue(last >= 0, "Book's lost timestamp is answered: " + runs);
    assertTrue(last <= 2, "the answer is stored once the server is back: " + runs);
    assertFalse(hits.get(last), "the run that answered reads H2: " + runs);
    assertFalse(hits.get(last + 1), "its result was cached below the answer: " + runs);
    assertEquals(
        Collections.nCopies(5 - last - 2, true),
        hits.subList(last + 2, 5),
        "the query cache is used again: " + runs);
  }
}
