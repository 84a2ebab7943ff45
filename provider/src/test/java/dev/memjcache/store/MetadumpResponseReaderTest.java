package dev.memjcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Plain unit tests of the metadump response parser on byte streams shaped like memcached 1.6.18's
 * responses (captured with a raw socket); the server round trip is in {@link
 * MetadumpKeyEnumeratorTest}.
 */
class MetadumpResponseReaderTest {

  private final List<String> keys = new ArrayList<>();

  private MetadumpResponseReader reader(String response, String prefix, int bufferBytes) {
    return reader(
        new ByteArrayInputStream(response.getBytes(StandardCharsets.ISO_8859_1)),
        prefix,
        bufferBytes);
  }

  private MetadumpResponseReader reader(InputStream in, String prefix, int bufferBytes) {
    return new MetadumpResponseReader(
        in, prefix.getBytes(StandardCharsets.UTF_8), keys::add, bufferBytes);
  }

  private static String item(String encodedKey) {
    return "key=" + encodedKey + " exp=-1 la=1795884497 cas=1 fetch=no cls=1 size=69\n";
  }

  @Test
  void decodesPercentEncodingWithoutTreatingPlusAsSpace() throws IOException {
    MetadumpResponseReader reader =
        reader(
            item("a%25b%2Bc%26d%3De")
                + item("k%C3%A9")
                + item("x%2bY%2f")
                + item("plain+raw")
                + "END\r\n",
            "",
            256);

    assertEquals(MetadumpResponseReader.Outcome.COMPLETE, reader.read());
    assertEquals(List.of("a%b+c&d=e", "k\u00e9", "x+Y/", "plain+raw"), keys);
    assertNull(reader.statusLine());
  }

  @Test
  void keepsMalformedPercentSequencesLiterally() throws IOException {
    MetadumpResponseReader reader =
        reader(item("100%") + item("%zz") + item("%4") + "END\r\n", "", 256);

    reader.read();
    assertEquals(List.of("100%", "%zz", "%4"), keys);
  }

  @Test
  void filtersOnTheDecodedKey() throws IOException {
    reader(
            item("app%3Ausers%3A1")
                + item("app%3Aorders%3A1")
                + item("app%3Ausers%3A2")
                + item("other")
                + "END\r\n",
            "app:users:",
            256)
        .read();

    assertEquals(List.of("app:users:1", "app:users:2"), keys);
  }

  @Test
  void parsesLinesSplitAcrossBufferRefills() throws IOException {
    StringBuilder response = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      response.append(item("key%20" + i));
      expected.add("key " + i);
    }
    response.append("END\r\n");
    // A stream that hands out 7 bytes per read() splits almost every line.
    InputStream trickle =
        new ByteArrayInputStream(response.toString().getBytes(StandardCharsets.US_ASCII)) {
          @Override
          public synchronized int read(byte[] b, int off, int len) {
            return super.read(b, off, Math.min(len, 7));
          }
        };

    assertEquals(MetadumpResponseReader.Outcome.COMPLETE, reader(trickle, "", 128).read());
    assertEquals(expected, keys);
  }

  @Test
  void emptyServerAnswersOnlyEnd() throws IOException {
    assertEquals(MetadumpResponseReader.Outcome.COMPLETE, reader("END\r\n", "", 64).read());
    assertTrue(keys.isEmpty());
  }

  @Test
  void classifiesStatusLines() throws IOException {
    MetadumpResponseReader busy = reader("BUSY currently processing crawler request\r\n", "", 64);
    assertEquals(MetadumpResponseReader.Outcome.BUSY, busy.read());
    assertEquals("\"BUSY currently processing crawler request\"", busy.statusLine());

    for (String refusal :
        List.of("ERROR metadump not allowed", "CLIENT_ERROR lru crawler disabled", "ERROR")) {
      MetadumpResponseReader reader = reader(refusal + "\r\n", "", 64);
      assertEquals(MetadumpResponseReader.Outcome.REFUSED, reader.read(), refusal);
      assertEquals('"' + refusal + '"', reader.statusLine());
    }
  }

  @Test
  void rejectsUnknownFirstLine() {
    IOException e =
        assertThrows(
            IOException.class, () -> reader("SERVER_ERROR out of memory\r\n", "", 64).read());
    assertTrue(e.getMessage().contains("SERVER_ERROR out of memory"), e.getMessage());
  }

  @Test
  void rejectsNonItemLineAfterItems() {
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                reader(item("a") + "BUSY currently processing crawler request\r\n", "", 256)
                    .read());
    assertTrue(e.getMessage().contains("unexpected line after 1 item lines"), e.getMessage());
  }

  @Test
  void rejectsStreamEndingBeforeEnd() {
    IOException e =
        assertThrows(IOException.class, () -> reader(item("a") + item("b"), "", 256).read());
    assertTrue(e.getMessage().contains("closed before END after 2 lines"), e.getMessage());
  }

  @Test
  void rejectsLineLongerThanTheBuffer() {
    IOException e =
        assertThrows(
            IOException.class, () -> reader(item("k".repeat(100)) + "END\r\n", "", 64).read());
    assertTrue(e.getMessage().contains("longer than 64 bytes"), e.getMessage());
  }

  @Test
  void stopsReadingAtEnd() throws IOException {
    ByteArrayInputStream in =
        new ByteArrayInputStream(
            (item("a") + "END\r\nleftover").getBytes(StandardCharsets.US_ASCII));
    // The whole stream fits the buffer, so this checks parsing stops; the socket is closed after.
    assertEquals(MetadumpResponseReader.Outcome.COMPLETE, reader(in, "", 256).read());
    assertEquals(List.of("a"), keys);
  }
}
