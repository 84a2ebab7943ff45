package dev.memjcache.store;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.ops.GetsOperation;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationCallback;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;
import net.spy.memcached.ops.StoreOperation;
import net.spy.memcached.ops.StoreType;

/**
 * memcached commands sent to one chosen server rather than to the server a key hashes to: the
 * per-server generation and clear-marker items of every cache live on every server
 * (docs/storage-format.md), and node-health probes go to the server being probed. {@code gets},
 * {@code add}, {@code cas} (flags 0, exptime 0) and the probe ({@link WireProtocol#probe}), built
 * by the client's operation factory (so in its protocol), each awaited for at most the operation
 * timeout and reported to {@link NodeHealth}. Thread-safe.
 */
final class NodeCommands {

  private final LocatingClient client;
  private final OperationFactory ops;
  private final NodeHealth health;
  private final MemcachedStore store;
  private final WireProtocol wire;

  NodeCommands(LocatingClient client, NodeHealth health, MemcachedStore store, WireProtocol wire) {
    this.client = client;
    this.ops = client.operations();
    this.health = health;
    this.store = store;
    this.wire = wire;
  }

  /** memcached {@code gets} on {@code node}; null when there is no item. */
  StoreItem gets(MemcachedNode node, String key) {
    health.admit(node);
    AtomicReference<StoreItem> found = new AtomicReference<>();
    Outcome outcome = new Outcome();
    send(
        node,
        ops.gets(
            key,
            new GetsCallback(outcome) {
              @Override
              public void gotData(String k, int flags, long cas, byte[] data) {
                found.set(new StoreItem(k, data, flags, cas));
              }
            }));
    StatusCode status = await(node, outcome.future, "gets", key);
    return status == StatusCode.SUCCESS ? found.get() : null;
  }

  /** memcached {@code add} on {@code node}: true when stored, false when an item exists. */
  boolean add(MemcachedNode node, String key, byte[] data) {
    health.admit(node);
    Outcome outcome = new Outcome();
    send(node, ops.store(StoreType.add, key, 0, 0, data, new StoreCallback(outcome)));
    StatusCode status = await(node, outcome.future, "add", key);
    if (status == StatusCode.SUCCESS) {
      return true;
    }
    if (status == StatusCode.ERR_EXISTS || status == StatusCode.ERR_NOT_STORED) {
      return false;
    }
    throw refused("add", key, node, status);
  }

  /** memcached {@code cas} on {@code node}. */
  CasOutcome cas(MemcachedNode node, String key, long cas, byte[] data) {
    health.admit(node);
    Outcome outcome = new Outcome();
    send(node, ops.cas(StoreType.set, key, cas, 0, 0, data, new StoreCallback(outcome)));
    StatusCode status = await(node, outcome.future, "cas", key);
    switch (status) {
      case SUCCESS:
        return CasOutcome.STORED;
      case ERR_EXISTS:
        return CasOutcome.EXISTS;
      case ERR_NOT_FOUND:
        return CasOutcome.NOT_FOUND;
      default:
        throw refused("cas", key, node, status);
    }
  }

  /**
   * The node-health probe on {@code node} (binary {@code noop}, text {@code version}), not awaited.
   */
  CompletableFuture<Boolean> probe(MemcachedNode node) {
    Outcome outcome = new Outcome();
    send(node, wire.probe(ops, new BaseCallback(outcome)));
    return outcome.future.thenApply(status -> status == StatusCode.SUCCESS);
  }

  private void send(MemcachedNode node, Operation op) {
    client.broadcastOp((n, latch) -> op, List.of(node));
  }

  private StatusCode await(
      MemcachedNode node, CompletableFuture<StatusCode> future, String command, String key) {
    StatusCode status = store.await(future, command, key, node);
    if (status == StatusCode.CANCELLED) {
      health.failed(node, command + " cancelled");
      throw StoreFailureException.of(
          command, key, NodeHealth.name(node), "was cancelled (connection lost)", null);
    }
    return status;
  }

  private static StoreFailureException refused(
      String command, String key, MemcachedNode node, StatusCode status) {
    return StoreFailureException.of(
        command, key, NodeHealth.name(node), "answered " + status, null);
  }

  /** The status a command ended with, completed by spymemcached's I/O thread. */
  private static final class Outcome {
    final CompletableFuture<StatusCode> future = new CompletableFuture<>();
    volatile StatusCode status = StatusCode.SUCCESS;
  }

  private static class BaseCallback implements OperationCallback {
    final Outcome outcome;

    BaseCallback(Outcome outcome) {
      this.outcome = outcome;
    }

    @Override
    public void receivedStatus(OperationStatus status) {
      StatusCode code = status.getStatusCode();
      outcome.status =
          code != null ? code : status.isSuccess() ? StatusCode.SUCCESS : StatusCode.ERR_CLIENT;
    }

    @Override
    public void complete() {
      outcome.future.complete(outcome.status);
    }
  }

  private abstract static class GetsCallback extends BaseCallback
      implements GetsOperation.Callback {
    GetsCallback(Outcome outcome) {
      super(outcome);
    }
  }

  private static final class StoreCallback extends BaseCallback implements StoreOperation.Callback {
    StoreCallback(Outcome outcome) {
      super(outcome);
    }

    @Override
    public void gotData(String key, long cas) {}
  }
}
