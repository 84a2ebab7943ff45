package dev.memjcache.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ObjectPoolTest {

  /** A pooled object that notices being used by two threads at once. */
  static final class Exclusive {
    final AtomicBoolean inUse = new AtomicBoolean();
  }

  @Test
  void aFreedObjectIsReused() {
    AtomicInteger created = new AtomicInteger();
    ObjectPool<Object> pool =
        new ObjectPool<>(
            4,
            () -> {
              created.incrementAndGet();
              return new Object();
            });
    Object first = pool.obtain();
    pool.free(first);
    assertSame(first, pool.obtain());
    assertEquals(1, created.get());
  }

  @Test
  void aFullPoolDropsWhatComesBack() {
    ObjectPool<Object> pool = new ObjectPool<>(2, Object::new);
    Object a = pool.obtain();
    Object b = pool.obtain();
    Object c = pool.obtain();
    pool.free(a);
    pool.free(b);
    pool.free(c);
    List<Object> idle = List.of(pool.obtain(), pool.obtain());
    assertTrue(idle.contains(a) && idle.contains(b), "the first two returned are kept");
  }

  @Test
  void noObjectIsHandedToTwoThreadsAtOnce() throws Exception {
    ObjectPool<Exclusive> pool = new ObjectPool<>(4, Exclusive::new);
    AtomicInteger overlaps = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 50_000; i++) {
                    Exclusive e = pool.obtain();
                    if (!e.inUse.compareAndSet(false, true)) {
                      overlaps.incrementAndGet();
                    }
                    e.inUse.set(false);
                    pool.free(e);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    assertEquals(0, overlaps.get());
  }
}
