package dev.memjcache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy on loopback in front of one memcached that holds back every chunk the server sends
 * for a fixed delay after it arrived: each round trip through it costs at least that delay, while
 * commands sent together (pipelined) come back together and cost it about once. So a test can tell
 * how many round trips a call waited for from its wall time, on a loaded machine too. Test code
 * only.
 */
final class DelayingProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int targetPort;
  private final long delayMillis;
  private final List<Socket> sockets = new ArrayList<>();

  private DelayingProxy(int targetPort, long delayMillis) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.delayMillis = delayMillis;
    Thread acceptor = new Thread(this::accept, "delaying-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a proxy to {@code 127.0.0.1:targetPort} that delays the server's replies.
   *
   * @param delayMillis how long each chunk of replies is held back, ms
   */
  static DelayingProxy start(int targetPort, long delayMillis) throws IOException {
    return new DelayingProxy(targetPort, delayMillis);
  }

  /** The proxy's own port, for a {@code memcached://127.0.0.1:<port>} URI. */
  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        synchronized (sockets) {
          sockets.add(client);
          sockets.add(server);
        }
        pump(client, server, 0);
        pump(server, client, delayMillis);
      } catch (IOException closed) {
        return;
      }
    }
  }

  /**
   * Copies {@code from} to {@code to}, each chunk {@code delay} ms after it arrived (a delay line:
   * chunks that arrive together leave together, later ones keep their own delay), until either side
   * closes.
   */
  private static void pump(Socket from, Socket to, long delay) {
    BlockingQueue<Chunk> line = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try (InputStream in = from.getInputStream()) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                  line.add(
                      new Chunk(
                          Arrays.copyOf(buffer, n),
                          System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay)));
                }
              } catch (IOException e) {
                // a side closed: the other goes with it
              } finally {
                line.add(Chunk.END);
              }
            },
            "delaying-proxy-read");
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream out = to.getOutputStream()) {
                for (Chunk chunk = line.take(); chunk != Chunk.END; chunk = line.take()) {
                  long wait = chunk.due() - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  out.write(chunk.bytes());
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // a side closed: the other goes with it
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "delaying-proxy-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  /** Bytes read, and when they are due to be written ({@link System#nanoTime}). */
  private record Chunk(byte[] bytes, long due) {
    static final Chunk END = new Chunk(new byte[0], 0);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    synchronized (sockets) {
      sockets.forEach(DelayingProxy::closeQuietly);
    }
  }
}
