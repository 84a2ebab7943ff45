package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.spi.MemcachedCachingProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Serializable;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.api.Test;

/**
 * The opt-in load lease ({@code cache.<name>.loadLeaseMillis}) on a real memcached: with two JVMs
 * (this one and a child process) and 4 threads each wanting one missing key, a 200 ms loader runs
 * once in total; a lease whose holder died only delays a load up to the lease time.
 */
class LoadLeaseTest extends CacheTestSupport {

  /** A 200 ms loader that counts its runs in a memcached counter item, shared by both JVMs. */
  static final class CountingLoader implements CacheLoader<String, String>, Serializable {
    private static final long serialVersionUID = 1L;
    private final String counterKey;
    private transient volatile MemcachedClient client;

    CountingLoader(String counterKey) {
      this.counterKey = counterKey;
    }

    void countWith(MemcachedClient memcached) {
      this.client = memcached;
    }

    @Override
    public String load(String key) {
      client.incr(counterKey, 1, 1);
      return slowValueOf(key);
    }

    @Override
    public java.util.Map<String, String> loadAll(Iterable<? extends String> keys) {
      throw new UnsupportedOperationException("not used");
    }
  }

  /** Creates the read-through cache both JVMs use; the loader counts in {@code counterKey}. */
  static Cache<String, String> openCache(CacheManager manager, String name, String counterKey) {
    CountingLoader loader = new CountingLoader(counterKey);
    Cache<String, String> cache =
        manager.createCache(
            name,
            new MutableConfiguration<String, String>()
                .setTypes(String.class, String.class)
                .setReadThrough(true)
                .setCacheLoaderFactory(new FactoryBuilder.SingletonFactory<>(loader)));
    loader.countWith(cache.unwrap(MemcachedClient.class));
    return cache;
  }

  private static long counter(Cache<?, ?> cache, String counterKey) {
    return cache.unwrap(MemcachedClient.class).incr(counterKey, 0, 0);
  }

  @Test
  void twoJvmsWithFourThreadsEachLoadAMissingKeyOnce() throws Exception {
    String name = uniqueCacheName();
    String counterKey = "lease-test-runs-" + System.nanoTime();
    URI uri =
        withProtocol(
            URI.create(
                MEMCACHED.uri()
                    + "?allowPackages=dev.memjcache&cache."
                    + name
                    + ".loadLeaseMillis=5s"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LeaseWorkerMain.class.getName(),
                uri.toString(),
                name,
                "wanted",
                "4",
                counterKey)
            .redirectErrorStream(true)
            .start();
    List<String> childOutput = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  childOutput.add(line);
                  if (line.equals("ready")) {
                    ready.complete(null);
                  }
                }
              } catch (Exception e) {
                ready.completeExceptionally(e);
              }
              ready.completeExceptionally(new IllegalStateException("child ended: " + childOutput));
            });
    reader.start();
    try (CacheManager manager =
        new MemcachedCachingProvider().getCacheManager(uri, getClass().getClassLoader())) {
      Cache<String, String> cache = openCache(manager, name, counterKey);
      ready.get(120, TimeUnit.SECONDS);
      try (Writer toChild =
          new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8)) {
        toChild.write("go\n");
      }
      List<String> here = LeaseWorkerMain.readConcurrently(cache, "wanted", 4);
      assertTrue(child.waitFor(120, TimeUnit.SECONDS), "child still running: " + childOutput);
      reader.join(10_000);
      assertEquals(0, child.exitValue(), String.join("\n", childOutput));
      assertEquals(
          List.of("loaded-wanted", "loaded-wanted", "loaded-wanted", "loaded-wanted"), here);
      assertTrue(
          childOutput.contains("values=loaded-wanted,loaded-wanted,loaded-wanted,loaded-wanted"),
          String.join("\n", childOutput));
      assertEquals(1, counter(cache, counterKey), "loader runs over both JVMs");
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aDeadLeaseHolderDelaysALoadAtMostTheLeaseTime() throws Exception {
    String name = uniqueCacheName();
    String counterKey = "lease-test-runs-" + System.nanoTime();
    long leaseMillis = 2000;
    CacheManager manager = newManager("cache." + name + ".loadLeaseMillis=" + leaseMillis + "ms");
    Cache<String, String> cache = openCache(manager, name, counterKey);

    long start = System.nanoTime();
    assertEquals("loaded-baseline", cache.get("baseline"));
    long baselineMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // a JVM took the lease of "orphan" and died: nobody will delete it
    String leaseKey = "mjc:" + name + ":lease:" + generation(cache) + ":orphan";
    assertTrue(rawClient(cache).add(leaseKey, 2, "dead holder").get(1, TimeUnit.SECONDS));
    start = System.nanoTime();
    assertEquals("loaded-orphan", cache.get("orphan"));
    long delayedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    System.out.println(
        "dead lease holder: load took "
            + delayedMillis
            + " ms (lease "
            + leaseMillis
            + " ms, baseline load "
            + baselineMillis
            + " ms)");
    assertEquals(2, counter(cache, counterKey), "the waiter loaded after the lease");
    assertTrue(
        delayedMillis >= baselineMillis + 500,
        "the held lease made the load wait: "
            + delayedMillis
            + " ms, baseline "
            + baselineMillis
            + " ms");
    assertTrue(
        delayedMillis <= leaseMillis + Math.max(1500, 3 * baselineMillis),
        "waited "
            + delayedMillis
            + " ms for a "
            + leaseMillis
            + " ms lease (baseline "
            + baselineMillis
            + " ms)");
  }

  @Test
  void anEntryProcessorOnAnAbsentEntryWaitsForAnotherJvmsLease() throws Exception {
    String name = uniqueCacheName();
    CacheManager manager = newManager("cache." + name + ".loadLeaseMillis=2s");
    Cache<String, String> cache = openCache(manager, name, "lease-test-runs-" + System.nanoTime());
    cache.put("present", "p");
    String leaseKey = "mjc:" + name + ":lease:" + generation(cache) + ":absent";
    // another JVM holds the lease of "absent" and stores its value after 600 ms
    assertTrue(rawClient(cache).add(leaseKey, 2, "other JVM").get(1, TimeUnit.SECONDS));
    CompletableFuture<Void> otherJvm =
        CompletableFuture.runAsync(
            () -> {
              try {
                Thread.sleep(600);
                cache.put("absent", "from the lease holder");
                rawClient(cache).delete(leaseKey).get(1, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    String seen =
        cache.invoke(
            "absent",
            (entry, args) -> {
              if (!entry.exists()) {
                entry.setValue("from the waiter");
              }
              return entry.getValue();
            });
    otherJvm.get(10, TimeUnit.SECONDS);
    assertEquals("from the lease holder", seen, "the processor ran after the holder's entry");
    assertEquals(
        "p",
        cache.invoke("present", (entry, args) -> entry.getValue()),
        "a present entry needs no lease");
  }
}
