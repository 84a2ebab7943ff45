package dev.memjcache.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Streaming parser of one memcached {@code lru_crawler metadump} response (memcached 1.4.31+, ASCII
 * protocol), checked against memcached 1.6.18.
 *
 * <p>The response is either a single status line or a sequence of item lines ended by {@code
 * END\r\n}. Item lines end with a bare {@code \n} and look like {@code key=<percent-encoded key>
 * exp=<unix s|-1> la=<unix s> cas=<n> fetch=<yes|no> cls=<n> size=<bytes>}; only {@code key=} is
 * used. memcached percent-encodes every key byte outside {@code [A-Za-z0-9-._~]} as {@code %XX}, so
 * {@code '+'} arrives as {@code %2B} and is never a space. Status lines seen on memcached 1.6.18:
 *
 * <ul>
 *   <li>{@code BUSY currently processing crawler request} — another crawl is running;
 *   <li>{@code ERROR metadump not allowed} — the server runs with {@code -X} ({@code
 *       --disable-dumping});
 *   <li>{@code CLIENT_ERROR lru crawler disabled} — the server runs with {@code -o no_lru_crawler}
 *       (or {@code lru_crawler disable} was sent);
 *   <li>{@code ERROR} — the command is unknown (memcached older than 1.4.31).
 * </ul>
 *
 * <p>The stream is read through a fixed buffer and parsed as bytes; keys are decoded into a reused
 * byte array and compared with the prefix as bytes, so a {@code String} is created only for
 * matching keys and memory stays bounded however many items the server holds. Not thread-safe; one
 * instance reads one response.
 */
final class MetadumpResponseReader {

  /** How a metadump response ended. */
  enum Outcome {
    /** Item lines (possibly none) followed by {@code END}. */
    COMPLETE,
    /** {@code BUSY ...}: another crawl runs; the request may be retried. */
    BUSY,
    /** {@code BADCLASS ...}: the server does not know the dump target (no {@code hash} mode). */
    BAD_TARGET,
    /** The server refuses metadump; {@link #statusLine()} says why. */
    REFUSED
  }

  /** Default read buffer size in bytes. */
  static final int DEFAULT_BUFFER_BYTES = 64 * 1024;

  private static final byte[] KEY_FIELD = ascii("key=");
  private static final byte[] END = ascii("END");
  private static final byte[] BUSY = ascii("BUSY");
  private static final byte[] BADCLASS = ascii("BADCLASS");
  private static final byte[] NOT_ALLOWED = ascii("ERROR metadump not allowed");
  private static final byte[] CRAWLER_DISABLED = ascii("CLIENT_ERROR lru crawler disabled");
  private static final byte[] UNKNOWN_COMMAND = ascii("ERROR");

  private final InputStream in;
  private final byte[] prefix;
  private final Consumer<String> sink;
  private final byte[] buffer;
  private byte[] key = new byte[256];
  private int start;
  private int limit;
  private long lines;
  private String statusLine;

  /**
   * @param in the server's response stream, positioned at the first response byte
   * @param prefix the decoded-key prefix, as bytes (UTF-8 of the caller's prefix)
   * @param sink receives each decoded key (UTF-8) that starts with {@code prefix}, in server order
   * @param bufferBytes read buffer size in bytes; also the longest line accepted
   */
  MetadumpResponseReader(InputStream in, byte[] prefix, Consumer<String> sink, int bufferBytes) {
    this.in = Objects.requireNonNull(in, "in");
    this.prefix = prefix.clone();
    this.sink = Objects.requireNonNull(sink, "sink");
    if (bufferBytes < 64) {
      throw new IllegalArgumentException("bufferBytes must be >= 64, was " + bufferBytes);
    }
    this.buffer = new byte[bufferBytes];
  }

