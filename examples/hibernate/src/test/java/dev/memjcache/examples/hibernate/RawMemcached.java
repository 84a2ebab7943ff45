package dev.memjcache.examples.hibernate;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * memcached's text protocol on one loopback connection, for tests that do to items what eviction
 * does ({@code delete}), make memcached evict ({@code set ... noreply} filler) and read what it did
 * ({@code lru_crawler metadump all}, {@code stats items}, {@code stats slabs}). Not thread-safe.
 */
final class RawMemcached implements AutoCloseable {

  /** One item as {@code lru_crawler metadump} lists it. */
  record Item(String key, int slabClass, int size) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawMemcached(int port) {
    try {
      socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(30_000);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every item on the server (keys URL-decoded). */
  List<Item> items() {
    List<Item> items = new ArrayList<>();
    send("lru_crawler metadump all\r\n");
    for (String line = line(); !line.equals("END"); line = line()) {
      Map<String, String> fields = new HashMap<>();
      for (String field : line.split(" ")) {
        int eq = field.indexOf('=');
        if (eq > 0) {
          fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
      }
      items.add(
          new Item(
              URLDecoder.decode(fields.get("key"), StandardCharsets.UTF_8),
              Integer.parseInt(fields.get("cls")),
              Integer.parseInt(fields.get("size"))));
    }
    return items;
  }

  /**
   * Deletes every entry item whose key contains {@code part} (the region name), not the cache's
   * generation and clear-marker items; returns how many were deleted.
   */
  int deleteEntries(String part) {
    int deleted = 0;
    for (Item item : items()) {
      if (item.key().contains(part)
          && !item.key().endsWith(":gen")
          && !item.key().endsWith(":clear")) {
        if (delete(item.key())) {
          deleted++;
        }
      }
    }
    return deleted;
  }

  /** {@code delete}: whether memcached held {@code key}. */
  boolean delete(String key) {
    send("delete " + key + "\r\n");
    return line().equals("DELETED");
  }

  /** The value bytes of {@code key}, or null when memcached holds no such item. */
  byte[] get(String key) {
    send("get " + key + "\r\n");
    String header = line();
    if (header.equals("END")) {
      return null;
    }
    int length = Integer.parseInt(header.substring(header.lastIndexOf(' ') + 1));
    byte[] data = read(length + 2);
    line(); // END
    return Arrays.copyOf(data, length);
  }

  /**
   * Whether memcached holds {@code key}: a meta get with {@code u}, which does not bump the item in
   * its LRU (a plain get would make it look recently used and so harder to evict).
   */
  boolean exists(String key) {
    send("mg " + key + " u\r\n");
    String answer = line();
    if (!answer.equals("HD") && !answer.equals("EN")) {
      throw new IllegalStateException("memcached answered " + answer + " to mg");
    }
    return answer.equals("HD");
  }

  /**
   * Writes {@code count} items of exactly {@code keyLength} + {@code valueLength} bytes (so in the
   * slab class of any item of those lengths and flags 0) with {@code noreply}, then waits for them
   * with one {@code version}.
   */
  void fill(String tag, long first, int count, int keyLength, int valueLength) {
    byte[] value = new byte[valueLength];
    Arrays.fill(value, (byte) 'x');
    StringBuilder batch = new StringBuilder();
    for (long i = first; i < first + count; i++) {
      String key = tag + i;
      key = key + "_".repeat(Math.max(0, keyLength - key.length()));
      batch.append("set ").append(key).append(" 0 0 ").append(valueLength).append(" noreply\r\n");
      batch.append(new String(value, StandardCharsets.US_ASCII)).append("\r\n");
      if (batch.length() > 64 * 1024) {
        send(batch.toString());
        batch.setLength(0);
      }
    }
    batch.append("version\r\n");
    send(batch.toString());
    String answer = line();
    if (!answer.startsWith("VERSION")) {
      throw new IllegalStateException("memcached answered " + answer + " to the filler");
    }
  }

  /** {@code stats items} or {@code stats slabs}: statistic name to value. */
  Map<String, Long> stats(String group) {
    Map<String, Long> stats = new HashMap<>();
    send("stats " + group + "\r\n");
    for (String line = line(); !line.equals("END"); line = line()) {
      String[] words = line.split(" ");
      try {
        stats.put(words[1], Long.parseLong(words[2]));
      } catch (NumberFormatException notANumber) {
        // a text statistic
      }
    }
    return stats;
  }

  /**
   * The slab class with the most evicted items ({@code stats items}: {@code items:<class>:evicted})
   * and that count; class 0 with 0 when nothing was evicted.
   */
  Map.Entry<Integer, Long> mostEvicted() {
    Map.Entry<Integer, Long> most = Map.entry(0, 0L);
    for (Map.Entry<String, Long> stat : stats("items").entrySet()) {
      String[] name = stat.getKey().split(":");
      if (name.length == 3 && name[2].equals("evicted") && stat.getValue() > most.getValue()) {
        most = Map.entry(Integer.parseInt(name[1]), stat.getValue());
      }
    }
    return most;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void send(String command) {
    try {
      out.write(command.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String line() {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("memcached closed the connection");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  private byte[] read(int length) {
    try {
      return in.readNBytes(length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
