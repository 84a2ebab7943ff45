package dev.memjcache.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import net.spy.memcached.MemcachedNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides whether a memcached server is usable (DESIGN.md "store": node health).
 * It follows libmemcached's {@code server_failure_limit} / {@code retry_timeout} and pymemcache
 * {@code HashClient}'s {@code retry_attempts} / {@code dead_timeout}:
 *
 * <ul>
 *   <li>after {@code serverFailureLimit} consecutive timeouts or connection failures a server is
 *       marked <em>down</em>; commands for its keys are then refused at once ({@link
 *       NodeDownException}), never queued, so no calling thread waits on a dead or hung server
 *       while the keys of the other servers run at full speed;
 *   <li>a server without a connection (spymemcached is reconnecting) is refused the same way,
 *       except a server that joined the node list ({@link ClusterDiscovery}) and was never
 *       connected yet: a command for it waits for that first connection, up to the operation
 *       timeout;
 *   <li>{@code serverRetryMillis} after being marked down, and then every {@code serverRetryMillis}
 *       until it answers, a background thread sends the server one probe (binary {@code noop}, text
 *       {@code version}) once it has a connection again; when the probe answers within the
 *       operation timeout the server is <em>up</em> again, its failure count reset, its {@linkplain
 *       #epoch epoch} advanced and the {@linkplain #onUp up-listeners} called (on the probe
 *       thread).
 * </ul>
 *
 * <p>Transitions are logged (WARN when marked down, INFO when back). Thread-safe; the hot path
 * ({@link #admit}, {@link #succeeded}) is a few volatile reads.
 */
public final class NodeHealth implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeHealth.class);

  /** How often a command for a joining server looks whether it connected, in nanoseconds. */
  private static final long FIRST_CONNECTION_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

  /** How often the probe thread looks at down servers, in milliseconds. */
  private static final long TICK_MILLIS = 50;

  private final Map<MemcachedNode, State> states;
  private volatile List<MemcachedNode> order;
  private final int failureLimit;
  private final long retryNanos;
  private final long probeTimeoutMillis;
  private final Function<MemcachedNode, CompletableFuture<Boolean>> prober;
  private final List<Consumer<MemcachedNode>> upListeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler;

  private static final class State {
    final AtomicInteger failures = new AtomicInteger();
    volatile boolean down;
    volatile long retryAtNanos;
    volatile boolean probing;
    volatile int epoch;
    volatile String lastFailure = "";

    /** Joined the node list and not yet seen connected: its first connection is awaited. */
    volatile boolean joining;

    volatile long downSinceMillis;
    final LongAdder timeouts = new LongAdder();
    final LongAdder otherFailures = new LongAdder();
    final LongAdder markedDown = new LongAdder();
  }

  /**
   * One server's health at one instant, from memory (no network call).
   *
   * @param node the server
   * @param down whether it is marked down
   * @param lastFailure the last failure counted against it, as text; empty when none
   * @param downSinceMillis when it was marked down, epoch ms; 0 unless {@code down}
   * @param timeouts its commands that timed out
   * @param failures its commands that failed otherwise without an answer
   * @param markedDownCount how many times it was marked down
   */
  public record Snapshot(
      MemcachedNode node,
      boolean down,
      String lastFailure,
      long downSinceMillis,
      long timeouts,
      long failures,
      long markedDownCount) {}

  /**
   * Starts the probe thread (a daemon).
   *
   * @param nodes every server of the client
   * @param failureLimit consecutive failures that mark a server down, at least 1
   * @param retryMillis how long a server stays marked down before it is probed, in milliseconds
   * @param probeTimeoutMillis how long a probe may take, in milliseconds
   * @param prober sends one probe to a server; completes with true when it answered
   */
  public NodeHealth(
      Collection<MemcachedNode> nodes,
      int failureLimit,
      long retryMillis,
      long probeTimeoutMillis,
      Function<MemcachedNode, CompletableFuture<Boolean>> prober) {
    this.states = new ConcurrentHashMap<>(); // spymemcached's nodes compare by identity
    this.order = List.copyOf(nodes);
    for (MemcachedNode node : nodes) {
      states.put(node, new State());
    }
    this.failureLimit = Math.max(1, failureLimit);
    this.retryNanos = TimeUnit.MILLISECONDS.toNanos(retryMillis);
    this.probeTimeoutMillis = probeTimeoutMillis;
    this.prober = prober;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "memjcache-node-health");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleWithFixedDelay(
        this::probeDueNodes, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Lets a command for {@code node} through, or refuses it at once; for a server that joined the
   * node list and never connected yet, first waits for its connection up to the operation timeout.
   *
   * @throws NodeDownException when the server is marked down or has no connection
   */
  public void admit(MemcachedNode node) {
    State state = state(node);
    if (state.joining && node.isActive()) {
      state.joining = false;
    }
    if (state.down) {
      throw new NodeDownException(
          "memcached server "
              + name(node)
              + " is marked down since "
              + (System.currentTimeMillis() - state.downSinceMillis)
              + " ms ("
              + state.lastFailure
              + "); its keys fail at once until a probe answers");
    }
    if (!node.isActive() && !(state.joining && awaitFirstConnection(node, state))) {
      failed(node, "no connection");
      throw new NodeDownException(
          "memcached server "
              + name(node)
              + " has no connection (reconnecting); its keys fail at once until it is back");
    }
  }

  /**
   * Waits up to the probe timeout (the operation timeout) for the first connection of a server that
   * joined the node list: spymemcached starts connecting it when the list changes, and its keys
   * route to it at once, so without the wait every command for them would fail until the connection
   * is up. Later losses of its connection fail at once, as for every server.
   */
  private boolean awaitFirstConnection(MemcachedNode node, State state) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(probeTimeoutMillis);
    while (!node.isActive() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(FIRST_CONNECTION_POLL_NANOS);
      if (Thread.currentThread().isInterrupted()) {
        break;
      }
    }
    state.joining = false;
    return node.isActive();
  }

  /** Records an answered command: the server's consecutive failure count starts again. */
  public void succeeded(MemcachedNode node) {
    AtomicInteger failures = state(node).failures;
    if (failures.get() != 0) {
      failures.set(0);
    }
  }

  /**
   * Records a command on {@code node} that timed out: counted as a timeout of the server, then as
   * {@link #failed}.
   *
   * @param reason what timed out, for the log and the {@link NodeDownException} message
   */
  public void timedOut(MemcachedNode node, String reason) {
    State state = state(node);
    state.timeouts.increment();
    markFailure(node, state, reason);
  }

  /**
   * Records a connection failure of a command on {@code node} (lost or absent connection, cancelled
   * command, I/O error); the {@code serverFailureLimit}-th failure or timeout in a row marks the
   * server down.
   *
   * @param reason what failed, for the log and the {@link NodeDownException} message
   */
  public void failed(MemcachedNode node, String reason) {
    State state = state(node);
    state.otherFailures.increment();
    markFailure(node, state, reason);
  }

  private void markFailure(MemcachedNode node, State state, String reason) {
    if (state.down) {
      return;
    }
    state.lastFailure = reason;
    if (state.failures.incrementAndGet() >= failureLimit) {
      synchronized (state) {
        if (state.down) {
          return;
        }
        state.downSinceMillis = System.currentTimeMillis();
        state.retryAtNanos = System.nanoTime() + retryNanos;
        state.down = true;
        state.markedDown.increment();
      }
      LOG.warn(
          "memcached server {} marked down after {} consecutive failures (last: {}); its keys"
              + " fail at once, a probe follows in {} ms",
          name(node),
          state.failures.get(),
          reason,
          TimeUnit.NANOSECONDS.toMillis(retryNanos));
    }
  }

  /** Whether {@code node} is not marked down (it may still be reconnecting). */
  public boolean isUp(MemcachedNode node) {
    return !state(node).down;
  }

  /**
   * Returns how many times {@code node} came back after being marked down: a cached fact about the
   * server (such as its generation) read in an older epoch must be read again.
   */
  public int epoch(MemcachedNode node) {
    return state(node).epoch;
  }

  /**
   * Follows a new node list ({@link Membership}): a server that joined starts up, one that left is
   * forgotten (no probe, not among {@link #downNodes}).
   *
   * @param nodes the servers of the new list
   */
  void track(List<MemcachedNode> nodes) {
    for (MemcachedNode node : nodes) {
      state(node);
    }
    states.keySet().retainAll(nodes);
    order = List.copyOf(nodes);
  }

  /**
   * A server's state. One not known yet joined the node list (seen by {@link #track}, or by a
   * command routed between the list change and {@code track}): it starts up and {@linkplain
   * State#joining joining}.
   */
  private State state(MemcachedNode node) {
    State state = states.get(node);
    return state != null ? state : states.computeIfAbsent(node, n -> joiningState());
  }

  private static State joiningState() {
    State state = new State();
    state.joining = true;
    return state;
  }

  /** Returns the servers currently marked down. */
  public List<MemcachedNode> downNodes() {
    List<MemcachedNode> down = new ArrayList<>();
    states.forEach(
        (node, state) -> {
          if (state.down) {
            down.add(node);
          }
        });
    return down;
  }

  /**
   * Returns every server's health now, in the order of the current node list; read from memory, so
   * it answers at once whatever the servers do.
   *
   * @return a new list
   */
  public List<Snapshot> snapshot() {
    List<MemcachedNode> nodes = order;
    List<Snapshot> out = new ArrayList<>(nodes.size());
    for (MemcachedNode node : nodes) {
      State state = state(node);
      boolean down = state.down;
      out.add(
          new Snapshot(
              node,
              down,
              state.lastFailure,
              down ? state.downSinceMillis : 0,
              state.timeouts.sum(),
              state.otherFailures.sum(),
              state.markedDown.sum()));
    }
    return out;
  }

  /** Calls {@code listener} (on the probe thread) each time a server comes back up. */
  public void onUp(Consumer<MemcachedNode> listener) {
    upListeners.add(listener);
  }

  /**
   * Runs {@code task} soon on the probe thread (commands it sends are admitted like any other);
   * nothing after {@link #close()}.
   *
   * @param task work that must not block the caller, such as advancing generations
   */
  public void runSoon(Runnable task) {
    if (!scheduler.isShutdown()) {
      try {
        scheduler.execute(task);
      } catch (RejectedExecutionException e) {
        // closed meanwhile: nothing left to repair for
      }
    }
  }

  /** Stops the probe thread. */
  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  private void probeDueNodes() {
    long now = System.nanoTime();
    states.forEach(
        (node, state) -> {
          if (!state.down || state.probing || now - state.retryAtNanos < 0 || !node.isActive()) {
            return;
          }
          state.probing = true;
          CompletableFuture<Boolean> probe;
          try {
            probe = prober.apply(node).orTimeout(probeTimeoutMillis, TimeUnit.MILLISECONDS);
          } catch (RuntimeException e) {
            probe = CompletableFuture.failedFuture(e);
          }
          // the answer arrives on spymemcached's I/O thread: continue on the probe thread, where
          // up-listeners may send commands and wait for them
          probe.whenComplete(
              (answered, failure) -> {
                if (!scheduler.isShutdown()) {
                  scheduler.execute(() -> probed(node, state, failure == null && answered));
                }
              });
        });
  }

  private void probed(MemcachedNode node, State state, boolean answered) {
    if (!answered) {
      state.retryAtNanos = System.nanoTime() + retryNanos;
      state.probing = false;
      return;
    }
    long downMillis = System.currentTimeMillis() - state.downSinceMillis;
    state.failures.set(0);
    state.epoch++;
    state.down = false;
    state.probing = false;
    LOG.info(
        "memcached server {} answers again after {} ms marked down; its keys are served again",
        name(node),
        downMillis);
    for (Consumer<MemcachedNode> listener : upListeners) {
      try {
        listener.accept(node);
      } catch (RuntimeException e) {
        LOG.warn("after memcached server {} came back: {}", name(node), e.toString());
      }
    }
  }

  /** Returns {@code host:port} of {@code node}, for logs and messages. */
  public static String name(MemcachedNode node) {
    String address = String.valueOf(node.getSocketAddress());
    return address.startsWith("/") ? address.substring(1) : address;
  }
}
