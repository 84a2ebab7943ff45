package dev.memjcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ClassAllowlist#allowsName}: the judgement made on a stored class name before anything
 * loads the class. TRUE and FALSE must agree with {@link ClassAllowlist#isAllowed(Class)} for every
 * class that exists; null (undecided) sends the reader to load without initializing.
 */
class AllowlistByNameTest {

  private static final ClassAllowlist ALLOWLIST =
      new ClassAllowlist(
          List.of(dev.memjcache.codec.fixtures.Person.class),
          List.of("dev.memjcache.codec.animals"));

  @ParameterizedTest
  @CsvSource(
      nullValues = "undecided",
      value = {
        "java.lang.String, true",
        "[Ljava.lang.String;, true",
        "[[I, true",
        "[J, true",
        "java.time.Instant, true",
        "java.util.ImmutableCollections$ListN, true",
        "java.util.concurrent.atomic.AtomicLong, undecided",
        "java.lang.ProcessBuilder, false",
        "[Ljava.lang.Thread;, undecided",
        "[Ljava.io.Serializable;, undecided",
        "java.net.URLClassLoader, false",
        "javax.management.BadAttributeValueExpException, false",
        "jdk.internal.misc.Unsafe, false",
        "sun.misc.Unsafe, false",
        "[Xjava.lang.String;, false",
        "dev.memjcache.codec.animals.Dog, true",
        "dev.memjcache.codec.animalsx.Cat, undecided",
        "com.example.Unknown, undecided"
      })
  void namesAreJudgedBeforeLoading(String name, Boolean expected) throws Exception {
    assertEquals(expected, ALLOWLIST.allowsName(name), name);
    if (expected != null && !name.startsWith("[X") && !name.contains("Unknown")) {
      Class<?> type;
      try {
        type = Class.forName(name, false, getClass().getClassLoader());
      } catch (ClassNotFoundException e) {
        return; // only a name: nothing to compare with
      }
      assertEquals(expected, ALLOWLIST.isAllowed(type), "the class agrees: " + name);
    }
  }

  @org.junit.jupiter.api.Test
  void arraysOfJdkNamesAreLeftToTheClassWhichRefusesClassesAndAllowsInterfaces() {
    // Loading a JDK component class without initializing it runs no code; only the class tells an
    // interface (Serializable[] in Hibernate's entity state) from a refused class (Thread[]).
    assertEquals(false, ALLOWLIST.isAllowed(Thread[].class));
    assertEquals(true, ALLOWLIST.isAllowed(java.io.Serializable[].class));
  }
}
