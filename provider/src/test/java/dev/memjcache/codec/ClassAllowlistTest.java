package dev.memjcache.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.codec.animals.Animal;
import dev.memjcache.codec.animals.Dog;
import dev.memjcache.codec.animals.Stone;
import dev.memjcache.codec.fixtures.Color;
import dev.memjcache.codec.fixtures.Person;
import dev.memjcache.codec.fixturesx.Other;
import dev.memjcache.codec.forbidden.Gadget;
import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClassAllowlistTest {
  private static final ClassAllowlist EMPTY = new ClassAllowlist(List.of(), List.of());

  @Test
  void allowsJdkValueTypes() {
    for (Class<?> type : List.of(String.class, Integer.class, Object.class, java.math.BigDecimal.class,
        java.time.LocalDate.class, java.time.chrono.HijrahDate.class, java.util.HashMap.class,
        java.util.UUID.class, List.of(1, 2, 3).getClass(), Map.of().getClass(),
        Collections.unmodifiableList(new java.util.ArrayList<>()).getClass(),
        Collections.synchronizedMap(new java.util.HashMap<>()).getClass(), Collections.emptySet().getClass(),
        java.util.Arrays.asList(1).getClass(), java.util.concurrent.ConcurrentHashMap.class,
        java.net.URI.class, java.sql.Timestamp.class, AtomicLong.class,
        java.util.EnumSet.noneOf(java.time.DayOfWeek.class).getClass())) {
      assertTrue(EMPTY.isAllowed(type), type.getName());
    }
  }

  @Test
  void refusesOtherJdkClasses() {
    for (Class<?> type : List.of(Thread.class, ProcessBuilder.class, ClassLoader.class, java.io.File.class,
        java.util.concurrent.ThreadPoolExecutor.class, java.lang.reflect.Method.class,
        javax.management.ObjectName.class, java.util.PriorityQueue.class)) {
      assertFalse(EMPTY.isAllowed(type), type.getName());
    }
  }

  @Test
  void primitivesAndArraysByComponentType() {
    assertTrue(EMPTY.isAllowed(int.class));
    assertTrue(EMPTY.isAllowed(long[][].class));
    assertTrue(EMPTY.isAllowed(String[].class));
    assertTrue(EMPTY.isAllowed(Object[].class));
    assertFalse(EMPTY.isAllowed(Gadget[][].class));
  }

  @Test
  void packagePrefixesMatchOnPackageBoundaries() {
    ClassAllowlist allowlist = new ClassAllowlist(List.of(), List.of("dev.memjcache.codec.fixtures"));
    assertTrue(allowlist.isAllowed(Person.class));
    assertFalse(allowlist.isAllowed(Other.class), "fixturesx is not inside fixtures");
    ClassAllowlist parent = new ClassAllowlist(List.of(), List.of("dev.memjcache.codec.*"));
    assertTrue(parent.isAllowed(Other.class), "sub-packages are inside");
    assertTrue(parent.isAllowed(Gadget.class));
    assertFalse(new ClassAllowlist(List.of(), List.of("dev.memjcache.cod")).isAllowed(Person.class));
  }

  @Test
  void configuredTypeAllowsItselfAndSubclassesOnly() {
    ClassAllowlist allowlist = new ClassAllowlist(List.of(Animal.class), List.of());
    assertTrue(allowlist.isAllowed(Animal.class));
    assertTrue(allowlist.isAllowed(Dog.class));
    assertFalse(allowlist.isAllowed(Stone.class));
  }

  @Test
  void jdkConfiguredTypesDoNotOpenEverything() {
    ClassAllowlist allowlist = new ClassAllowlist(List.of(Object.class, Serializable.class, Comparable.class), List.of());
    assertFalse(allowlist.isAllowed(Gadget.class));
    assertFalse(allowlist.isAllowed(Thread.class));
  }

  @Test
  void enumConstantBodiesFollowTheirEnum() {
    ClassAllowlist allowlist = new ClassAllowlist(List.of(Color.class), List.of());
    assertTrue(allowlist.isAllowed(Color.RED.getClass()));
    assertFalse(EMPTY.isAllowed(Color.RED.getClass()));
  }

  @Test
  void withTypesAddsTypesAndKeepsPackages() {
    ClassAllowlist base = new ClassAllowlist(List.of(), List.of("dev.memjcache.codec.fixtures"));
    ClassAllowlist more = base.withTypes(List.of(Animal.class));
    assertTrue(more.isAllowed(Dog.class));
    assertTrue(more.isAllowed(Person.class));
    assertFalse(base.isAllowed(Dog.class), "the original is unchanged");
  }

  @Test
  void howToAllowNamesTheOptionAndTheClass() {
    String text = EMPTY.howToAllow(Gadget[].class);
    assertTrue(text.contains("allowPackages=dev.memjcache.codec.forbidden"), text);
    assertTrue(text.contains(Gadget.class.getName()), text);
  }

  @Test
  void rejectsMalformedPackageNames() {
    assertThrows(IllegalArgumentException.class, () -> new ClassAllowlist(List.of(), List.of("")));
    assertThrows(IllegalArgumentException.class, () -> new ClassAllowlist(List.of(), List.of("com..acme")));
    assertThrows(IllegalArgumentException.class, () -> new ClassAllowlist(List.of(), List.of("com.acme-x")));
  }
}
