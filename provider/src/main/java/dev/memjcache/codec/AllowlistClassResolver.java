package dev.memjcache.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.IntMap;
import com.esotericsoftware.kryo.util.ObjectMap;

/**
 * Kryo class resolver that asks the {@link ClassAllowlist} about every class named in a stream
 * before Kryo does anything with it.
 *
 * <p>On read, Kryo's own resolver loads the named class and then builds its serializer, and
 * building a serializer initializes the class (an enum's constants, a static initializer). Here the
 * order is: the name is judged first ({@link ClassAllowlist#allowsName}; refused JDK names are
 * never resolved), then the class is loaded without initialization ({@code Class.forName(name,
 * false, loader)}) and judged ({@link ClassAllowlist#isAllowed}), and only an allowed class reaches
 * Kryo's registration. A refused class is therefore never initialized and never gets a serializer.
 *
 * <p>On write, a class the allowlist would refuse on read is refused at once, so that a value that
 * could never be read back is not stored (the caller sees the same advice as a reader would).
 */
final class AllowlistClassResolver extends DefaultClassResolver {
  private final ClassAllowlist allowlist;

  AllowlistClassResolver(ClassAllowlist allowlist) {
    this.allowlist = allowlist;
  }

  @Override
  protected void writeName(Output output, Class type, Registration registration) {
    if (!allowlist.isAllowed(type)) {
      throw ClassNotAllowedException.onWrite(type.getName(), allowlist.howToAllow(type));
    }
    super.writeName(output, type, registration);
  }

  /** Kryo's {@code readName} with the allowlist asked before loading and before registration. */
  @Override
  protected Registration readName(Input input) {
    int nameId = input.readVarInt(true);
    if (nameIdToClass == null) {
      nameIdToClass = new IntMap<>();
    }
    Class<?> type = nameIdToClass.get(nameId);
    if (type == null) {
      // a class name the first time it appears in a graph; later references use its id
      String className = input.readString();
      type = getTypeByName(className);
      if (type == null) {
        type = loadAllowed(className);
        if (nameToClass == null) {
          nameToClass = new ObjectMap<>();
        }
        nameToClass.put(className, type); // only allowed classes are remembered
      }
      nameIdToClass.put(nameId, type);
    }
    return kryo.getRegistration(type);
  }

  private Class<?> loadAllowed(String className) {
    if (className == null) {
      throw new KryoException("a class name is missing from the stored data");
    }
    Boolean byName = allowlist.allowsName(className);
    if (Boolean.FALSE.equals(byName)) {
      throw new ClassNotAllowedException(className, allowlist.howToAllow(className));
    }
    Class<?> type = load(className);
    if (!allowlist.isAllowed(type)) {
      throw new ClassNotAllowedException(type.getName(), allowlist.howToAllow(type));
    }
    return type;
  }

  /** Loads without initializing: the configured class loader, then Kryo's (as Kryo does). */
  private Class<?> load(String className) {
    try {
      return Class.forName(className, false, kryo.getClassLoader());
    } catch (ClassNotFoundException e) {
      try {
        return Class.forName(className, false, Kryo.class.getClassLoader());
      } catch (ClassNotFoundException e2) {
        throw new KryoException("Unable to find class: " + className, e);
      } catch (LinkageError e2) {
        throw new KryoException("Unable to load class " + className + ": " + e2, e2);
      }
    } catch (LinkageError e) {
      // a class whose superclass or interfaces are missing or incompatible
      throw new KryoException("Unable to load class " + className + ": " + e, e);
    }
  }
}
