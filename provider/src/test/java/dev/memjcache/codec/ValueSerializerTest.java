package dev.memjcache.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.io.Output;
import dev.memjcache.codec.animals.Animal;
import dev.memjcache.codec.animals.Dog;
import dev.memjcache.codec.animals.Stone;
import dev.memjcache.codec.fixtures.Color;
import dev.memjcache.codec.fixtures.Holder;
import dev.memjcache.codec.fixtures.LoaderProbe;
import dev.memjcache.codec.fixtures.Node;
import dev.memjcache.codec.fixtures.Person;
import dev.memjcache.codec.fixtures.Replaced;
import dev.memjcache.codec.fixtures.SerialChild;
import dev.memjcache.codec.fixtures.Singleton;
import dev.memjcache.codec.fixturesx.Other;
import dev.memjcache.codec.forbidden.Gadget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Currency;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ValueSerializerTest {
  private static final ClassLoader LOADER = ValueSerializerTest.class.getClassLoader();
  private final ValueSerializer serializer =
      new ValueSerializer(
          LOADER, new ClassAllowlist(List.of(), List.of("dev.memjcache.codec.fixtures")));

  /** Allows everything in the test packages: writes what the restricted serializer must refuse. */
  private final ValueSerializer permissive =
      new ValueSerializer(LOADER, new ClassAllowlist(List.of(), List.of("dev.memjcache.codec")));

  private Object roundTrip(Object value) {
    byte[] bytes = serializer.serialize(value);
    return serializer.deserialize(bytes, 0, bytes.length);
  }

  static List<Object> jdkValues() {
    Timestamp timestamp = new Timestamp(1_700_000_000_123L);
    timestamp.setNanos(123_456_789);
    TreeMap<String, Integer> reversed = new TreeMap<>(Collections.reverseOrder());
    reversed.put("a", 1);
    reversed.put("b", 2);
    BitSet bits = new BitSet();
    bits.set(3);
    bits.set(70);
    return List.of(
        "text",
        "",
        "ünïcødé ✓",
        42,
        42L,
        (short) 7,
        (byte) -1,
        'c',
        1.5f,
        2.5d,
        true,
        new BigDecimal("12345678901234567890.123456789"),
        new BigInteger("-98765432109876543210"),
        LocalDateTime.of(2024, 2, 29, 13, 45, 1, 999_000_000),
        ZonedDateTime.parse("2024-03-01T10:15:30+01:00[Europe/Paris]"),
        Duration.ofMillis(1234),
        new Date(1_700_000_000_000L),
        UUID.randomUUID(),
        List.of(),
        List.of(1),
        List.of("a", "b", "c"),
        Map.of(),
        Map.of("k", 1),
        Map.of("a", 1, "b", 2, "c", 3),
        Set.of("x", "y"),
        Collections.unmodifiableList(new ArrayList<>(List.of("u", "v"))),
        Collections.unmodifiableMap(new HashMap<>(Map.of("m", 1))),
        Collections.unmodifiableSet(new java.util.HashSet<>(Set.of(1, 2))),
        Collections.synchronizedList(new ArrayList<>(List.of(1, 2))),
        Collections.synchronizedMap(new HashMap<>(Map.of("s", 2))),
        Collections.emptyList(),
        Collections.emptyMap(),
        Collections.singletonList("one"),
        Collections.singletonMap("k", "v"),
        Arrays.asList("p", "q"),
        new ArrayList<>(List.of(1, 2, 3)),
        new HashMap<>(Map.of("h", List.of(1))),
        new LinkedHashMap<>(Map.of("l", 1)),
        reversed,
        new ConcurrentHashMap<>(Map.of("c", 1)),
        new CopyOnWriteArrayList<>(List.of("w")),
        EnumSet.of(java.time.DayOfWeek.MONDAY, java.time.DayOfWeek.FRIDAY),
        new EnumMap<>(Map.of(java.time.Month.MAY, "may")),
        Optional.of("opt"),
        Optional.empty(),
        bits,
        URI.create("https://example.com/a?b=c"),
        timestamp,
        new java.sql.Date(1_700_000_000_000L),
        Locale.CANADA_FRENCH,
        Currency.getInstance("EUR"));
  }

  @ParameterizedTest
  @MethodSource("jdkValues")
  void roundTripsJdkValues(Object value) {
    Object copy = roundTrip(value);
    assertEquals(value, copy);
    assertEquals(value.getClass(), copy.getClass());
  }

  @Test
  void roundTripsTreeMapComparatorAndAtomicNumbers() {
    @SuppressWarnings("unchecked")
    TreeMap<String, Integer> copy =
        (TreeMap<String, Integer>)
            roundTrip(
                jdkValues().stream().filter(TreeMap.class::isInstance).findFirst().orElseThrow());
    assertEquals("b", copy.firstKey());
    LongAdder adder = new LongAdder();
    adder.add(9);
    assertEquals(9, ((LongAdder) roundTrip(adder)).sum());
    assertEquals(5, ((AtomicLong) roundTrip(new AtomicLong(5))).get());
  }

  @Test
  void roundTripsArraysAndNull() {
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) roundTrip(new byte[] {1, 2, 3}));
    assertArrayEquals(
        new int[] {-1, 0, Integer.MAX_VALUE},
        (int[]) roundTrip(new int[] {-1, 0, Integer.MAX_VALUE}));
    assertArrayEquals(new String[] {"a", null}, (String[]) roundTrip(new String[] {"a", null}));
    assertArrayEquals(new Object[] {1, "b"}, (Object[]) roundTrip(new Object[] {1, "b"}));
    assertNull(roundTrip(null));
  }

  @Test
  void roundTripsEnumsIncludingConstantBodies() {
    assertSame(Color.RED, roundTrip(Color.RED));
    assertEquals(
        List.of(Color.GREEN, Color.RED),
        roundTrip(new ArrayList<>(List.of(Color.GREEN, Color.RED))));
  }

  @Test
  void roundTripsUserClassWithoutNoArgConstructor() {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("age", 42);
    attributes.put("since", LocalDateTime.of(2020, 1, 1, 0, 0));
    Person person = new Person("Ada", attributes, new ArrayList<>(List.of("a", "b")));
    assertEquals(person, roundTrip(person));
  }

  @Test
  void roundTripsCyclesAndSharedReferences() {
    Node a = new Node("a");
    Node b = new Node("b");
    a.next = b;
    b.next = a;
    Node copy = (Node) roundTrip(a);
    assertEquals("b", copy.next.name);
    assertSame(copy, copy.next.next);

    List<Object> self = new ArrayList<>();
    self.add(self);
    @SuppressWarnings("unchecked")
    List<Object> selfCopy = (List<Object>) roundTrip(self);
    assertSame(selfCopy, selfCopy.get(0));
  }

  @Test
  void readResolveKeepsSingletonIdentity() {
    assertSame(Singleton.INSTANCE, roundTrip(Singleton.INSTANCE));
    List<?> list = (List<?>) roundTrip(new ArrayList<>(List.of(Singleton.INSTANCE, "x")));
    assertSame(Singleton.INSTANCE, list.get(0));
  }

  @Test
  void writeReplaceGoesThroughJavaSerialization() {
    Replaced copy = (Replaced) roundTrip(new Replaced("code-7"));
    assertEquals("code-7", copy.code());
    assertTrue(copy.viaProxy, "restored through the proxy's readResolve");
  }

  @Test
  void rejectsClassOutsideAllowlistWithoutCreatingIt() {
    byte[] bytes = permissive.serialize(new Gadget());
    int before = Gadget.CONSTRUCTED.get();
    ClassNotAllowedException e =
        assertThrows(
            ClassNotAllowedException.class, () -> serializer.deserialize(bytes, 0, bytes.length));
    assertEquals(before, Gadget.CONSTRUCTED.get());
    assertEquals(Gadget.class.getName(), e.className());
    assertTrue(e.getMessage().contains(Gadget.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains("allowPackages"), e.getMessage());
    assertInstanceOf(javax.cache.CacheException.class, e);
  }

  @Test
  void rejectsNestedClassOutsideAllowlist() {
    Map<String, Object> attributes = new HashMap<>();
    attributes.put("payload", new Gadget());
    byte[] inMap = permissive.serialize(new Person("p", attributes, List.of()));
    assertThrows(
        ClassNotAllowedException.class, () -> serializer.deserialize(inMap, 0, inMap.length));
    byte[] inList = permissive.serialize(new ArrayList<>(List.of(1, new Gadget())));
    assertThrows(
        ClassNotAllowedException.class, () -> serializer.deserialize(inList, 0, inList.length));
    byte[] inArray = permissive.serialize(new Gadget[] {new Gadget()});
    assertThrows(
        ClassNotAllowedException.class, () -> serializer.deserialize(inArray, 0, inArray.length));
  }

  @Test
  void rejectsClassOutsideAllowlistInsideJavaSerialization() {
    byte[] bytes = permissive.serialize(new Holder(new Gadget()));
    int before = Gadget.CONSTRUCTED.get();
    ClassNotAllowedException e =
        assertThrows(
            ClassNotAllowedException.class, () -> serializer.deserialize(bytes, 0, bytes.length));
    assertEquals(before, Gadget.CONSTRUCTED.get());
    assertTrue(e.getMessage().contains(Gadget.class.getName()), e.getMessage());
    assertEquals("v", ((Holder) roundTrip(new Holder("v"))).content);
  }

  @Test
  void javaSerializationAdmitsSuperclassesOfAnAllowedClass() {
    SerialChild child = new SerialChild();
    child.baseField = "base";
    child.childField = 3;
    SerialChild copy = (SerialChild) roundTrip(child);
    assertEquals("base", copy.baseField);
    assertEquals(3, copy.childField);
  }

  @Test
  void packagePrefixStopsAtPackageBoundary() {
    byte[] bytes = permissive.serialize(new Other());
    ClassNotAllowedException e =
        assertThrows(
            ClassNotAllowedException.class, () -> serializer.deserialize(bytes, 0, bytes.length));
    assertTrue(e.getMessage().contains(Other.class.getName()));
  }

  @Test
  void configuredTypeAllowsItsSubclasses() {
    ValueSerializer typed =
        new ValueSerializer(LOADER, new ClassAllowlist(List.of(Animal.class), List.of()));
    Dog dog = new Dog();
    dog.name = "Rex";
    byte[] bytes = permissive.serialize(dog);
    Dog copy = (Dog) typed.deserialize(bytes, 0, bytes.length);
    assertEquals("Rex", copy.name);
    byte[] stone = permissive.serialize(new Stone());
    assertThrows(ClassNotAllowedException.class, () -> typed.deserialize(stone, 0, stone.length));
  }

  @Test
  void objectAsConfiguredTypeDoesNotOpenEverything() {
    ValueSerializer typed =
        new ValueSerializer(
            LOADER,
            new ClassAllowlist(List.of(Object.class, java.io.Serializable.class), List.of()));
    byte[] bytes = permissive.serialize(new Gadget());
    assertThrows(ClassNotAllowedException.class, () -> typed.deserialize(bytes, 0, bytes.length));
  }

  @Test
  void loadsClassesThroughTheGivenClassLoader() throws Exception {
    ClassLoader isolated = new ChildFirstLoader(LoaderProbe.class.getName(), LOADER);
    ValueSerializer viaLoader =
        new ValueSerializer(
            isolated, new ClassAllowlist(List.of(), List.of("dev.memjcache.codec.fixtures")));
    LoaderProbe probe = new LoaderProbe();
    probe.value = 17;
    byte[] bytes = serializer.serialize(probe);
    Object copy = viaLoader.deserialize(bytes, 0, bytes.length);
    assertSame(isolated, copy.getClass().getClassLoader());
    assertNotSame(LoaderProbe.class, copy.getClass());
    assertEquals(17, copy.getClass().getField("value").getInt(copy));
  }

  @Test
  void corruptBytesFailAsSerializationException() {
    byte[] bytes = serializer.serialize(new ArrayList<>(List.of("a", "b", "c")));
    assertThrows(
        SerializationException.class, () -> serializer.deserialize(bytes, 0, bytes.length - 2));
    byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(
        SerializationException.class, () -> serializer.deserialize(trailing, 0, trailing.length));
    byte[] unknownClass = permissive.serialize(new Other());
    // Kryo marks the last char of an ASCII string with the high bit, so rename the middle.
    byte[] renamed =
        new String(unknownClass, StandardCharsets.ISO_8859_1)
            .replace("fixturesx.Oth", "fixturesx.Zzz")
            .getBytes(StandardCharsets.ISO_8859_1);
    SerializationException e =
        assertThrows(
            SerializationException.class, () -> permissive.deserialize(renamed, 0, renamed.length));
    assertTrue(e.getMessage().contains("fixturesx.Zzzer"), e.getMessage());
  }

  @Test
  void hugeLengthFieldsDoNotAllocate() {
    // byte[] of declared length ~2^31 with 3 bytes of data: the real header, a forged length
    byte[] real = serializer.serialize(new byte[] {1});
    Output out = new Output(64);
    out.writeBytes(real, 0, real.length - 2); // class of byte[]; then length+1 (one byte) and data
    out.writeVarInt(Integer.MAX_VALUE, true);
    out.writeBytes(new byte[] {1, 2, 3});
    byte[] planted = out.toBytes();
    SerializationException e =
        assertThrows(
            SerializationException.class, () -> serializer.deserialize(planted, 0, planted.length));
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
  }

  @Test
  void readsAtOffsetAndAppendsToOutput() {
    Output out = new Output(16, -1);
    out.writeBytes(new byte[] {9, 9, 9});
    serializer.serialize("payload", out);
    int end = out.position();
    serializer.serialize(12, out);
    byte[] bytes = out.toBytes();
    assertEquals("payload", serializer.deserialize(bytes, 3, end - 3));
    assertEquals(12, serializer.deserialize(bytes, end, bytes.length - end));
  }

  @Test
  void unserializableValueFailsAsSerializationException() {
    assertThrows(
        SerializationException.class, () -> serializer.serialize(new Holder(new Thread())));
  }

  @Test
  void concurrentUseFromEightThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  int checked = 0;
                  for (int i = 0; i < 2_000; i++) {
                    Map<String, Object> attributes = new HashMap<>();
                    attributes.put("i", i);
                    Person value = new Person("t" + thread, attributes, List.of("n" + i));
                    assertEquals(value, roundTrip(value));
                    checked++;
                  }
                  return checked;
                }));
      }
      for (Future<Integer> result : results) {
        assertEquals(2_000, result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Defines one class itself instead of delegating, like an application server's loader. */
  private static final class ChildFirstLoader extends ClassLoader {
    private final String isolatedName;

    ChildFirstLoader(String isolatedName, ClassLoader parent) {
      super(parent);
      this.isolatedName = isolatedName;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.equals(isolatedName)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          try (InputStream in =
              getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            byte[] code = in.readAllBytes();
            loaded = defineClass(name, code, 0, code.length);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return loaded;
      }
    }
  }
}
