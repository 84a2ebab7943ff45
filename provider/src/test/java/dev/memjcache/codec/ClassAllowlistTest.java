package dev.memjcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.hibernate.cache.spi.QueryKey;
import org.hibernate.cache.spi.entry.StandardCacheEntryImpl;
import org.hibernate.cache.spi.support.AbstractReadWriteAccess;
import org.hibernate.query.internal.BindingsMemento;
import org.hibernate.query.internal.NotAMemento;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;

class ClassAllowlistTest {
  private static final ClassAllowlist EMPTY = new ClassAllowlist(List.of(), List.of());

  /** Writes what a JVM with a wider allowlist (or an attacker) could have stored. */
  private final ValueSerializer planter =
      new ValueSerializer(
          getClass().getClassLoader(),
          new ClassAllowlist(List.of(), List.of("dev.memjcache.codec")));

  @Test
  void allowsJdkValueTypes() {
    for (Class<?> type :
        List.of(
            String.class,
            Integer.class,
            Object.class,
            java.math.BigDecimal.class,
            java.time.LocalDate.class,
            java.time.chrono.HijrahDate.class,
            java.util.HashMap.class,
            java.util.UUID.class,
            List.of(1, 2, 3).getClass(),
            Map.of().getClass(),
            Collections.unmodifiableList(new java.util.ArrayList<>()).getClass(),
            Collections.synchronizedMap(new java.util.HashMap<>()).getClass(),
            Collections.emptySet().getClass(),
            java.util.Arrays.asList(1).getClass(),
            java.util.concurrent.ConcurrentHashMap.class,
            java.net.URI.class,
            java.sql.Timestamp.class,
            AtomicLong.class,
            java.util.EnumSet.noneOf(java.time.DayOfWeek.class).getClass())) {
      assertTrue(EMPTY.isAllowed(type), type.getName());
    }
  }

