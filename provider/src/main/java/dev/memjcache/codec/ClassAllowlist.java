package dev.memjcache.codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The classes that deserialization may produce (DESIGN.md "Serialization and security").
 *
 * <p>Memcached has no authentication by default, so anyone who can reach the servers can plant
 * bytes in an entry. Every class named in a stored value is checked against this list before any
 * instance of it is created; anything else is rejected with {@link ClassNotAllowedException}.
 *
 * <p>A class is allowed when it is
 *
 * <ul>
 *   <li>a primitive, or an array whose (innermost) component type is allowed or is an interface of
 *       the JDK ({@code Serializable[]}, {@code Comparable[]}, {@code List[]}): creating such an
 *       array creates no instance of anything, and each element is checked on its own;
 *   <li>a JDK value type: the primitive boxes, {@code String}, {@code Object} itself (only the
 *       class {@code Object}, needed for {@code Object[]}), {@code Number} subclasses in {@code
 *       java.*}, everything in {@code java.math} and {@code java.time} (and their sub-packages),
 *       the common {@code java.util} collections ({@code ArrayList}, {@code HashMap}, {@code
 *       TreeMap}, {@code EnumSet}, {@code List.of}/{@code Map.of}, {@code
 *       Collections.unmodifiable*}, ...), {@code Date}, {@code UUID}, {@code Locale}, {@code
 *       Currency}, {@code Optional}, {@code BitSet}, {@code ConcurrentHashMap}, {@code
 *       CopyOnWriteArrayList}, {@code java.net.URI}, {@code java.sql.Date/Time/Timestamp}, and the
 *       few JDK-internal helper classes those produce when serialized (serialization proxies, the
 *       JDK's natural and reverse-order comparators);
 *   <li>one of the configured types (the cache's key and value types) or a subclass of one;
 *       configured types in {@code java.*} / {@code javax.*} (such as {@code Object} or {@code
 *       Serializable}) are ignored, since they would allow everything;
 *   <li>in one of the named packages or their sub-packages (prefixes match on package boundaries:
 *       {@code com.acme} allows {@code com.acme.X} and {@code com.acme.sub.Y}, not {@code
 *       com.acmex.Z}); the CacheManager URI option {@code allowPackages} names them;
 *   <li>an enum constant body ({@code MyEnum$1}) of an allowed enum;
 *   <li>one of the framework types Hibernate's second-level cache and Spring's cache abstraction
 *       store themselves (cache entries, keys, soft locks, query keys and items, Spring's {@code
 *       NullValue} and {@code SimpleKey}), recognised by name when the framework is on the class
 *       path; their contents are checked like any other object (see {@code FrameworkTypes}).
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; answers are cached per class.
 */
public final class ClassAllowlist {

  /** Exact JDK class names that are always allowed. */
  private static final Set<String> JDK_CLASSES =
      Set.of(
          "java.lang.Object",
          "java.lang.String",
          "java.lang.Boolean",
          "java.lang.Character",
          "java.lang.Byte",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          // JDK comparators a TreeMap/TreeSet commonly carries; stateless (the wrapped comparator
          // of
          // ReverseComparator2 is itself checked).
          "java.lang.String$CaseInsensitiveComparator",
          "java.util.Collections$ReverseComparator",
          "java.util.Collections$ReverseComparator2",
          "java.util.Comparators$NaturalOrderComparator",
          "java.util.ArrayList",
          "java.util.LinkedList",
          "java.util.HashMap",
          "java.util.LinkedHashMap",
          "java.util.TreeMap",
          "java.util.HashSet",
          "java.util.LinkedHashSet",
          "java.util.TreeSet",
          "java.util.ArrayDeque",
          "java.util.Date",
          "java.util.UUID",
          "java.util.Locale",
          "java.util.Currency",
          "java.util.Optional",
          "java.util.OptionalInt",
          "java.util.OptionalLong",
          "java.util.OptionalDouble",
          "java.util.EnumMap",
          "java.util.EnumSet",
          "java.util.RegularEnumSet",
          "java.util.JumboEnumSet",
          "java.util.EnumSet$SerializationProxy",
          "java.util.BitSet",
          "java.util.Arrays$ArrayList",
          // Map entries (Kryo writes Map.of's entries as a Map$Entry[]; Map.entry is a
          // KeyValueHolder)
          "java.util.Map$Entry",
          "java.util.KeyValueHolder",
          "java.util.AbstractMap$SimpleEntry",
          "java.util.AbstractMap$SimpleImmutableEntry",
          // Java serialization form of List.of/Set.of/Map.of (their writeReplace target)
          "java.util.CollSer",
          "java.util.concurrent.ConcurrentHashMap",
          "java.util.concurrent.ConcurrentHashMap$Segment",
          "java.util.concurrent.CopyOnWriteArrayList",
          "java.util.concurrent.atomic.LongAdder$SerializationProxy",
          "java.util.concurrent.atomic.DoubleAdder$SerializationProxy",
          "java.net.URI",
          "java.sql.Date",
          "java.sql.Time",
          "java.sql.Timestamp");

  /** JDK class-name prefixes that are always allowed. */
  private static final List<String> JDK_CLASS_PREFIXES =
      List.of(
          "java.util.Collections$Empty",
          "java.util.Collections$Singleton",
          "java.util.Collections$Unmodifiable",
          "java.util.Collections$Synchronized",
          "java.util.ImmutableCollections$");

  /** Always-allowed JDK packages (with their sub-packages). */
  private static final List<String> JDK_PACKAGES = List.of("java.math", "java.time");

  private final List<Class<?>> types;
  private final List<String> packages;
  private final UnaryOperator<String> settingAdvice;
  private final ClassValue<Boolean> cache =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          return compute(type);
        }
      };

  /**
   * Creates an allowlist.
   *
   * @param types the cache's configured key/value types; each allows itself and its subclasses.
   *     {@code null} elements, and types in {@code java.*} / {@code javax.*} (for example {@code
   *     Object}, {@code Serializable}) are ignored; an array type stands for its component type.
   *     May be empty.
   * @param packages package-name prefixes (for example {@code "com.acme"}); a trailing {@code "."}
   *     or {@code ".*"} is accepted and ignored. May be empty.
   * @throws NullPointerException if a collection is null
   * @throws IllegalArgumentException if a package name is blank or not a Java package name
   */
  public ClassAllowlist(Collection<Class<?>> types, Collection<String> packages) {
    this(types, packages, ClassAllowlist::uriQueryAdvice);
  }

  /**
   * Creates an allowlist whose {@link #howToAllow(Class)} text names the {@code allowPackages}
   * setting in the form that fits how the CacheManager was configured.
   *
   * @param types as in {@link #ClassAllowlist(Collection, Collection)}
   * @param packages as in {@link #ClassAllowlist(Collection, Collection)}
   * @param settingAdvice given the complete {@code allowPackages} value to set (the current
   *     packages plus the rejected class's package, comma separated), returns an instruction such
   *     as {@code "add the line allowPackages=com.acme to the properties file ..."}; it must not
   *     reveal secrets such as passwords
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if a package name is blank or not a Java package name
   */
  public ClassAllowlist(
      Collection<Class<?>> types,
      Collection<String> packages,
      UnaryOperator<String> settingAdvice) {
    this(
        normalizeTypes(types),
        normalizePackages(packages),
        Objects.requireNonNull(settingAdvice, "settingAdvice"));
  }

  private ClassAllowlist(
      List<Class<?>> types, List<String> packages, UnaryOperator<String> settingAdvice) {
    this.types = types;
    this.packages = packages;
    this.settingAdvice = settingAdvice;
  }

  /**
   * Returns whether deserialization may create an instance of {@code type}.
   *
   * @param type a class read from a stored value; arrays are judged by their component type,
   *     primitives are always allowed
   * @return true when allowed
   * @throws NullPointerException if {@code type} is null
   */
  public boolean isAllowed(Class<?> type) {
    Class<?> t = Objects.requireNonNull(type, "type");
    boolean array = t.isArray();
    while (t.isArray()) {
      t = t.getComponentType();
    }
    return t.isPrimitive() || (array && isJdkInterface(t)) || cache.get(t);
  }

  /** Serializable, Comparable, CharSequence, List...: no instance is made of an array's type. */
  private static boolean isJdkInterface(Class<?> type) {
    return type.isInterface() && type.getName().startsWith("java.");
  }

  /**
   * Returns a new allowlist with the same packages and these types added, for example when a cache
   * is created with configured key/value types.
   *
   * @param moreTypes further configured types (same rules as the constructor)
   * @return a new instance; this one is unchanged
   * @throws NullPointerException if {@code moreTypes} is null
   */
  public ClassAllowlist withTypes(Collection<Class<?>> moreTypes) {
    Set<Class<?>> all = new LinkedHashSet<>(types);
    all.addAll(normalizeTypes(moreTypes));
    return new ClassAllowlist(List.copyOf(all), packages, settingAdvice);
  }

  /**
   * Judges a class by its binary name alone, before anything loads it, so that a planted name of a
   * refused JDK class is never even resolved. Names in {@code java.*}, {@code javax.*}, {@code
   * jdk.*} and {@code sun.*} can only be allowed by the JDK rules or by {@code allowPackages}
   * (configured types there are ignored), so they are decided here; any other name may be a
   * subclass of a configured type, which only the class can tell.
   *
   * @param className a binary class name as stored ({@code com.acme.X}, {@code [Lcom.acme.X;},
   *     {@code [I})
   * @return {@code FALSE} when no class of this name is allowed; {@code TRUE} when the name alone
   *     allows it; null when the loaded (not initialized) class must be asked with {@link
   *     #isAllowed(Class)}
   */
  Boolean allowsName(String className) {
    String name = className;
    int dims = 0;
    while (dims < name.length() && name.charAt(dims) == '[') {
      dims++;
    }
    if (dims > 0) {
      if (name.length() == dims + 1) {
        return Boolean.TRUE; // primitive array: [I, [[J ...
      }
      if (name.charAt(dims) != 'L' || !name.endsWith(";")) {
        return Boolean.FALSE;
      }
      name = name.substring(dims + 1, name.length() - 1);
    }
    int dot = name.lastIndexOf('.');
    String pkg = dot < 0 ? "" : name.substring(0, dot);
    for (String p : packages) {
      if (pkg.equals(p) || (pkg.startsWith(p) && pkg.charAt(p.length()) == '.')) {
        return Boolean.TRUE;
      }
    }
    if (JDK_CLASSES.contains(name)
        || JDK_PACKAGES.stream().anyMatch(p -> pkg.equals(p) || pkg.startsWith(p + "."))) {
      return Boolean.TRUE;
    }
    for (String prefix : JDK_CLASS_PREFIXES) {
      if (name.startsWith(prefix)) {
        return Boolean.TRUE;
      }
    }
    if (pkg.equals("java.util.concurrent.atomic")) {
      return null; // Number subclasses (AtomicLong, LongAdder, ...) are allowed by their class
    }
    boolean jdk =
        name.startsWith("java.")
            || name.startsWith("javax.")
            || name.startsWith("jdk.")
            || name.startsWith("sun.");
    // An array of a JDK interface (Serializable[], Comparable[]) is allowed: loading the component
    // without initializing it runs no code, and only the class can tell an interface.
    return jdk && dims == 0 ? Boolean.FALSE : null;
  }

  /**
   * Text for error messages that tells a user how to allow {@code type}: the {@code allowPackages}
   * setting, in the form given to the constructor (URI query, properties-file line or Properties
   * entry), with the packages already allowed plus this class's package; or the cache's configured
   * key/value types.
   *
   * @param type the rejected class
   * @return a one-sentence instruction naming the class and its package
   */
  public String howToAllow(Class<?> type) {
    Class<?> t = type;
    while (t.isArray()) {
      t = t.getComponentType();
    }
    return howToAllow(t.getName());
  }

  /**
   * {@link #howToAllow(Class)} for a class known only by its binary name (refused before loading).
   *
   * @param className the rejected class's binary name; array names are judged by their element
   * @return a one-sentence instruction naming the class and its package
   */
  public String howToAllow(String className) {
    String name = className.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
    int dot = name.lastIndexOf('.');
    String pkg = dot < 0 ? "" : name.substring(0, dot);
    List<String> value = new ArrayList<>(packages);
    value.add(pkg.isEmpty() ? "<package>" : pkg);
    return "to allow it, "
        + settingAdvice.apply(String.join(",", value))
        + ", or configure "
        + name
        + " (or a supertype of it) as the cache's key or value type"
        + " (MutableConfiguration.setTypes)";
  }

  /** The advice of {@link #ClassAllowlist(Collection, Collection)}: the memcached URI's query. */
  private static String uriQueryAdvice(String allowPackages) {
    return "add allowPackages="
        + allowPackages
        + " to the query of the CacheManager URI"
        + " (memcached://host:11211?allowPackages="
        + allowPackages
        + ")";
  }

  @Override
  public String toString() {
    return "ClassAllowlist[types="
        + types.stream().map(Class::getName).toList()
        + ", packages="
        + packages
        + "]";
  }

  private boolean compute(Class<?> type) {
    if (isAllowedJdkClass(type) || FrameworkTypes.isTrusted(type)) {
      return true;
    }
    // An enum constant with a body is an anonymous subclass of its enum.
    if (Enum.class.isAssignableFrom(type) && !type.isEnum() && type != Enum.class) {
      return isAllowed(type.getSuperclass());
    }
    for (Class<?> allowed : types) {
      if (allowed.isAssignableFrom(type)) {
        return true;
      }
    }
    String pkg = type.getPackageName();
    for (String p : packages) {
      if (pkg.equals(p) || (pkg.startsWith(p) && pkg.charAt(p.length()) == '.')) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAllowedJdkClass(Class<?> type) {
    String name = type.getName();
    if (!name.startsWith("java.")) {
      return false;
    }
    if (JDK_CLASSES.contains(name) || Number.class.isAssignableFrom(type)) {
      return true;
    }
    for (String prefix : JDK_CLASS_PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    String pkg = type.getPackageName();
    for (String p : JDK_PACKAGES) {
      if (pkg.equals(p) || pkg.startsWith(p + ".")) {
        return true;
      }
    }
    return false;
  }

  private static List<Class<?>> normalizeTypes(Collection<Class<?>> types) {
    Set<Class<?>> result = new LinkedHashSet<>();
    for (Class<?> type : Objects.requireNonNull(types, "types")) {
      if (type == null) {
        continue;
      }
      Class<?> t = type;
      while (t.isArray()) {
        t = t.getComponentType();
      }
      String name = t.getName();
      // Object, Serializable, Comparable... would open everything.
      if (t.isPrimitive() || name.startsWith("java.") || name.startsWith("javax.")) {
        continue;
      }
      result.add(t);
    }
    return List.copyOf(result);
  }

  private static List<String> normalizePackages(Collection<String> packages) {
    Set<String> result = new LinkedHashSet<>();
    for (String raw : Objects.requireNonNull(packages, "packages")) {
      String p = raw == null ? "" : raw.trim();
      if (p.endsWith(".*")) {
        p = p.substring(0, p.length() - 2);
      } else if (p.endsWith(".")) {
        p = p.substring(0, p.length() - 1);
      }
      if (!isPackageName(p)) {
        throw new IllegalArgumentException("allowPackages: '" + raw + "' is not a package name");
      }
      result.add(p);
    }
    return List.copyOf(result);
  }

  private static boolean isPackageName(String p) {
    if (p.isEmpty()) {
      return false;
    }
    for (String part : p.split("\\.", -1)) {
      if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))) {
        return false;
      }
      for (int i = 1; i < part.length(); i++) {
        if (!Character.isJavaIdentifierPart(part.charAt(i))) {
          return false;
        }
      }
    }
    return true;
  }
}
