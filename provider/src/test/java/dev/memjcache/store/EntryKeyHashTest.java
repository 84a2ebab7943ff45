package dev.memjcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.junit.jupiter.api.Test;

/** The server of an entry does not depend on its generation; other strings hash as Ketama does. */
class EntryKeyHashTest {

  private final EntryKeyHash hash = new EntryKeyHash("mjc");

  /**
   * The standard Ketama hash: the first four bytes of the key's MD5, little-endian, unsigned. Kept
   * here rather than taken from the client jar, whose {@code KETAMA_HASH} differs between
   * spymemcached 2.12.3 and AWS's fork.
   */
  static long ketama(String key) {
    byte[] md5;
    try {
      md5 = MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return ((long) (md5[3] & 0xFF) << 24)
        | ((long) (md5[2] & 0xFF) << 16)
        | ((long) (md5[1] & 0xFF) << 8)
        | (md5[0] & 0xFF);
  }

  @Test
  void theReferenceIsTheStandardKetamaValue() {
    assertEquals(3111502092L, ketama("a"));
  }

  @Test
  void entryKeysHashWithoutTheirGeneration() {
    long expected = ketama("mjc:users:alice");
    assertEquals(expected, hash.hash("mjc:users:0:alice"));
    assertEquals(expected, hash.hash("mjc:users:1795975610731:alice"));
    assertEquals(
        ketama("mjc:users:a:b:7"),
        hash.hash("mjc:users:42:a:b:7"),
        "only the generation segment goes; colons in the key part stay");
    assertEquals(ketama("mjc:#h4sh:#k3y"), hash.hash("mjc:#h4sh:9:#k3y"));
  }

  @Test
  void everythingElseHashesUnchanged() {
    for (String key :
        new String[] {
          "127.0.0.1:11211-0",
          "localhost/127.0.0.1:11211-159",
          "0:0:0:0:0:0:0:1:11211-3",
          "mjc:users:gen",
          "mjc:users:clear",
          "mjc:users:x1:alice",
          "mjc:users::alice",
          "mjc:users:12345678901234567890:alice",
          "other:users:5:alice",
          "mjc",
          "mjc:"
        }) {
      assertEquals(ketama(key), hash.hash(key), key);
    }
  }

  @Test
  void anotherPrefixIsNotStripped() {
    assertNotEquals(hash.hash("app:users:1:alice"), hash.hash("app:users:2:alice"));
    EntryKeyHash app = new EntryKeyHash("app");
    assertEquals(app.hash("app:users:1:alice"), app.hash("app:users:2:alice"));
  }

  @Test
  void theAllocationFreePathHashesExactlyLikeKetamaOfTheKeyWithoutGeneration() {
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder part = new StringBuilder();
      int length = random.nextInt(180);
      for (int j = 0; j < length; j++) {
        part.append((char) (0x21 + random.nextInt(0x7E - 0x21 + 1)));
      }
      long generation = random.nextInt(3) == 0 ? 0 : Math.abs(random.nextLong());
      String entryKey = "mjc:c" + (i % 7) + ":" + generation + ":" + part;
      assertEquals(ketama("mjc:c" + (i % 7) + ":" + part), hash.hash(entryKey), entryKey);
      String other = "x" + part; // not an entry key: hashed unchanged
      assertEquals(ketama(other), hash.hash(other), other);
    }
    String nonAscii = "mjc:users:5:grüße";
    assertEquals(ketama("mjc:users:grüße"), hash.hash(nonAscii));
    String tooLong = "mjc:users:5:" + "k".repeat(300);
    assertEquals(ketama("mjc:users:" + "k".repeat(300)), hash.hash(tooLong));
  }

  @Test
  void keysDifferingOnlyInGenerationShareTheMemoAndOthersDoNot() {
    long alice = hash.hash("mjc:users:0:alice");
    assertEquals(alice, hash.hash("mjc:users:1795975610731:alice"));
    assertEquals(ketama("mjc:users:alicf"), hash.hash("mjc:users:7:alicf"), "other part");
    assertEquals(ketama("mjc:user:alicf"), hash.hash("mjc:user:7:alicf"), "other cache");
    assertEquals(ketama("mjc:users:alic"), hash.hash("mjc:users:12:alic"), "shorter part");
    assertEquals(ketama("mjc:users:gen"), hash.hash("mjc:users:gen"), "not an entry key");
    assertEquals(ketama("mjc:users:alic"), hash.hash("mjc:users:0:alic"));
  }

  @Test
  void anEntryHashedFromItsPartsHashesLikeEachOfItsItemKeys() {
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder part = new StringBuilder();
      int length = 1 + random.nextInt(200);
      for (int j = 0; j < length; j++) {
        part.append((char) (0x21 + random.nextInt(0x7E - 0x21 + 1)));
      }
      String cachePrefix = "mjc:" + (i % 2 == 0 ? "c" + i : "#" + "h".repeat(43)) + ":";
      long generation = random.nextInt(3) == 0 ? 0 : Math.abs(random.nextLong());
      String itemKey = cachePrefix + generation + ":" + part;
      assertEquals(
          hash.hash(itemKey), new EntryKeyHash("mjc").entryHash(cachePrefix, part.toString()));
    }
    // not an entry key's layout (another prefix, a ':' in the cache segment, non-ASCII): the
    // general path, still the hash of every item key of that entry
    assertEquals(hash.hash("app:users:0:alice"), hash.entryHash("app:users:", "alice"));
    assertEquals(hash.hash("mjc:a:b:0:alice"), hash.entryHash("mjc:a:b:", "alice"));
    assertEquals(hash.hash("mjc:users:0:grüße"), hash.entryHash("mjc:users:", "grüße"));
  }

  @Test
  void theKeysOfABatchRememberedByIdentityAreNotEvictedByEachOther() {
    int batches = 1_000;
    int evicted = 0;
    for (int b = 0; b < batches; b++) {
      String[] keys = new String[100];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = "mjc:users:" + b + ":key-" + i;
        // a marker instead of the real hash: a lookup that returns it found the key by identity
        hash.remember(keys[i], 7_000_000_000L + i);
      }
      for (int i = 0; i < keys.length; i++) {
        if (hash.hash(keys[i]) != 7_000_000_000L + i) {
          evicted++;
        }
      }
    }
    // a direct-mapped memo of 1,024 slots loses about 9 % of a batch of 100; two ways about 0.2 %
    assertTrue(evicted < batches, evicted + " of " + batches * 100 + " keys were hashed again");
  }
}
