package dev.memjcache.codec;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A buffer-backed Kryo {@link Input} that refuses lengths larger than the bytes left, so a planted
 * item cannot make a reader allocate a huge array from a few bytes (every element of a byte,
 * primitive array or string takes at least one byte of the stream). Pooled by {@link
 * ValueSerializer}; never wraps an {@code InputStream}.
 */
final class BoundedInput extends Input {
  private static final byte[] EMPTY = new byte[0];

  /** Char buffers above this are dropped on release so pooled inputs stay small. */
  private static final int MAX_RETAINED_CHARS = 64 * 1024;

  BoundedInput() {
    super(EMPTY);
  }

  /** Drops the reference to the caller's bytes (and an oversized char buffer) before pooling. */
  void release() {
    setBuffer(EMPTY);
    if (chars.length > MAX_RETAINED_CHARS) {
      chars = new char[32];
    }
  }

  private void check(int count) {
    if (count < 0 || count > limit - position) {
      throw new KryoException(
          "Length "
              + count
              + " exceeds the "
              + (limit - position)
              + " bytes left in the stored data");
    }
  }

  @Override
  public byte[] readBytes(int length) {
    check(length);
    return super.readBytes(length);
  }

  @Override
  public int[] readInts(int length) {
    check(length);
    return super.readInts(length);
  }

  @Override
  public int[] readInts(int length, boolean optimizePositive) {
    check(length);
    return super.readInts(length, optimizePositive);
  }

  @Override
  public long[] readLongs(int length) {
    check(length);
    return super.readLongs(length);
  }

  @Override
  public long[] readLongs(int length, boolean optimizePositive) {
    check(length);
    return super.readLongs(length, optimizePositive);
  }

  @Override
  public float[] readFloats(int length) {
    check(length);
    return super.readFloats(length);
  }

  @Override
  public double[] readDoubles(int length) {
    check(length);
    return super.readDoubles(length);
  }

  @Override
  public short[] readShorts(int length) {
    check(length);
    return super.readShorts(length);
  }

  @Override
  public char[] readChars(int length) {
    check(length);
    return super.readChars(length);
  }

  @Override
  public boolean[] readBooleans(int length) {
    check(length);
    return super.readBooleans(length);
  }

  @Override
  public String readString() {
    checkStringLength();
    return super.readString();
  }

  @Override
  public StringBuilder readStringBuilder() {
    checkStringLength();
    return super.readStringBuilder();
  }

  /** Peeks the UTF-8 char count of Kryo's string encoding (ASCII strings are self-delimiting). */
  private void checkStringLength() {
    int start = position;
    if (limit - position > 0 && readVarIntFlag()) {
      int charCount = readVarIntFlag(true);
      position = start;
      check(charCount - 1);
    }
    position = start;
  }
}
