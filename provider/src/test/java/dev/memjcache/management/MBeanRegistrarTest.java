package dev.memjcache.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import javax.cache.CacheException;
import javax.cache.configuration.MutableConfiguration;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Registration of the cache MXBeans in the platform MBeanServer under the JSR-107 12.2 / TCK
 * ObjectNames, and their attributes read through JMX.
 */
class MBeanRegistrarTest {

  private static final URI MANAGER = URI.create("memcached://127.0.0.1:11211");
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
  private final List<String[]> registered = new ArrayList<>();

  @AfterEach
  void unregisterEverything() {
    for (String[] r : registered) {
      MBeanRegistrar.unregister(MBeanType.valueOf(r[0]), URI.create(r[1]), r[2]);
    }
  }

  private void register(MBeanType type, URI uri, String cache, Object mbean) {
    registered.add(new String[] {type.name(), uri.toString(), cache});
    MBeanRegistrar.register(type, uri, cache, mbean);
  }

  @Test
  void objectNameMatchesTheTckScheme() throws Exception {
    // The TCK builds "javax.cache:type=<type>,CacheManager=<uri>,Cache=<name>" replacing , : = \n
    // by '.'.
    assertEquals(
        new ObjectName(
            "javax.cache:type=CacheStatistics,CacheManager=memcached.//127.0.0.1.11211,"
                + "Cache=org.jsr107.tck.CacheTest"),
        MBeanRegistrar.objectName(MBeanType.STATISTICS, MANAGER, "org.jsr107.tck.CacheTest"));
    assertEquals(
        new ObjectName(
            "javax.cache:type=CacheConfiguration,CacheManager=memcached.//127.0.0.1.11211,"
                + "Cache=new cache"),
        MBeanRegistrar.objectName(MBeanType.CONFIGURATION, MANAGER, "new cache"));
  }

  @Test
  void specialCharactersBecomeDotsAndNeverAPattern() {
    URI uri = URI.create("memcached://h1:11211,h2:11212?opTimeout=5");
    String cache = "a,b:c=d\"e*f?g\nh i/j\\k";
    ObjectName name = MBeanRegistrar.objectName(MBeanType.STATISTICS, uri, cache);
    assertFalse(name.isPattern());
    assertEquals("CacheStatistics", name.getKeyProperty("type"));
    assertEquals("memcached.//h1.11211.h2.11212.opTimeout.5", name.getKeyProperty("CacheManager"));
    assertEquals("a.b.c.d.e.f.g.h i/j\\k", name.getKeyProperty("Cache"));

    CacheStatistics stats = new CacheStatistics();
    register(MBeanType.STATISTICS, uri, cache, stats);
    assertTrue(server.isRegistered(name));
  }

  @Test
  void statisticsAreReadableAndClearableThroughTheMBeanServer() throws Exception {
    CacheStatistics stats = new CacheStatistics();
    register(MBeanType.STATISTICS, MANAGER, "stats", stats);
    ObjectName name = MBeanRegistrar.objectName(MBeanType.STATISTICS, MANAGER, "stats");

    stats.recordHits(3);
    stats.recordMisses(1);
    stats.recordPuts(2);
    stats.recordRemovals(1);
    stats.recordEvictions(4);
    stats.recordGetTime(8_000);
    stats.recordPutTime(4_000);
    stats.recordRemoveTime(5_000);

    assertEquals(3L, server.getAttribute(name, "CacheHits"));
    assertEquals(1L, server.getAttribute(name, "CacheMisses"));
    assertEquals(4L, server.getAttribute(name, "CacheGets"));
    assertEquals(75f, server.getAttribute(name, "CacheHitPercentage"));
    assertEquals(25f, server.getAttribute(name, "CacheMissPercentage"));
    assertEquals(2L, server.getAttribute(name, "CachePuts"));
    assertEquals(1L, server.getAttribute(name, "CacheRemovals"));
    assertEquals(4L, server.getAttribute(name, "CacheEvictions"));
    assertEquals(2f, server.getAttribute(name, "AverageGetTime"));
    assertEquals(2f, server.getAttribute(name, "AveragePutTime"));
    assertEquals(5f, server.getAttribute(name, "AverageRemoveTime"));

    server.invoke(name, "clear", null, null);
    assertEquals(0L, server.getAttribute(name, "CacheHits"));
    assertEquals(0L, server.getAttribute(name, "CachePuts"));
    assertEquals(0f, server.getAttribute(name, "AverageGetTime"));
    assertEquals(0L, stats.getCacheGets());
  }