  /**
   * Reads the response up to and including its last line ({@code END} or a status line); reads
   * nothing after it.
   *
   * @return how the response ended
   * @throws IOException when the stream fails or times out, ends before {@code END}, holds a line
   *     longer than the buffer, or holds a line that is neither an item nor a known status
   */
  Outcome read() throws IOException {
    while (true) {
      int newline = indexOfNewline();
      while (newline < 0) {
        fill();
        newline = indexOfNewline();
      }
      int end = newline;
      if (end > start && buffer[end - 1] == '\r') {
        end--;
      }
      int lineStart = start;
      start = newline + 1;
      boolean first = lines++ == 0;
      if (startsWith(lineStart, end, KEY_FIELD)) {
        acceptKey(lineStart + KEY_FIELD.length, end);
      } else if (equalsLine(lineStart, end, END)) {
        return Outcome.COMPLETE;
      } else if (first) {
        return classifyStatus(lineStart, end);
      } else {
        throw new IOException(
            "unexpected line after " + (lines - 1) + " item lines: " + printable(lineStart, end));
      }
    }
  }

  /**
   * Returns the status line that ended the response ({@code BUSY ...}, an error), in double quotes
   * and cut at 200 characters; null when the response ended with {@code END}.
   */
  String statusLine() {
    return statusLine;
  }

  private Outcome classifyStatus(int from, int to) throws IOException {
    statusLine = printable(from, to);
    if (startsWith(from, to, BUSY)) {
      return Outcome.BUSY;
    }
    if (startsWith(from, to, BADCLASS)) {
      return Outcome.BAD_TARGET;
    }
    if (equalsLine(from, to, NOT_ALLOWED)
        || equalsLine(from, to, CRAWLER_DISABLED)
        || equalsLine(from, to, UNKNOWN_COMMAND)) {
      return Outcome.REFUSED;
    }
    throw new IOException("unexpected response: " + statusLine);
  }

  private void acceptKey(int from, int lineEnd) {
    int to = from;
    while (to < lineEnd && buffer[to] != ' ') {
      to++;
    }
    if (key.length < to - from) {
      key = new byte[to - from];
    }
    int length = percentDecode(buffer, from, to, key);
    if (length < prefix.length) {
      return;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return;
      }
    }
    sink.accept(new String(key, 0, length, StandardCharsets.UTF_8));
  }

  /**
   * Decodes {@code %XX} (either hex case) from {@code src[from, to)} into {@code dst}; any other
   * byte, including {@code '+'} and a {@code '%'} not followed by two hex digits, is copied as is.
   *
   * @return the number of bytes written to {@code dst} (at most {@code to - from})
   */
  static int percentDecode(byte[] src, int from, int to, byte[] dst) {
    int n = 0;
    for (int i = from; i < to; i++) {
      byte b = src[i];
      if (b == '%' && i + 2 < to) {
        int hi = hexValue(src[i + 1]);
        int lo = hexValue(src[i + 2]);
        if (hi >= 0 && lo >= 0) {
          dst[n++] = (byte) ((hi << 4) | lo);
          i += 2;
          continue;
        }
      }
      dst[n++] = b;
    }
    return n;
  }

  private static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    return -1;
  }

  private int indexOfNewline() {
    for (int i = start; i < limit; i++) {
      if (buffer[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Keeps the unread partial line, then reads at least one more byte after it. */
  private void fill() throws IOException {
    if (start > 0) {
      System.arraycopy(buffer, start, buffer, 0, limit - start);
      limit -= start;
      start = 0;
    }
    if (limit == buffer.length) {
      throw new IOException(
          "response line longer than " + buffer.length + " bytes after " + lines + " lines");
    }
    int read = in.read(buffer, limit, buffer.length - limit);
    if (read < 0) {
      throw new IOException("connection closed before END after " + lines + " lines");
    }
    limit += read;
  }

  private boolean startsWith(int from, int to, byte[] literal) {
    if (to - from < literal.length) {
      return false;
    }
    for (int i = 0; i < literal.length; i++) {
      if (buffer[from + i] != literal[i]) {
        return false;
      }
    }
    return true;
  }

  private boolean equalsLine(int from, int to, byte[] literal) {
    return to - from == literal.length && startsWith(from, to, literal);
  }

  private String printable(int from, int to) {
    int shown = Math.min(to - from, 200);
    String text = new String(buffer, from, shown, StandardCharsets.US_ASCII);
    return '"' + text + (shown < to - from ? "...\"" : "\"");
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