  @Test
  void refusesOtherJdkClasses() {
    for (Class<?> type :
        List.of(
            Thread.class,
            ProcessBuilder.class,
            ClassLoader.class,
            java.io.File.class,
            java.util.concurrent.ThreadPoolExecutor.class,
            java.lang.reflect.Method.class,
            javax.management.ObjectName.class,
            java.util.PriorityQueue.class)) {
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
    ClassAllowlist allowlist =
        new ClassAllowlist(List.of(), List.of("dev.memjcache.codec.fixtures"));
    assertTrue(allowlist.isAllowed(Person.class));
    assertFalse(allowlist.isAllowed(Other.class), "fixturesx is not inside fixtures");
    ClassAllowlist parent = new ClassAllowlist(List.of(), List.of("dev.memjcache.codec.*"));
    assertTrue(parent.isAllowed(Other.class), "sub-packages are inside");
    assertTrue(parent.isAllowed(Gadget.class));
    assertFalse(
        new ClassAllowlist(List.of(), List.of("dev.memjcache.cod")).isAllowed(Person.class));
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
    ClassAllowlist allowlist =
        new ClassAllowlist(List.of(Object.class, Serializable.class, Comparable.class), List.of());
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
  void frameworkCacheTypesAreTrustedByNameAndOnlyThose() {
    for (Class<?> type :
        List.of(
            AbstractReadWriteAccess.SoftLockImpl.class,
            AbstractReadWriteAccess.Item.class,
            StandardCacheEntryImpl.class,
            QueryKey.class,
            BindingsMemento.class,
            NullValue.class,
            SimpleKey.class)) {
      assertTrue(EMPTY.isAllowed(type), type.getName());
      assertTrue(
          EMPTY.isAllowed(java.lang.reflect.Array.newInstance(type, 0).getClass()),
          type.getName() + "[]");
    }
    for (Class<?> type :
        List.of(
            AbstractReadWriteAccess.class,
            AbstractReadWriteAccess.Internal.class,
            NotAMemento.class,
            SimpleValueWrapper.class)) {
      assertFalse(EMPTY.isAllowed(type), type.getName());
    }
  }

  @Test
  void contentsOfTrustedFrameworkTypesStayUnderTheAllowlist() {
    ValueSerializer serializer = new ValueSerializer(getClass().getClassLoader(), EMPTY);
    AbstractReadWriteAccess.SoftLockImpl lock = new AbstractReadWriteAccess.SoftLockImpl();
    lock.version = 7L;
    byte[] ok = serializer.serialize(lock);
    assertEquals(
        7L,
        ((AbstractReadWriteAccess.SoftLockImpl) serializer.deserialize(ok, 0, ok.length)).version);

    StandardCacheEntryImpl entry = new StandardCacheEntryImpl();
    entry.disassembledState = new Serializable[] {"title", 3L, new Gadget()};
    byte[] planted = planter.serialize(entry);
    int before = Gadget.CONSTRUCTED.get();
    ClassNotAllowedException e =
        assertThrows(
            ClassNotAllowedException.class,
            () -> serializer.deserialize(planted, 0, planted.length));
    assertEquals(Gadget.class.getName(), e.className());
    assertEquals(before, Gadget.CONSTRUCTED.get(), "no gadget was constructed");

    SimpleKey key = new SimpleKey();
    key.params = new Object[] {"a", new Gadget()};
    byte[] badKey = planter.serialize(key);
    assertThrows(
        ClassNotAllowedException.class, () -> serializer.deserialize(badKey, 0, badKey.length));
  }

  @Test
  void arraysOfJdkInterfacesAreAllowedAndTheirElementsChecked() {
    for (Class<?> type :
        List.of(
            Serializable[].class,
            Comparable[].class,
            Object[][].class,
            CharSequence[].class,
            List[].class)) {
      assertTrue(EMPTY.isAllowed(type), type.getName());
    }
    assertFalse(EMPTY.isAllowed(Serializable.class), "the interface itself is no value type");
    assertFalse(EMPTY.isAllowed(Runnable.class));
    assertFalse(
        EMPTY.isAllowed(Thread[].class),
        "a JDK class that is not allowed stays refused in an array");

    ValueSerializer serializer = new ValueSerializer(getClass().getClassLoader(), EMPTY);
    byte[] good =
        serializer.serialize(new Serializable[] {"a", 1L, java.time.LocalDate.of(2024, 1, 2)});
    Serializable[] back = (Serializable[]) serializer.deserialize(good, 0, good.length);
    assertEquals(List.of("a", 1L, java.time.LocalDate.of(2024, 1, 2)), List.of(back));
    byte[] bad = planter.serialize(new Comparable<?>[] {"a", Color.RED});
    assertThrows(ClassNotAllowedException.class, () -> serializer.deserialize(bad, 0, bad.length));
  }

  @Test
  void howToAllowUsesTheGivenSettingFormAndKeepsAllowedPackages() {
    ClassAllowlist allowlist =
        new ClassAllowlist(
            List.of(),
            List.of("com.acme"),
            value ->
                "set allowPackages="
                    + value
                    + " in the properties file classpath:memjcache.properties");
    String text = allowlist.howToAllow(Gadget.class);
    assertTrue(
        text.contains(
            "set allowPackages=com.acme,dev.memjcache.codec.forbidden in the properties file"
                + " classpath:memjcache.properties"),
        text);
    assertTrue(
        allowlist
            .withTypes(List.of(Animal.class))
            .howToAllow(Gadget.class)
            .contains("properties file"),
        "withTypes keeps the form");
  }

  @Test
  void rejectsMalformedPackageNames() {
    assertThrows(IllegalArgumentException.class, () -> new ClassAllowlist(List.of(), List.of("")));
    assertThrows(
        IllegalArgumentException.class, () -> new ClassAllowlist(List.of(), List.of("com..acme")));
    assertThrows(
        IllegalArgumentException.class, () -> new ClassAllowlist(List.of(), List.of("com.acme-x")));
  }
}
