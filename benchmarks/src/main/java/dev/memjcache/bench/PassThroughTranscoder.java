package dev.memjcache.bench;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * A spymemcached {@link Transcoder} that stores a {@code byte[]} as the item's data unchanged, with
 * memcached flags {@code 0}, and returns the item's data as is: the raw baseline pays no
 * serialization, compression or copying beyond what spymemcached itself does.
 */
public final class PassThroughTranscoder implements Transcoder<byte[]> {

  /** The shared instance; the transcoder is stateless and thread-safe. */
  public static final PassThroughTranscoder INSTANCE = new PassThroughTranscoder();

  private PassThroughTranscoder() {}

  /** Returns {@code false}: decoding is a field read, not worth another thread. */
  @Override
  public boolean asyncDecode(CachedData data) {
    return false;
  }

  /** Wraps {@code value} (not copied) with flags {@code 0}. */
  @Override
  public CachedData encode(byte[] value) {
    return new CachedData(0, value, getMaxSize());
  }

  /** Returns the item's data bytes (not copied). */
  @Override
  public byte[] decode(CachedData data) {
    return data.getData();
  }

  /** Returns spymemcached's {@link CachedData#MAX_SIZE}, in bytes. */
  @Override
  public int getMaxSize() {
    return CachedData.MAX_SIZE;
  }
}
