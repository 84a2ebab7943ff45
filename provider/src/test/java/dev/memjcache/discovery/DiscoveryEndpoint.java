package dev.memjcache.discovery;

import dev.memjcache.testkit.MemcachedProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A discovery endpoint of the tests' own on loopback: answers {@code config get cluster} in AWS's
 * documented format ({@code CONFIG cluster 0 <bytes>}, the version line, the {@code host|ip|port}
 * line, {@code END}) with a node list the test sets, listing real memcached processes. Any other
 * command gets {@code ERROR}, as memcached answers an unknown one. Closing it stops the listener.
 */
final class DiscoveryEndpoint implements AutoCloseable {

  private final ServerSocket listener;
  private final Thread acceptor;
  private volatile String block;
  private long version;
  final AtomicInteger polls = new AtomicInteger();

  DiscoveryEndpoint(List<MemcachedProcess> nodes) throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    list(nodes);
    acceptor = new Thread(this::accept, "test-discovery-endpoint");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Returns {@code 127.0.0.1:<port>}, for the option {@code configEndpoint}. */
  String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Answers {@code nodes} from now on, under the next configuration version. */
  synchronized void list(List<MemcachedProcess> nodes) {
    List<String> entries = new ArrayList<>();
    for (MemcachedProcess node : nodes) {
      entries.add("node-" + node.port() + ".discovery.test|127.0.0.1|" + node.port());
    }
    version++;
    block = version + "\n" + String.join(" ", entries) + "\n";
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        Thread serving = new Thread(() -> serve(socket), "test-discovery-connection");
        serving.setDaemon(true);
        serving.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        String answer;
        if (line.trim().equals("config get cluster")) {
          polls.incrementAndGet();
          byte[] data = block.getBytes(StandardCharsets.US_ASCII);
          answer = "CONFIG cluster 0 " + data.length + "\r\n" + block + "\r\nEND\r\n";
        } else {
          answer = "ERROR\r\n";
        }
        out.write(answer.getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
