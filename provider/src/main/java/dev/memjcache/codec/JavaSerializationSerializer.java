package dev.memjcache.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Kryo serializer that embeds Java serialization (a var-int length, then an {@code
 * ObjectOutputStream} stream) for classes whose serialized form is defined by Java serialization
 * hooks ({@code readObject}, {@code readResolve}, {@code writeReplace}, {@code Externalizable}) or
 * whose fields Kryo cannot reach under Java modules.
 *
 * <p>Reading applies the same {@link ClassAllowlist} through an {@link ObjectInputFilter} and
 * resolves classes through the configured class loader; dynamic proxies are refused. An object
 * written this way is a leaf of Kryo's object graph: references from inside it back to the
 * enclosing Kryo graph are restored as copies, not as the same instance.
 */
final class JavaSerializationSerializer extends Serializer<Object> {
  private final ClassAllowlist allowlist;
  private final ClassLoader classLoader;

  JavaSerializationSerializer(ClassAllowlist allowlist, ClassLoader classLoader) {
    this.allowlist = allowlist;
    this.classLoader = classLoader;
  }

  @Override
  public void write(Kryo kryo, Output output, Object object) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    } catch (IOException e) {
      throw new KryoException(
          "Java serialization of " + object.getClass().getName() + " failed: " + e, e);
    }
    output.writeVarInt(bytes.size(), true);
    output.writeBytes(bytes.toByteArray());
  }

  @Override
  public Object read(Kryo kryo, Input input, Class<?> type) {
    int length = input.readVarInt(true);
    byte[] bytes = input.readBytes(length);
    try (FilteredObjectInputStream in =
        new FilteredObjectInputStream(new ByteArrayInputStream(bytes), length)) {
      return in.readObject();
    } catch (InvalidClassException e) {
      ClassNotAllowedException notAllowed = ValueSerializer.findNotAllowed(e);
      if (notAllowed != null) {
        throw notAllowed;
      }
      throw new KryoException("Java deserialization of " + type.getName() + " failed: " + e, e);
    } catch (IOException | ClassNotFoundException e) {
      throw new KryoException("Java deserialization of " + type.getName() + " failed: " + e, e);
    }
  }

  /** ObjectInputStream with the allowlist as its filter and the configured class loader. */
  private final class FilteredObjectInputStream extends ObjectInputStream
      implements ObjectInputFilter {
    private final long streamLength;
    private final ObjectInputFilter previous;

    /** The class most recently admitted; its serializable superclasses follow it in the stream. */
    private Class<?> lastAdmitted;

    FilteredObjectInputStream(InputStream in, long streamLength) throws IOException {
      super(in);
      this.streamLength = streamLength;
      this.previous = getObjectInputFilter();
      setObjectInputFilter(this);
    }

    @Override
    public Status checkInput(FilterInfo info) {
      Class<?> type = info.serialClass();
      if (type != null) {
        // An array cannot have more elements than the stream has bytes.
        if (info.arrayLength() > streamLength) {
          return Status.REJECTED;
        }
        boolean superOfLast =
            lastAdmitted != null
                && type != lastAdmitted
                && type.isAssignableFrom(lastAdmitted)
                && !type.isInterface();
        if (!superOfLast && !allowlist.isAllowed(type)) {
          throw new ClassNotAllowedException(type.getName(), allowlist.howToAllow(type));
        }
        lastAdmitted = type;
      }
      if (previous != null && previous.checkInput(info) == Status.REJECTED) {
        return Status.REJECTED;
      }
      return type != null ? Status.ALLOWED : Status.UNDECIDED;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      if (Boolean.FALSE.equals(allowlist.allowsName(desc.getName()))
          && !isSuperclassOfLast(desc.getName())) {
        // refused by name: never resolved (the filter judges every other class before use)
        throw new ClassNotAllowedException(desc.getName(), allowlist.howToAllow(desc.getName()));
      }
      try {
        return Class.forName(desc.getName(), false, classLoader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc); // primitive type names
      }
    }

    /** The descriptors of an admitted class's serializable superclasses follow it. */
    private boolean isSuperclassOfLast(String name) {
      for (Class<?> c = lastAdmitted; c != null; c = c.getSuperclass()) {
        if (c.getName().equals(name)) {
          return true;
        }
      }
      return false;
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
      throw new ClassNotAllowedException(
          "dynamic proxy for " + String.join(", ", interfaces),
          "dynamic proxies are never deserialized");
    }
  }
}
