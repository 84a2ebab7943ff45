package dev.memjcache.store;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Passes {@link CachedData} through untouched: MemJCache encodes and decodes its envelopes itself,
 * so spymemcached moves bytes and flags only. Stateless; use {@link #INSTANCE}.
 */
public final class RawTranscoder implements Transcoder<CachedData> {
  /** The shared instance. */
  public static final RawTranscoder INSTANCE = new RawTranscoder();

  private RawTranscoder() {}

  @Override
  public boolean asyncDecode(CachedData data) {
    return false;
  }

  @Override
  public CachedData encode(CachedData data) {
    return data;
  }

  @Override
  public CachedData decode(CachedData data) {
    return data;
  }

  @Override
  public int getMaxSize() {
    return Integer.MAX_VALUE;
  }
}
