package dev.memjcache.store;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * Whether memcached 1.6 will store an item, computed exactly as the server does before it allocates
 * one ({@code item_size_ok} / {@code do_item_alloc} in memcached's {@code items.c}), so that a
 * value the server would refuse is never sent. This matters beyond the error: memcached answers a
 * too-large {@code set} (also a {@code cas}) by deleting the item already stored under the key, so
 * a refused value would cost the existing entry; in the text protocol its {@code SERVER_ERROR}
 * answer also makes spymemcached drop and reopen the connection. The rule is the same in both
 * protocols: each allocates the value plus its CRLF ({@code process_update_command} in {@code
 * proto_text.c}, {@code process_bin_update} in {@code proto_bin.c}).
 *
 * <p>memcached's size of an item, in bytes:
 *
 * <pre>
 *   48                 the item header (sizeof(item) on 64-bit)
 * + 8                  the CAS unique, unless the server runs with -C (stats settings cas_enabled)
 * + key bytes + 1      the key and its terminating NUL
 * + 4                  the client flags suffix, when the flags are not 0 (MemJCache's always are)
 * + value bytes + 2    the value and its CRLF
 * </pre>
 *
 * and it is stored when that size is at most {@code item_size_max} ({@code -I}, 1 MiB by default).
 * Items above {@code slab_chunk_max} (half a slab page, 512 KiB by default) are stored as chunks of
 * the largest slab class; memcached accepts them on the same rule, so the chunk size does not
 * change the limit (it is kept for messages). A server short of memory may still refuse an item
 * that fits ("out of memory"); that cannot be known in advance.
 *
 * <p>With several servers the smallest {@code item_size_max} applies, and CAS bytes are counted if
 * any server keeps them. Immutable and thread-safe.
 */
public final class ItemSizeLimit {

  /** memcached's {@code sizeof(item)} on a 64-bit build. */
  public static final int ITEM_HEADER_BYTES = 48;

  /** The CAS unique memcached keeps per item unless started with {@code -C}. */
  public static final int CAS_BYTES = 8;

  /** The client flags suffix memcached 1.6 keeps when the flags are not 0. */
  public static final int FLAGS_BYTES = 4;

  /** memcached's default {@code -I}, used when the servers cannot be asked. */
  public static final int DEFAULT_ITEM_SIZE_MAX = 1024 * 1024;

  /** memcached's default {@code slab_chunk_max} (half of the 1 MiB slab page). */
  public static final int DEFAULT_SLAB_CHUNK_MAX = 512 * 1024;

  /** memcached 1.6's defaults: {@code -I 1m}, CAS on. */
  public static final ItemSizeLimit DEFAULT =
      new ItemSizeLimit(DEFAULT_ITEM_SIZE_MAX, DEFAULT_SLAB_CHUNK_MAX, true);

  private final int itemSizeMax;
  private final int slabChunkMax;
  private final boolean casEnabled;

  /**
   * @param itemSizeMax the servers' {@code item_size_max} in bytes ({@code -I}); at least 1024
   * @param slabChunkMax the servers' {@code slab_chunk_max} in bytes (informational)
   * @param casEnabled whether items carry a CAS unique ({@code cas_enabled}; false with {@code -C})
   * @throws IllegalArgumentException if {@code itemSizeMax} is below memcached's minimum, 1024
   */
  public ItemSizeLimit(int itemSizeMax, int slabChunkMax, boolean casEnabled) {
    if (itemSizeMax < 1024) {
      throw new IllegalArgumentException(
          "item_size_max " + itemSizeMax + " is below memcached's" + " minimum of 1024 bytes");
    }
    this.itemSizeMax = itemSizeMax;
    this.slabChunkMax = slabChunkMax;
    this.casEnabled = casEnabled;
  }

  /**
   * Builds the limit from every server's {@code stats settings}: the smallest {@code item_size_max}
   * and {@code slab_chunk_max}, CAS counted unless every server reports {@code cas_enabled no}.
   * Servers that did not answer are skipped; with no answer at all the memcached defaults apply.
   *
   * @param settingsPerServer each server's {@code stats settings} (name to value)
   * @return the limit
   */
  public static ItemSizeLimit fromStatsSettings(Collection<Map<String, String>> settingsPerServer) {
    int itemSizeMax = Integer.MAX_VALUE;
    int slabChunkMax = Integer.MAX_VALUE;
    boolean anyCas = false;
    boolean any = false;
    for (Map<String, String> settings : settingsPerServer) {
      String size = settings.get("item_size_max");
      if (size == null) {
        continue;
      }
      any = true;
      itemSizeMax = Math.min(itemSizeMax, Integer.parseInt(size.trim()));
      String chunk = settings.get("slab_chunk_max");
      if (chunk != null) {
        slabChunkMax = Math.min(slabChunkMax, Integer.parseInt(chunk.trim()));
      }
      anyCas |= !"no".equals(String.valueOf(settings.get("cas_enabled")).trim());
    }
    if (!any) {
      return DEFAULT;
    }
    return new ItemSizeLimit(
        itemSizeMax,
        slabChunkMax == Integer.MAX_VALUE
            ? Math.min(itemSizeMax, DEFAULT_SLAB_CHUNK_MAX)
            : slabChunkMax,
        anyCas);
  }

  /**
   * Returns the bytes memcached accounts for an item (see the class comment).
   *
   * @param keyBytes the memcached key's length in bytes
   * @param flags the item's client flags
   * @param valueBytes the value's length in bytes
   * @return the item's size in bytes, as a long so that huge values cannot overflow
   */
  public long itemBytes(int keyBytes, int flags, int valueBytes) {
    return ITEM_HEADER_BYTES
        + (casEnabled ? CAS_BYTES : 0)
        + keyBytes
        + 1L
        + (flags == 0 ? 0 : FLAGS_BYTES)
        + valueBytes
        + 2L;
  }

  /**
   * Returns the largest value memcached stores under a key of this length with these flags.
   *
   * @param keyBytes the memcached key's length in bytes
   * @param flags the item's client flags
   * @return bytes; may be negative for an impossible key length
   */
  public int largestValueBytes(int keyBytes, int flags) {
    return (int) (itemSizeMax - itemBytes(keyBytes, flags, 0));
  }

  /** Keys up to this many chars are bounded by 3 bytes per char instead of counted. */
  private static final int MAX_CHARS_UNCOUNTED = 1 << 16;

  /**
   * Checks an item before it is sent.
   *
   * @param key the memcached key (ASCII, as MemJCache builds it)
   * @param flags the item's client flags
   * @param valueBytes the value's length in bytes
   * @throws ItemTooLargeException when memcached would refuse the item; its message gives the
   *     value's size, the item's size, the limit and the largest value that fits
   */
  public void check(String key, int flags, int valueBytes) {
    // a char takes at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars): an item that fits even
    // so needs no exact count, and no byte array per write
    if (key.length() <= MAX_CHARS_UNCOUNTED
        && itemBytes(3 * key.length(), flags, valueBytes) <= itemSizeMax) {
      return;
    }
    int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
    long itemBytes = itemBytes(keyBytes, flags, valueBytes);
    if (itemBytes > itemSizeMax) {
      throw new ItemTooLargeException(
          key, valueBytes, itemBytes, itemSizeMax, largestValueBytes(keyBytes, flags));
    }
  }

  /** Returns the servers' {@code item_size_max} in bytes. */
  public int itemSizeMax() {
    return itemSizeMax;
  }

  /** Returns the servers' {@code slab_chunk_max} in bytes. */
  public int slabChunkMax() {
    return slabChunkMax;
  }

  /** Returns whether items are counted with a CAS unique. */
  public boolean casEnabled() {
    return casEnabled;
  }

  @Override
  public String toString() {
    return "ItemSizeLimit[item_size_max="
        + itemSizeMax
        + ", slab_chunk_max="
        + slabChunkMax
        + ", cas="
        + casEnabled
        + "]";
  }
}
