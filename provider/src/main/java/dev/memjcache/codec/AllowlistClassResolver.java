package dev.memjcache.codec;

import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * Kryo class resolver that checks every class read from the stream against the
 * {@link ClassAllowlist} before Kryo creates an instance of it. Classes are loaded (not
 * initialized) through the Kryo instance's class loader, then checked.
 */
final class AllowlistClassResolver extends DefaultClassResolver {
  private final ClassAllowlist allowlist;

  AllowlistClassResolver(ClassAllowlist allowlist) {
    this.allowlist = allowlist;
  }

  @Override
  public Registration readClass(Input input) {
    Registration registration = super.readClass(input);
    if (registration != null) {
      Class<?> type = registration.getType();
      if (!allowlist.isAllowed(type)) {
        throw new ClassNotAllowedException(type.getName(), allowlist.howToAllow(type));
      }
    }
    return registration;
  }
}
