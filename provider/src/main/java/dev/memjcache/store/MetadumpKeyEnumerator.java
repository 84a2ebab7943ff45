package dev.memjcache.store;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.CacheException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the item keys held by memcached servers with the ASCII command {@code lru_crawler metadump
 * hash} (memcached 1.6.10+; {@code lru_crawler metadump all} on older servers, from 1.4.31), which
 * spymemcached cannot send. The {@code hash} form walks the hash table, so an item is listed even
 * while memcached's LRU maintainer moves it between its hot/warm/cold lists; the {@code all} form
 * walks those lists and can miss an item that moves during the crawl. This is how {@link
 * javax.cache.Cache#iterator()} and {@link javax.cache.Cache#removeAll()} (no keys given) find the
 * entries of a cache.
 *
 * <p><b>Cost.</b> Every call walks every item on every server, whichever cache or application owns
 * it: time and network traffic grow with the total number of items on the servers (about 70–100
 * bytes of response per item), not with the size of the cache. Keys are filtered while the response
 * streams in, so memory grows only with the number of matching keys.
 *
 * <p><b>Protocol.</b> Each server is asked once per call, on a fresh TCP connection that is closed
 * afterwards; servers are asked one after another. While another crawl runs (another client's
 * metadump, or {@code lru_crawler crawl}), memcached answers {@code BUSY currently processing
 * crawler request}; the request is then retried with a backoff of 5 ms doubling up to 100 ms, for
 * at most {@code timeoutMillis} per server. memcached lists items that are linked when the crawl
 * starts, so an item stored before the call is listed unless it expires, is deleted or is evicted
 * meanwhile; items stored during the crawl may be missed.
 *
 * <p>Instances are immutable and thread-safe; concurrent calls against one server answer {@code
 * BUSY} to each other and therefore run one after another.
 */
public final class MetadumpKeyEnumerator {

  private static final Logger LOG = LoggerFactory.getLogger(MetadumpKeyEnumerator.class);

  private static final byte[] HASH_COMMAND =
      "lru_crawler metadump hash\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LRU_COMMAND =
      "lru_crawler metadump all\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final long FIRST_BACKOFF_MILLIS = 5;
  private static final long MAX_BACKOFF_MILLIS = 100;

  private final List<InetSocketAddress> servers;
  private final ServerSockets sockets;
  private final int timeoutMillis;
  private final LongAdder busyRetries = new LongAdder();

  /** Why enumeration cannot work at all (null when it can). */
  private final String unavailable;

  /**
   * Creates an enumerator; it opens no connection until {@link #keysWithPrefix(String)}.
   *
   * @param sockets how to open a connection to a server (the CacheManager's transport)
   * @param servers every memcached server of the CacheManager (copied); may be empty
   * @param timeoutMillis connect timeout and per-read socket timeout in milliseconds, also the
   *     longest time spent retrying a server that answers {@code BUSY}; must be positive
   * @throws NullPointerException when {@code sockets}, {@code servers} or one of its elements is
   *     null
   * @throws IllegalArgumentException when {@code timeoutMillis <= 0}
   */
  public MetadumpKeyEnumerator(
      ServerSockets sockets, List<InetSocketAddress> servers, int timeoutMillis) {
    this.sockets = Objects.requireNonNull(sockets, "sockets");
    this.servers = List.copyOf(Objects.requireNonNull(servers, "servers"));
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeoutMillis must be > 0, was " + timeoutMillis);
    }
    this.timeoutMillis = timeoutMillis;
    this.unavailable = null;
  }

  private MetadumpKeyEnumerator(String unavailable) {
    this.servers = List.of();
    this.sockets = ServerSockets.PLAIN;
    this.timeoutMillis = 1;
    this.unavailable = unavailable;
  }

  /**
   * An enumerator for servers that cannot answer {@code lru_crawler metadump} at all, such as
   * memcached started with {@code -S} (SASL), which closes every ASCII-protocol connection: {@link
   * #keysWithPrefix} always throws {@code UnsupportedOperationException} with {@code why}.
   *
   * @param why the reason, for the exception message
   * @return the enumerator
   */
  public static MetadumpKeyEnumerator unavailable(String why) {
    return new MetadumpKeyEnumerator(Objects.requireNonNull(why, "why"));
  }

  /**
   * Whether this enumerator can list keys at all: false for one made by {@link #unavailable}.
   *
   * @return true unless every call throws {@code UnsupportedOperationException}
   */
  public boolean isAvailable() {
    return unavailable == null;
  }

  /**
   * Returns every item key, on every server, that starts with {@code prefix}. Keys are compared and
   * returned decoded: memcached percent-encodes them in the metadump, and they are decoded to
   * bytes, then read as UTF-8 (memcached's ASCII keys are unchanged by this). The prefix test is on
   * those bytes, so it equals {@code key.startsWith(prefix)} for well-formed keys.
   *
   * @param prefix the key prefix, for example {@code "<prefix>:<cache>:<generation>:"}; the empty
   *     string lists every key
   * @return the matching keys, without duplicates, grouped by server in the order of the servers
   *     given to the constructor, each server's keys in memcached's crawl order; a new mutable list
   * @throws NullPointerException when {@code prefix} is null
   * @throws UnsupportedOperationException when a server refuses {@code lru_crawler metadump}: it
   *     runs with {@code -X} ({@code --disable-dumping}), with its LRU crawler disabled ({@code -o
   *     no_lru_crawler}), or is older than 1.4.31. The message names the server.
   * @throws CacheException when a server cannot be reached, a connect or read takes longer than
   *     {@code timeoutMillis}, the server stays {@code BUSY} for {@code timeoutMillis}, the
   *     response is malformed, or the thread is interrupted while waiting to retry (the interrupt
   *     flag is kept); the message names the server and the cause
   */
  public List<String> keysWithPrefix(String prefix) {
    byte[] prefixBytes = Objects.requireNonNull(prefix, "prefix").getBytes(StandardCharsets.UTF_8);
    // A key may sit on two servers after a node failure moved its Ketama slot; list it once.
    Set<String> keys = new LinkedHashSet<>();
    for (InetSocketAddress server : servers) {
      dump(server, prefixBytes, keys);
    }
    return new ArrayList<>(keys);
  }

  /**
   * {@link #keysWithPrefix(String)} on one server only (per-server generations give each server its
   * own prefix).
   *
   * @param server the server to ask, one of any memcached servers (not necessarily given to the
   *     constructor)
   * @param prefix the key prefix
   * @return the matching keys of that server, in crawl order; a new mutable list
   * @throws UnsupportedOperationException as {@link #keysWithPrefix(String)}
   * @throws CacheException as {@link #keysWithPrefix(String)}
   */
  public List<String> keysOnServer(InetSocketAddress server, String prefix) {
    byte[] prefixBytes = Objects.requireNonNull(prefix, "prefix").getBytes(StandardCharsets.UTF_8);
    Set<String> keys = new LinkedHashSet<>();
    dump(Objects.requireNonNull(server, "server"), prefixBytes, keys);
    return new ArrayList<>(keys);
  }

  /** Returns how many {@code BUSY} answers this instance has retried; for tests and diagnostics. */
  long busyRetries() {
    return busyRetries.sum();
  }

  private void dump(InetSocketAddress server, byte[] prefix, Set<String> keys) {
    if (unavailable != null) {
      throw new UnsupportedOperationException(unavailable);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    long backoffMillis = FIRST_BACKOFF_MILLIS;
    byte[] command = HASH_COMMAND;
    while (true) {
      MetadumpResponseReader reader;
      MetadumpResponseReader.Outcome outcome;
      try (Socket socket = sockets.open(server, timeoutMillis)) {
        OutputStream out = socket.getOutputStream();
        out.write(command);
        out.flush();
        reader =
            new MetadumpResponseReader(
                socket.getInputStream(),
                prefix,
                keys::add,
                MetadumpResponseReader.DEFAULT_BUFFER_BYTES);
        outcome = reader.read();
      } catch (SocketTimeoutException e) {
        throw new CacheException(
            "lru_crawler metadump on memcached server "
                + name(server)
                + " timed out after "
                + timeoutMillis
                + " ms: "
                + e.getMessage(),
            e);
      } catch (IOException e) {
        throw new CacheException(
            "lru_crawler metadump on memcached server " + name(server) + " failed: " + e, e);
      }
      switch (outcome) {
        case COMPLETE:
          return;
        case REFUSED:
          throw refused(server, reader.statusLine());
        case BAD_TARGET:
          if (command == LRU_COMMAND) {
            throw new CacheException(
                "lru_crawler metadump on memcached server "
                    + name(server)
                    + " answered "
                    + reader.statusLine());
          }
          command = LRU_COMMAND;
          break;
        case BUSY:
          long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (remainingMillis < backoffMillis) {
            throw new CacheException(
                "lru_crawler metadump on memcached server "
                    + name(server)
                    + " still answered "
                    + reader.statusLine()
                    + " after retrying for "
                    + timeoutMillis
                    + " ms: another crawl (metadump or lru_crawler crawl) is running");
          }
          busyRetries.increment();
          LOG.debug(
              "memcached server {} busy with another crawl; retrying metadump in {} ms",
              name(server),
              backoffMillis);
          sleep(server, backoffMillis);
          backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
          break;
        default:
          throw new AssertionError(outcome);
      }
    }
  }

  private static UnsupportedOperationException refused(InetSocketAddress server, String status) {
    String why =
        status.contains("crawler disabled")
            ? "the server must run with its LRU crawler enabled (without '-o no_lru_crawler')"
                + " and without -X (--disable-dumping)"
            : "the server must run without -X (--disable-dumping) and be memcached 1.4.31 or later";
    return new UnsupportedOperationException(
        "memcached server "
            + name(server)
            + " refused 'lru_crawler metadump all' with "
            + status
            + "; Cache.iterator() and Cache.removeAll() need it to list the cache's keys, so "
            + why);
  }

  private static void sleep(InetSocketAddress server, long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException(
          "lru_crawler metadump on memcached server "
              + name(server)
              + " interrupted while waiting for another crawl to finish",
          e);
    }
  }

  private static String name(InetSocketAddress server) {
    return server.getHostString() + ":" + server.getPort();
  }
}
