package dev.memjcache.store;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Collection;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.config.NodeEndPoint;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.ops.OperationState;

/**
 * A TLS node of the fork 1.2.2 that reads every answer a TLS record holds. The fork's {@code
 * MemcachedConnection.handleReads} decrypts one TLS record and hands its plain text to the current
 * operation once: an operation consumes one memcached packet per call, so when memcached packs
 * several answers into one record (a multi-get, {@code stats}, pipelined commands; it always does
 * under load) the rest of the record is dropped and the stream loses its framing ("Invalid magic",
 * "Unexpected response command value", timeouts). AWS's repository fixed this after 1.2.2 (the loop
 * over the decrypted buffer in {@code handleReads}); this node does the same from outside: {@link
 * #decryptNextTLSDataRecord} feeds the whole record to the operations in order, completing each,
 * and returns null, which the connection takes as "no data yet" and goes on reading records. Every
 * other method delegates.
 */
final class TlsRecordNode implements MemcachedNode {

  private final MemcachedNode node;

  TlsRecordNode(MemcachedNode node) {
    this.node = node;
  }

  /**
   * Decrypts the next TLS record of {@code encrypted} and reads all of it into the node's read
   * operations, as the connection does for a plain-text buffer.
   *
   * @return always null: the record has been consumed
   * @throws IOException when the record cannot be decrypted, or holds bytes no operation reads (the
   *     connection then reconnects, as for any read failure)
   */
  @Override
  public ByteBuffer decryptNextTLSDataRecord(ByteBuffer encrypted) throws IOException {
    ByteBuffer plain = node.decryptNextTLSDataRecord(encrypted);
    while (plain != null && plain.hasRemaining()) {
      Operation op = node.getCurrentReadOp();
      if (op == null) {
        throw new IOException(
            "memcached " + getSocketAddress() + " sent " + plain.remaining() + " unexpected bytes");
      }
      int before = plain.remaining();
      synchronized (op) {
        op.readFromBuffer(plain);
      }
      if (op.getState() == OperationState.COMPLETE) {
        node.removeCurrentReadOp();
      } else if (plain.remaining() == before) {
        throw new IOException(
            "the answer of memcached " + getSocketAddress() + " does not fit " + op);
      }
    }
    return null;
  }

  @Override
  public void copyInputQueue() {
    node.copyInputQueue();
  }

  @Override
  public Collection<Operation> destroyInputQueue() {
    return node.destroyInputQueue();
  }

  @Override
  public void setupResend() {
    node.setupResend();
  }

  @Override
  public void fillWriteBuffer(boolean a0) throws IOException {
    node.fillWriteBuffer(a0);
  }

  @Override
  public void transitionWriteItem() {
    node.transitionWriteItem();
  }

  @Override
  public Operation getCurrentReadOp() {
    return node.getCurrentReadOp();
  }

  @Override
  public Operation removeCurrentReadOp() {
    return node.removeCurrentReadOp();
  }

  @Override
  public Operation getCurrentWriteOp() {
    return node.getCurrentWriteOp();
  }

  @Override
  public Operation removeCurrentWriteOp() {
    return node.removeCurrentWriteOp();
  }

  @Override
  public boolean hasReadOp() {
    return node.hasReadOp();
  }

  @Override
  public boolean hasWriteOp() {
    return node.hasWriteOp();
  }

  @Override
  public void addOp(Operation a0) {
    node.addOp(a0);
  }

  @Override
  public void insertOp(Operation a0) {
    node.insertOp(a0);
  }

  @Override
  public int getSelectionOps() {
    return node.getSelectionOps();
  }

  @Override
  public ByteBuffer getRbuf() {
    return node.getRbuf();
  }

  @Override
  public ByteBuffer getWbuf() {
    return node.getWbuf();
  }

  @Override
  public boolean doTlsHandshake(long a0) throws IOException {
    return node.doTlsHandshake(a0);
  }

  @Override
  public SocketAddress getSocketAddress() {
    return node.getSocketAddress();
  }

  @Override
  public NodeEndPoint getNodeEndPoint() {
    return node.getNodeEndPoint();
  }

  @Override
  public void setNodeEndPoint(NodeEndPoint a0) {
    node.setNodeEndPoint(a0);
  }

  @Override
  public boolean isActive() {
    return node.isActive();
  }

  @Override
  public boolean isAuthenticated() {
    return node.isAuthenticated();
  }

  @Override
  public long lastReadDelta() {
    return node.lastReadDelta();
  }

  @Override
  public void completedRead() {
    node.completedRead();
  }

  @Override
  public void reconnecting() {
    node.reconnecting();
  }

  @Override
  public void connected() {
    node.connected();
  }

  @Override
  public int getReconnectCount() {
    return node.getReconnectCount();
  }

  @Override
  public void registerChannel(SocketChannel a0, SelectionKey a1) {
    node.registerChannel(a0, a1);
  }

  @Override
  public void setChannel(SocketChannel a0) {
    node.setChannel(a0);
  }

  @Override
  public SocketChannel getChannel() {
    return node.getChannel();
  }

  @Override
  public void setSk(SelectionKey a0) {
    node.setSk(a0);
  }

  @Override
  public SelectionKey getSk() {
    return node.getSk();
  }

  @Override
  public int getBytesRemainingToWrite() {
    return node.getBytesRemainingToWrite();
  }

  @Override
  public int writeSome() throws IOException {
    return node.writeSome();
  }

  @Override
  public void fixupOps() {
    node.fixupOps();
  }

  @Override
  public void authComplete() {
    node.authComplete();
  }

  @Override
  public void setupForAuth() {
    node.setupForAuth();
  }

  @Override
  public void setContinuousTimeout(boolean a0) {
    node.setContinuousTimeout(a0);
  }

  @Override
  public int getContinuousTimeout() {
    return node.getContinuousTimeout();
  }

  @Override
  public MemcachedConnection getConnection() {
    return node.getConnection();
  }

  @Override
  public void setConnection(MemcachedConnection a0) {
    node.setConnection(a0);
  }

  @Override
  public String toString() {
    return node.toString();
  }
}
