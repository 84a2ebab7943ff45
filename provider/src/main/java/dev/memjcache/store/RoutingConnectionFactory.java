package dev.memjcache.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import net.spy.memcached.ClientMode;
import net.spy.memcached.ConnectionFactory;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.FailureMode;
import net.spy.memcached.HashAlgorithm;
import net.spy.memcached.MemcachedConnection;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.NodeLocator;
import net.spy.memcached.OperationFactory;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.metrics.MetricCollector;
import net.spy.memcached.metrics.MetricType;
import net.spy.memcached.ops.Operation;
import net.spy.memcached.transcoders.Transcoder;

/**
 * The connection factory {@code ConnectionFactoryBuilder} built, with two changes: the connection
 * routes through a {@link MemoizingLocator}, and over TLS each node is a {@link TlsRecordNode}
 * (with the factory of its server's TLS host name, {@link TlsSockets#nodeFactories}). {@code
 * ConnectionFactoryBuilder} offers no hook for a locator of one's own, so this factory delegates
 * every setting and builds the connection itself with {@code this} as its factory, as {@code
 * DefaultConnectionFactory.createConnection} does.
 */
final class RoutingConnectionFactory implements ConnectionFactory {

  private final ConnectionFactory built;

  /** Per-server factories for their nodes (TLS host names, {@link TlsSockets#nodeFactories}). */
  private final Function<InetSocketAddress, ConnectionFactory> nodeFactories;

  RoutingConnectionFactory(ConnectionFactory built) {
    this(built, server -> null);
  }

  /**
   * @param nodeFactories the factory for a node's address, or null for {@code built}'s
   */
  RoutingConnectionFactory(
      ConnectionFactory built, Function<InetSocketAddress, ConnectionFactory> nodeFactories) {
    this.built = built;
    this.nodeFactories = nodeFactories;
  }

  @Override
  public MemcachedConnection createConnection(List<InetSocketAddress> addrs) throws IOException {
    return new MemcachedConnection(
        getReadBufSize(),
        this,
        addrs,
        getInitialObservers(),
        getFailureMode(),
        getOperationFactory());
  }

  @Override
  public NodeLocator createLocator(List<MemcachedNode> nodes) {
    return new MemoizingLocator(nodes, built.createLocator(nodes), built.getHashAlg());
  }

  @Override
  public MemcachedNode createMemcachedNode(SocketAddress sa, SocketChannel c, int bufSize) {
    ConnectionFactory factory = sa instanceof InetSocketAddress a ? nodeFactories.apply(a) : null;
    if (factory == null) {
      factory = built;
    }
    MemcachedNode node = factory.createMemcachedNode(sa, c, bufSize);
    return getSSLContext() == null ? node : new TlsRecordNode(node);
  }

  @Override
  public BlockingQueue<Operation> createOperationQueue() {
    return built.createOperationQueue();
  }

  @Override
  public BlockingQueue<Operation> createReadOperationQueue() {
    return built.createReadOperationQueue();
  }

  @Override
  public BlockingQueue<Operation> createWriteOperationQueue() {
    return built.createWriteOperationQueue();
  }

  @Override
  public long getOpQueueMaxBlockTime() {
    return built.getOpQueueMaxBlockTime();
  }

  @Override
  public ExecutorService getListenerExecutorService() {
    return built.getListenerExecutorService();
  }

  @Override
  public boolean isDefaultExecutorService() {
    return built.isDefaultExecutorService();
  }

  @Override
  public OperationFactory getOperationFactory() {
    return built.getOperationFactory();
  }

  @Override
  public long getOperationTimeout() {
    return built.getOperationTimeout();
  }

  @Override
  public boolean isDaemon() {
    return built.isDaemon();
  }

  @Override
  public boolean useNagleAlgorithm() {
    return built.useNagleAlgorithm();
  }

  @Override
  public Collection<ConnectionObserver> getInitialObservers() {
    return built.getInitialObservers();
  }

  @Override
  public FailureMode getFailureMode() {
    return built.getFailureMode();
  }

  @Override
  public Transcoder<Object> getDefaultTranscoder() {
    return built.getDefaultTranscoder();
  }

  @Override
  public boolean shouldOptimize() {
    return built.shouldOptimize();
  }

  @Override
  public int getReadBufSize() {
    return built.getReadBufSize();
  }

  @Override
  public HashAlgorithm getHashAlg() {
    return built.getHashAlg();
  }

  @Override
  public long getMaxReconnectDelay() {
    return built.getMaxReconnectDelay();
  }

  @Override
  public AuthDescriptor getAuthDescriptor() {
    return built.getAuthDescriptor();
  }

  @Override
  public int getTimeoutExceptionThreshold() {
    return built.getTimeoutExceptionThreshold();
  }

  @Override
  public MetricType enableMetrics() {
    return built.enableMetrics();
  }

  @Override
  public MetricCollector getMetricCollector() {
    return built.getMetricCollector();
  }

  @Override
  public long getAuthWaitTime() {
    return built.getAuthWaitTime();
  }

  @Override
  public ClientMode getClientMode() {
    return built.getClientMode();
  }

  @Override
  public void setClientMode(ClientMode clientMode) {
    built.setClientMode(clientMode);
  }

  @Override
  public long getDynamicModePollingInterval() {
    return built.getDynamicModePollingInterval();
  }

  @Override
  public boolean getKeepAlive() {
    return built.getKeepAlive();
  }

  @Override
  public SSLContext getSSLContext() {
    return built.getSSLContext();
  }

  @Override
  public String getHostnameForTlsVerification() {
    return built.getHostnameForTlsVerification();
  }

  @Override
  public boolean skipTlsHostnameVerification() {
    return built.skipTlsHostnameVerification();
  }
}