  @Test
  void configurationIsReadableThroughTheMBeanServerAndFollowsChanges() throws Exception {
    MutableConfiguration<Long, String> config =
        new MutableConfiguration<Long, String>()
            .setTypes(Long.class, String.class)
            .setReadThrough(false)
            .setWriteThrough(true)
            .setStoreByValue(true)
            .setStatisticsEnabled(false)
            .setManagementEnabled(true);
    register(
        MBeanType.CONFIGURATION, MANAGER, "config", new CacheConfigurationMXBean(() -> config));
    ObjectName name = MBeanRegistrar.objectName(MBeanType.CONFIGURATION, MANAGER, "config");

    assertEquals("java.lang.Long", server.getAttribute(name, "KeyType"));
    assertEquals("java.lang.String", server.getAttribute(name, "ValueType"));
    assertEquals(false, server.getAttribute(name, "ReadThrough"));
    assertEquals(true, server.getAttribute(name, "WriteThrough"));
    assertEquals(true, server.getAttribute(name, "StoreByValue"));
    assertEquals(false, server.getAttribute(name, "StatisticsEnabled"));
    assertEquals(true, server.getAttribute(name, "ManagementEnabled"));

    config.setStatisticsEnabled(true).setReadThrough(true).setStoreByValue(false);
    assertEquals(true, server.getAttribute(name, "StatisticsEnabled"));
    assertEquals(true, server.getAttribute(name, "ReadThrough"));
    assertEquals(false, server.getAttribute(name, "StoreByValue"));
    // The default configuration's types are Object.
    assertEquals(
        "java.lang.Object", new CacheConfigurationMXBean(MutableConfiguration::new).getKeyType());
  }

  @Test
  void registerIsIdempotentAndKeepsTheFirstBean() throws Exception {
    CacheStatistics first = new CacheStatistics();
    CacheStatistics second = new CacheStatistics();
    first.recordHits(1);
    second.recordHits(2);
    register(MBeanType.STATISTICS, MANAGER, "twice", first);
    MBeanRegistrar.register(MBeanType.STATISTICS, MANAGER, "twice", first);
    MBeanRegistrar.register(MBeanType.STATISTICS, MANAGER, "twice", second);

    ObjectName name = MBeanRegistrar.objectName(MBeanType.STATISTICS, MANAGER, "twice");
    assertEquals(1, server.queryNames(name, null).size());
    assertEquals(1L, server.getAttribute(name, "CacheHits"));
  }

  @Test
  void bothTypesOfOneCacheAreRegisteredAndUnregisteredSeparately() throws Exception {
    String cache = "pair";
    register(MBeanType.STATISTICS, MANAGER, cache, new CacheStatistics());
    register(
        MBeanType.CONFIGURATION,
        MANAGER,
        cache,
        new CacheConfigurationMXBean(MutableConfiguration::new));
    ObjectName pattern =
        new ObjectName("javax.cache:CacheManager=memcached.//127.0.0.1.11211,Cache=pair,*");
    assertEquals(2, server.queryNames(pattern, null).size());

    MBeanRegistrar.unregister(MBeanType.STATISTICS, MANAGER, cache);
    assertFalse(
        server.isRegistered(MBeanRegistrar.objectName(MBeanType.STATISTICS, MANAGER, cache)));
    assertTrue(
        server.isRegistered(MBeanRegistrar.objectName(MBeanType.CONFIGURATION, MANAGER, cache)));

    MBeanRegistrar.unregister(MBeanType.CONFIGURATION, MANAGER, cache);
    assertEquals(0, server.queryNames(pattern, null).size());
  }

  @Test
  void unregisterOfAnUnregisteredNameIsANoOp() {
    ObjectName name = MBeanRegistrar.objectName(MBeanType.STATISTICS, MANAGER, "never-registered");
    assertFalse(server.isRegistered(name));
    MBeanRegistrar.unregister(MBeanType.STATISTICS, MANAGER, "never-registered");
    assertFalse(server.isRegistered(name));
  }

