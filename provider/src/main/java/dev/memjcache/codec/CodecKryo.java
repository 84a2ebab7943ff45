package dev.memjcache.codec;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.io.Externalizable;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * The Kryo configuration of {@link ValueSerializer}: unregistered classes written by name,
 * references on (cycles and shared objects round-trip), no-arg constructors when present and
 * Objenesis otherwise, the allowlist enforced by {@link AllowlistClassResolver}, and Java
 * serialization (through {@link JavaSerializationSerializer}) where Kryo's own serializers would
 * bypass a class's serialization hooks or cannot reach its fields.
 */
final class CodecKryo extends Kryo {
  /** Null while Kryo's constructor runs (it registers its built-in classes). */
  private final JavaSerializationSerializer javaSerializer;

  CodecKryo(ClassAllowlist allowlist, ClassLoader classLoader) {
    super(new AllowlistClassResolver(allowlist), new MapReferenceResolver());
    this.javaSerializer = new JavaSerializationSerializer(allowlist, classLoader);
    setRegistrationRequired(false);
    setReferences(true);
    setClassLoader(classLoader);
    setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
    addDefaultSerializer(URI.class, DefaultSerializers.URISerializer.class);
    addDefaultSerializer(UUID.class, DefaultSerializers.UUIDSerializer.class);
    addDefaultSerializer(AtomicInteger.class, DefaultSerializers.AtomicIntegerSerializer.class);
    addDefaultSerializer(AtomicLong.class, DefaultSerializers.AtomicLongSerializer.class);
    try {
      // java.sql is an optional module; Kryo's DateSerializer would drop the nanoseconds.
      addDefaultSerializer(
          Class.forName("java.sql.Timestamp"), DefaultSerializers.TimestampSerializer.class);
    } catch (ClassNotFoundException | LinkageError e) {
      // no java.sql: nothing to register
    }
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"}) // Kryo declares this method with raw types
  public Serializer getDefaultSerializer(Class type) {
    if (javaSerializer == null
        || type.isAnnotationPresent(DefaultSerializer.class)
        || KryoSerializable.class.isAssignableFrom(type)) {
      return super.getDefaultSerializer(type);
    }
    boolean serializable = Serializable.class.isAssignableFrom(type);
    if (serializable && hasJavaSerializationHooks(type)) {
      return javaSerializer;
    }
    boolean closed = !type.getModule().isOpen(type.getPackageName(), Kryo.class.getModule());
    Serializer<?> serializer;
    try {
      serializer = super.getDefaultSerializer(type);
    } catch (RuntimeException e) {
      // FieldSerializer's constructor fails on fields of JDK (closed-module) classes.
      if (serializable && closed) {
        return javaSerializer;
      }
      throw e;
    }
    if (!serializable) {
      return serializer;
    }
    if (serializer instanceof FieldSerializer && closed) {
      // A closed class without fields Kryo could reach: keep its Java serialization form.
      return javaSerializer;
    }
    if ((serializer.getClass() == CollectionSerializer.class
            || serializer.getClass() == MapSerializer.class)
        && isJdkClass(type)
        && !hasPublicNoArgConstructor(type)) {
      // Collections.unmodifiableList, synchronizedMap, ...: wrappers Kryo cannot rebuild.
      return javaSerializer;
    }
    return serializer;
  }

  /**
   * True for {@code Externalizable}, and for classes outside the JDK whose serializable class
   * hierarchy declares readObject, writeObject, readObjectNoData, readResolve or writeReplace. JDK
   * classes with hooks are left to Kryo's dedicated serializers (ArrayList, HashMap, ...).
   */
  static boolean hasJavaSerializationHooks(Class<?> type) {
    if (Externalizable.class.isAssignableFrom(type)) {
      return true;
    }
    for (Class<?> c = type;
        c != null && Serializable.class.isAssignableFrom(c) && !isJdkClass(c);
        c = c.getSuperclass()) {
      for (Method m : c.getDeclaredMethods()) {
        if (isHook(m)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean isHook(Method m) {
    Class<?>[] params = m.getParameterTypes();
    switch (m.getName()) {
      case "readObject":
        return params.length == 1 && params[0] == ObjectInputStream.class;
      case "writeObject":
        return params.length == 1 && params[0] == ObjectOutputStream.class;
      case "readObjectNoData":
      case "readResolve":
      case "writeReplace":
        return params.length == 0 && !Modifier.isStatic(m.getModifiers());
      default:
        return false;
    }
  }

  static boolean isJdkClass(Class<?> type) {
    String name = type.getName();
    return name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.")
        || name.startsWith("com.sun.");
  }

  private static boolean hasPublicNoArgConstructor(Class<?> type) {
    if (!Modifier.isPublic(type.getModifiers())) {
      return false;
    }
    try {
      type.getConstructor();
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
