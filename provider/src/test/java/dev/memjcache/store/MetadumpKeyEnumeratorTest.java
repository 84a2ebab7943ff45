package dev.memjcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.testkit.MemcachedExtension;
import dev.memjcache.testkit.MemcachedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.cache.CacheException;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link MetadumpKeyEnumerator} against real memcached servers started by the testkit. Each test
 * writes keys under its own prefix, so tests sharing the servers do not see each other's keys.
 */
class MetadumpKeyEnumeratorTest {

  @RegisterExtension static final MemcachedExtension MEMCACHED = MemcachedExtension.nodes(2);

  private static final int TIMEOUT_MILLIS = 2_000;

  private static InetSocketAddress address(MemcachedProcess server) {
    return new InetSocketAddress("127.0.0.1", server.port());
  }

  private static List<InetSocketAddress> allServers() {
    return MEMCACHED.servers().stream()
        .map(MetadumpKeyEnumeratorTest::address)
        .collect(Collectors.toList());
  }

  /** Stores each key with a 1-byte value through pipelined ASCII {@code set ... noreply}. */
  private static void rawSet(MemcachedProcess server, List<String> keys) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      StringBuilder commands = new StringBuilder();
      for (String key : keys) {
        commands.append("set ").append(key).append(" 0 0 1 noreply\r\nx\r\n");
      }
      commands.append("mn\r\n"); // meta no-op: answered after every earlier command ran
      OutputStream out = socket.getOutputStream();
      out.write(commands.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      byte[] reply = socket.getInputStream().readNBytes(4);
      assertEquals("MN\r\n", new String(reply, StandardCharsets.US_ASCII), "set pipeline reply");
    }
  }

  private static List<String> keys(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> prefix + i).collect(Collectors.toList());
  }

  @Test
  void listsKeysSetImmediatelyBefore() throws IOException {
    List<String> written = keys("immediate:", 10_000);
    rawSet(MEMCACHED.server(), written);

    List<String> listed =
        new MetadumpKeyEnumerator(ServerSockets.PLAIN, allServers(), TIMEOUT_MILLIS)
            .keysWithPrefix("immediate:");

    assertEquals(10_000, listed.size());
    assertEquals(new HashSet<>(written), new HashSet<>(listed));
  }

  @Test
  void filtersByPrefix() throws IOException {
    rawSet(MEMCACHED.server(), List.of("pf:a:1", "pf:a:2", "pf:ab", "pf:b:1", "xpf:a:1", "pf:"));

    MetadumpKeyEnumerator enumerator =
        new MetadumpKeyEnumerator(ServerSockets.PLAIN, allServers(), TIMEOUT_MILLIS);

    assertEquals(Set.of("pf:a:1", "pf:a:2"), new HashSet<>(enumerator.keysWithPrefix("pf:a:")));
    assertEquals(
        Set.of("pf:a:1", "pf:a:2", "pf:ab"), new HashSet<>(enumerator.keysWithPrefix("pf:a")));
    assertEquals(List.of(), enumerator.keysWithPrefix("pf:none:"));
    assertTrue(
        enumerator
            .keysWithPrefix("")
            .containsAll(List.of("pf:a:1", "pf:ab", "pf:b:1", "xpf:a:1", "pf:")));
  }

  @Test
  void decodesKeysWithPercentEncodableCharacters() throws IOException {
    // Printable ASCII that memcached percent-encodes, including '%' and '+' (which must not
    // become a space) and sequences that look encoded already.
    List<String> written =
        List.of(
            "enc:a%b",
            "enc:1+1=2",
            "enc:x&y",
            "enc:%41%2B",
            "enc:~._-",
            "enc:!\"#$'()*,/;<>?@[\\]^`{|}",
            "enc:+%20+");
    rawSet(MEMCACHED.server(), written);

    List<String> listed =
        new MetadumpKeyEnumerator(ServerSockets.PLAIN, allServers(), TIMEOUT_MILLIS)
            .keysWithPrefix("enc:");

    assertEquals(new HashSet<>(written), new HashSet<>(listed));
    assertEquals(written.size(), listed.size());
  }

  @Test
  void prefixWithEncodableCharactersMatchesDecodedKeys() throws IOException {
    rawSet(MEMCACHED.server(), List.of("p%+&=:1", "p%+&=:2", "p%2B&=:3"));

    List<String> listed =
        new MetadumpKeyEnumerator(ServerSockets.PLAIN, allServers(), TIMEOUT_MILLIS)
            .keysWithPrefix("p%+&=:");

    assertEquals(Set.of("p%+&=:1", "p%+&=:2"), new HashSet<>(listed));
  }

  @Test
  void listsKeysSpreadOverServersBySpymemcached() throws Exception {
    List<String> written = keys("spread:", 300);
    MemcachedClient client =
        new MemcachedClient(
            new ConnectionFactoryBuilder()
                .setClientMode(ClientMode.Static)
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
                .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
                .build(),
            AddrUtil.getAddresses(MEMCACHED.uri().substring("memcached://".length())));
    try {
      List<Future<Boolean>> stores = new ArrayList<>();
      for (String key : written) {
        stores.add(client.set(key, 0, "v"));
      }
      for (Future<Boolean> store : stores) {
        assertTrue(store.get(10, TimeUnit.SECONDS));
      }
    } finally {
      client.shutdown(5, TimeUnit.SECONDS);
    }

    List<String> fromFirst =
        new MetadumpKeyEnumerator(
                ServerSockets.PLAIN, List.of(address(MEMCACHED.servers().get(0))), TIMEOUT_MILLIS)
            .keysWithPrefix("spread:");
    List<String> fromSecond =
        new MetadumpKeyEnumerator(
                ServerSockets.PLAIN, List.of(address(MEMCACHED.servers().get(1))), TIMEOUT_MILLIS)
            .keysWithPrefix("spread:");
    List<String> fromBoth =
        new MetadumpKeyEnumerator(ServerSockets.PLAIN, allServers(), TIMEOUT_MILLIS)
            .keysWithPrefix("spread:");

    assertTrue(
        !fromFirst.isEmpty() && !fromSecond.isEmpty(),
        "Ketama should put keys on both servers: " + fromFirst.size() + "/" + fromSecond.size());
    Set<String> overlap = new HashSet<>(fromFirst);
    overlap.retainAll(fromSecond);
    assertEquals(Set.of(), overlap);
    assertEquals(written.size(), fromBoth.size());
    assertEquals(new HashSet<>(written), new HashSet<>(fromBoth));
  }

  @Test
  void listsAKeyHeldByTwoServersOnce() throws IOException {
    for (MemcachedProcess server : MEMCACHED.servers()) {
      rawSet(server, List.of("dup:moved"));
    }

    assertEquals(
        List.of("dup:moved"),
        new MetadumpKeyEnumerator(ServerSockets.PLAIN, allServers(), TIMEOUT_MILLIS)
            .keysWithPrefix("dup:"));
  }

  @Test
  void retriesWhileAnotherCrawlIsRunning() throws Exception {
    // A separate server, so the 300,000 filler items cannot evict the other tests' keys.
    try (MemcachedProcess server = MemcachedProcess.start("-m", "256")) {
      rawSet(server, keys("filler:", 300_000));
      rawSet(server, List.of("busy:1", "busy:2"));
      try (Socket other = new Socket("127.0.0.1", server.port())) {
        other.setSoTimeout(30_000);
        // the same command the enumerator sends, so the two crawls contend
        other
            .getOutputStream()
            .write("lru_crawler metadump hash\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream otherIn = other.getInputStream();
        otherIn.read(); // the other crawl has started once its first byte arrives
        // Drain it concurrently: a client that stops reading stalls memcached's crawler.
        CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> drain(otherIn));

        MetadumpKeyEnumerator enumerator =
            new MetadumpKeyEnumerator(ServerSockets.PLAIN, List.of(address(server)), 10_000);
        List<String> listed = enumerator.keysWithPrefix("busy:");

        assertEquals(Set.of("busy:1", "busy:2"), new HashSet<>(listed));
        assertTrue(enumerator.busyRetries() > 0, "the running crawl should have answered BUSY");
        assertTrue(drained.get(30, TimeUnit.SECONDS) > 300_000);
      }
    }
  }

  private static long drain(InputStream in) {
    byte[] buffer = new byte[64 * 1024];
    long newlines = 0;
    try {
      for (int read; (read = in.read(buffer)) > 0; ) {
        for (int i = 0; i < read; i++) {
          if (buffer[i] == '\n') {
            newlines++;
          }
        }
        if (read >= 5
            && new String(buffer, read - 5, 5, StandardCharsets.US_ASCII).equals("END\r\n")) {
          return newlines;
        }
      }
      return newlines;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void staysBusyLongerThanTheTimeoutFails() throws Exception {
    try (MemcachedProcess server = MemcachedProcess.start("-m", "256")) {
      rawSet(server, keys("filler:", 300_000));
      try (Socket other = new Socket("127.0.0.1", server.port())) {
        other.setSoTimeout(30_000);
        // the same command the enumerator sends, so the two crawls contend
        other
            .getOutputStream()
            .write("lru_crawler metadump hash\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream otherIn = other.getInputStream();
        otherIn.read();
        CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> drain(otherIn));

        MetadumpKeyEnumerator enumerator =
            new MetadumpKeyEnumerator(ServerSockets.PLAIN, List.of(address(server)), 20);
        long start = System.nanoTime();
        CacheException e =
            assertThrows(CacheException.class, () -> enumerator.keysWithPrefix("filler:"));
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(e.getMessage().contains(server.address()), e.getMessage());
        assertTrue(
            e.getMessage().contains("BUSY currently processing crawler request"), e.getMessage());
        assertTrue(elapsedMillis < 1_000, "gave up after " + elapsedMillis + " ms");
        drained.get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void refusesWhenServerRunsWithDisableDumping() {
    try (MemcachedProcess server = MemcachedProcess.start("-X")) {
      MetadumpKeyEnumerator enumerator =
          new MetadumpKeyEnumerator(
              ServerSockets.PLAIN,
              List.of(address(MEMCACHED.server()), address(server)),
              TIMEOUT_MILLIS);

      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, () -> enumerator.keysWithPrefix(""));

      assertTrue(e.getMessage().contains(server.address()), e.getMessage());
      assertTrue(e.getMessage().contains("ERROR metadump not allowed"), e.getMessage());
      assertTrue(e.getMessage().contains("Cache.iterator() and Cache.removeAll()"), e.getMessage());
      assertTrue(e.getMessage().contains("without -X"), e.getMessage());
    }
  }

  @Test
  void refusesWhenServerRunsWithoutLruCrawler() {
    try (MemcachedProcess server = MemcachedProcess.start("-o", "no_lru_crawler")) {
      UnsupportedOperationException e =
          assertThrows(
              UnsupportedOperationException.class,
              () ->
                  new MetadumpKeyEnumerator(
                          ServerSockets.PLAIN, List.of(address(server)), TIMEOUT_MILLIS)
                      .keysWithPrefix(""));

      assertTrue(e.getMessage().contains(server.address()), e.getMessage());
      assertTrue(e.getMessage().contains("lru crawler disabled"), e.getMessage());
      assertTrue(e.getMessage().contains("no_lru_crawler"), e.getMessage());
    }
  }

  @Test
  void stoppedServerFailsWithCacheException() {
    MemcachedProcess server = MemcachedProcess.start();
    InetSocketAddress stopped = address(server);
    server.close();
    MetadumpKeyEnumerator enumerator =
        new MetadumpKeyEnumerator(
            ServerSockets.PLAIN, List.of(address(MEMCACHED.server()), stopped), TIMEOUT_MILLIS);

    long start = System.nanoTime();
    CacheException e = assertThrows(CacheException.class, () -> enumerator.keysWithPrefix(""));
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertTrue(e.getMessage().contains("127.0.0.1:" + stopped.getPort()), e.getMessage());
    assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
    assertTrue(elapsedMillis < TIMEOUT_MILLIS + 1_000, "failed after " + elapsedMillis + " ms");
  }

  @Test
  void unresponsiveServerFailsWithinTheTimeout() throws IOException {
    // A listening socket that never answers stands for a hung server: the kernel completes the
    // TCP handshake, nothing is ever read or written.
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
      InetSocketAddress hung = new InetSocketAddress("127.0.0.1", silent.getLocalPort());
      MetadumpKeyEnumerator enumerator =
          new MetadumpKeyEnumerator(ServerSockets.PLAIN, List.of(hung), 300);

      long start = System.nanoTime();
      CacheException e = assertThrows(CacheException.class, () -> enumerator.keysWithPrefix(""));
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertTrue(e.getMessage().contains("127.0.0.1:" + silent.getLocalPort()), e.getMessage());
      assertTrue(e.getMessage().contains("timed out after 300 ms"), e.getMessage());
      assertTrue(
          elapsedMillis >= 250 && elapsedMillis < 1_500, "failed after " + elapsedMillis + " ms");
    }
  }

  @Test
  void rejectsInvalidArguments() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new MetadumpKeyEnumerator(ServerSockets.PLAIN, allServers(), 0));
    assertThrows(
        NullPointerException.class,
        () -> new MetadumpKeyEnumerator(ServerSockets.PLAIN, null, 100));
    assertThrows(
        NullPointerException.class,
        () ->
            new MetadumpKeyEnumerator(ServerSockets.PLAIN, allServers(), 100).keysWithPrefix(null));
  }

  @Test
  void noServersListsNothing() {
    assertEquals(
        List.of(),
        new MetadumpKeyEnumerator(ServerSockets.PLAIN, List.of(), 100).keysWithPrefix(""));
  }
}