  @Test
  void registeredStatisticsWorkAsAnMxBeanProxy() {
    CacheStatistics stats = new CacheStatistics();
    register(MBeanType.STATISTICS, MANAGER, "proxy", stats);
    javax.cache.management.CacheStatisticsMXBean proxy =
        JMX.newMXBeanProxy(
            server,
            MBeanRegistrar.objectName(MBeanType.STATISTICS, MANAGER, "proxy"),
            javax.cache.management.CacheStatisticsMXBean.class);
    stats.recordMisses(5);
    assertEquals(5L, proxy.getCacheMisses());
    assertEquals(100f, proxy.getCacheMissPercentage());
  }

  @Test
  void aBeanOfTheWrongTypeIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MBeanRegistrar.register(
                    MBeanType.CONFIGURATION, MANAGER, "wrong", new CacheStatistics()));
    assertTrue(e.getMessage().contains("CacheConfiguration"), e.getMessage());
    assertFalse(
        server.isRegistered(MBeanRegistrar.objectName(MBeanType.CONFIGURATION, MANAGER, "wrong")));
  }

  @Test
  void aRefusedRegistrationIsACacheExceptionNamingTheObjectName() {
    // The MBeanServer itself refuses this bean (NotCompliantMBeanException), after our own checks.
    ObjectName name = MBeanRegistrar.objectName(MBeanType.STATISTICS, MANAGER, "refused");
    CacheException e =
        assertThrows(
            CacheException.class,
            () -> MBeanRegistrar.register(MBeanType.STATISTICS, MANAGER, "refused", new Refused()));
    assertTrue(e.getMessage().contains(name.toString()), e.getMessage());
    assertFalse(server.isRegistered(name));
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThrows(NullPointerException.class, () -> MBeanRegistrar.objectName(null, MANAGER, "c"));
    assertThrows(
        NullPointerException.class,
        () -> MBeanRegistrar.objectName(MBeanType.STATISTICS, null, "c"));
    assertThrows(
        NullPointerException.class,
        () -> MBeanRegistrar.objectName(MBeanType.STATISTICS, MANAGER, null));
    assertThrows(
        NullPointerException.class,
        () -> MBeanRegistrar.register(MBeanType.STATISTICS, MANAGER, "c", null));
    assertSame(MBeanType.STATISTICS, MBeanType.valueOf("STATISTICS"));
  }

  /** A second MXBean interface, so a bean implementing both is not a compliant MXBean. */
  public interface BrokenMXBean {
    Thread getThread();
  }

  /** A statistics bean the MBeanServer refuses: two MXBean interfaces make it non-compliant. */
  public static final class Refused extends CacheStatisticsAdapter implements BrokenMXBean {
    @Override
    public Thread getThread() {
      return Thread.currentThread();
    }
  }

  /** Delegates the statistics MXBean to an empty {@link CacheStatistics}. */
  public abstract static class CacheStatisticsAdapter
      implements javax.cache.management.CacheStatisticsMXBean {
    private final CacheStatistics delegate = new CacheStatistics();

    @Override
    public void clear() {
      delegate.clear();
    }

    @Override
    public long getCacheHits() {
      return delegate.getCacheHits();
    }

    @Override
    public float getCacheHitPercentage() {
      return delegate.getCacheHitPercentage();
    }

    @Override
    public long getCacheMisses() {
      return delegate.getCacheMisses();
    }

    @Override
    public float getCacheMissPercentage() {
      return delegate.getCacheMissPercentage();
    }

    @Override
    public long getCacheGets() {
      return delegate.getCacheGets();
    }

    @Override
    public long getCachePuts() {
      return delegate.getCachePuts();
    }

    @Override
    public long getCacheRemovals() {
      return delegate.getCacheRemovals();
    }

    @Override
    public long getCacheEvictions() {
      return delegate.getCacheEvictions();
    }

    @Override
    public float getAverageGetTime() {
      return delegate.getAverageGetTime();
    }

    @Override
    public float getAveragePutTime() {
      return delegate.getAveragePutTime();
    }

    @Override
    public float getAverageRemoveTime() {
      return delegate.getAverageRemoveTime();
    }
  }
}
