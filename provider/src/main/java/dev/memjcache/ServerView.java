package dev.memjcache;

import dev.memjcache.store.NodeHealth;
import java.util.ArrayList;
import java.util.List;

/** Builds the server view and the node metrics of a manager from node health and its counters. */
final class ServerView {

  private ServerView() {}

  /** Each server with its state: marked down, else connecting while it has no connection. */
  static List<ServerStatus> servers(NodeHealth health) {
    List<ServerStatus> servers = new ArrayList<>();
    for (NodeHealth.Snapshot node : health.snapshot()) {
      ServerStatus.State state =
          node.down()
              ? ServerStatus.State.MARKED_DOWN
              : node.node().isActive() ? ServerStatus.State.SERVING : ServerStatus.State.CONNECTING;
      servers.add(
          new ServerStatus(
              NodeHealth.name(node.node()),
              state,
              node.lastFailure(),
              node.downSinceMillis(),
              node.timeouts(),
              node.failures(),
              node.markedDownCount()));
    }
    return List.copyOf(servers);
  }

  /** The servers' counts summed, with the manager's counters and the async gauge. */
  static NodeMetrics metrics(NodeHealth health, NodeCounters counters, AsyncLimit asyncLimit) {
    int down = 0;
    long markedDown = 0;
    long timeouts = 0;
    long failures = 0;
    List<NodeHealth.Snapshot> nodes = health.snapshot();
    for (NodeHealth.Snapshot node : nodes) {
      down += node.down() ? 1 : 0;
      markedDown += node.markedDownCount();
      timeouts += node.timeouts();
      failures += node.failures();
    }
    return new NodeMetrics(
        nodes.size(),
        down,
        markedDown,
        timeouts,
        failures,
        counters.degradedReads.count(),
        counters.droppedWrites.count(),
        counters.refusedClasses.count(),
        counters.singleFlightWaits.count(),
        counters.loadLeaseWaits.count(),
        asyncLimit.inFlight());
  }
}
