package dev.memjcache.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import java.util.Objects;

/**
 * Serializes keys and values with Kryo 5 (DESIGN.md "Serialization and security").
 *
 * <p>Kryo instances are not thread-safe, so they come from a lock-free {@link ObjectPool}, as do
 * the {@link Output} and input buffers: a call allocates no Kryo instance and no buffer, only the
 * returned {@code byte[]} of {@link #serialize(Object)}. Configuration:
 *
 * <ul>
 *   <li>classes need no registration; each is written by name once per value;
 *   <li>references are tracked, so shared objects and cycles round-trip;
 *   <li>objects are created through a no-arg constructor when there is one, else without calling a
 *       constructor (Objenesis);
 *   <li>classes are loaded through the given class loader (the CacheManager's, JSR-107 section 13.1
 *       "ClassLoading");
 *   <li>on read, every class named in the stream is checked against the {@link ClassAllowlist}
 *       before it is loaded (by name) and before it is initialized or gets a serializer (by class),
 *       see {@link AllowlistClassResolver}; on write, a class the allowlist would refuse fails the
 *       write;
 *   <li>classes with Java serialization hooks ({@code readObject}, {@code writeObject}, {@code
 *       readResolve}, {@code writeReplace}, {@code Externalizable}), and serializable JDK classes
 *       whose fields Kryo cannot reach under Java 17 modules (for example {@code
 *       Collections.unmodifiableList}), are written with Java serialization inside the Kryo stream;
 *       reading them applies the same allowlist through an {@code ObjectInputFilter}.
 * </ul>
 *
 * <p>The format is Kryo's with class names, so every JVM sharing the servers must use compatible
 * versions of the stored classes. Thread-safe.
 */
public final class ValueSerializer {
  /** Pooled outputs whose buffer grew beyond this are dropped instead of kept. */
  private static final int MAX_POOLED_BUFFER = 1024 * 1024;

  private static final int INITIAL_BUFFER = 4096;
  private static final int POOL_SIZE = 64;

  private final ClassLoader classLoader;
  private final ClassAllowlist allowlist;
  private final ObjectPool<Kryo> kryos;
  private final ObjectPool<Output> outputs;
  private final ObjectPool<BoundedInput> inputs;

  /**
   * @param classLoader loads the classes named in stored values (the CacheManager's class loader)
   * @param allowlist the classes deserialization may produce
   * @throws NullPointerException if an argument is null
   */
  public ValueSerializer(ClassLoader classLoader, ClassAllowlist allowlist) {
    this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
    this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
    this.kryos = new ObjectPool<>(POOL_SIZE, () -> new CodecKryo(allowlist, classLoader));
    this.outputs = new ObjectPool<>(POOL_SIZE, () -> new Output(INITIAL_BUFFER, -1));
    this.inputs = new ObjectPool<>(POOL_SIZE, BoundedInput::new);
  }

  /**
   * Serializes {@code value} (which may be null) to a new array.
   *
   * @param value the object graph to write
   * @return the Kryo bytes; readable with {@link #deserialize(byte[], int, int)}
   * @throws ClassNotAllowedException if the graph holds a class that the allowlist would refuse on
   *     read (it could never be read back)
   * @throws SerializationException if Kryo cannot serialize the graph (for example a field holds a
   *     non-serializable JDK object such as a thread or a stream)
   */
  public byte[] serialize(Object value) {
    Output output = obtainOutput();
    try {
      serialize(value, output);
      return output.toBytes();
    } finally {
      releaseOutput(output);
    }
  }

  /**
   * Appends the serialized form of {@code value} (which may be null) to {@code out}, without an
   * intermediate copy.
   *
   * @param value the object graph to write
   * @param out where to append; its position advances by the bytes written
   * @throws SerializationException if Kryo cannot serialize the graph
   * @throws NullPointerException if {@code out} is null
   */
  public void serialize(Object value, Output out) {
    Objects.requireNonNull(out, "out");
    Kryo kryo = kryos.obtain();
    boolean clean = false;
    try {
      kryo.writeClassAndObject(out, value);
      clean = true;
    } catch (RuntimeException | StackOverflowError e) {
      ClassNotAllowedException notAllowed = findNotAllowed(e);
      if (notAllowed != null) {
        throw notAllowed;
      }
      throw new SerializationException(
          "Cannot serialize " + describe(value) + ": " + e.getMessage(), e);
    } finally {
      release(kryo, clean);
    }
  }

  /**
   * Reads one object graph written by {@link #serialize}. The bytes must hold exactly one value:
   * trailing bytes mean corrupt data.
   *
   * @param data the array holding the serialized bytes (not modified, not retained)
   * @param offset index of the first byte
   * @param length number of bytes
   * @return the value (null when null was serialized)
   * @throws ClassNotAllowedException if the data names a class the allowlist rejects; no instance
   *     of it was created
   * @throws SerializationException if the bytes are corrupt or truncated, a class is missing from
   *     the class loader, or a class changed incompatibly
   * @throws IndexOutOfBoundsException if offset/length lie outside {@code data}
   */
  public Object deserialize(byte[] data, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, data.length);
    Kryo kryo = kryos.obtain();
    BoundedInput input = inputs.obtain();
    boolean clean = false;
    try {
      input.setBuffer(data, offset, length);
      Object value = kryo.readClassAndObject(input);
      if (input.position() != offset + length) {
        throw new SerializationException(
            "Cannot deserialize: "
                + (offset + length - input.position())
                + " unexpected bytes after the value (corrupt data)");
      }
      clean = true;
      return value;
    } catch (SerializationException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      // Kryo wraps failures of nested serializers; surface an allowlist rejection as itself.
      ClassNotAllowedException notAllowed = findNotAllowed(e);
      if (notAllowed != null) {
        throw notAllowed;
      }
      throw new SerializationException("Cannot deserialize " + length + " bytes: " + e, e);
    } finally {
      input.release();
      inputs.free(input);
      release(kryo, clean);
    }
  }

  /**
   * @return the allowlist applied on read
   */
  public ClassAllowlist allowlist() {
    return allowlist;
  }

  /** A pooled, empty output; give it back with {@link #releaseOutput}. */
  Output obtainOutput() {
    return outputs.obtain();
  }

  /** Returns an output to the pool unless its buffer grew too large to keep. */
  void releaseOutput(Output output) {
    if (output.getBuffer().length <= MAX_POOLED_BUFFER) {
      outputs.free(output);
    }
  }

  private void release(Kryo kryo, boolean clean) {
    if (!clean) {
      kryo.reset(); // a failed call may leave graph state behind; a clean one auto-resets
    }
    kryos.free(kryo);
  }

  static ClassNotAllowedException findNotAllowed(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ClassNotAllowedException) {
        return (ClassNotAllowedException) c;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  private static String describe(Object value) {
    return value == null ? "null" : "a value of " + value.getClass().getName();
  }
}
