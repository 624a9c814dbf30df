package io.hitl.gateway.observability;

import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

/**
 * Vert.x metrics that survive a connection accepted before its server's metrics exist. Vert.x core creates a
 * server's TCP metrics in the bind listener, after the socket already accepts: a connection arriving in between
 * gets no socket metric (null), and its first request then throws a NullPointerException in
 * vertx-micrometer-metrics' {@code VertxHttpServerMetrics.requestBegin}, leaving the request unanswered. Here a
 * missing socket metric is replaced by one of the server's own, made once and carrying no open connection.
 * (The default {@code init} is kept on purpose: it asks this factory, not the delegate, for the metrics.)
 */
public final class SocketSafeMetrics implements VertxMetricsFactory {
  private final VertxMetricsFactory delegate;

  public SocketSafeMetrics(VertxMetricsFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    VertxMetrics m = delegate.metrics(options);
    return m == null ? null : new Vertx(m);
  }

  @Override
  public MetricsOptions newOptions() {
    return delegate.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return delegate.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(JsonObject json) {
    return delegate.newOptions(json);
  }

  /** Every call passed on; HTTP server metrics wrapped. */
  static final class Vertx implements VertxMetrics {
    private final VertxMetrics d;

    Vertx(VertxMetrics d) {
      this.d = d;
    }

    @Override
    public EventBusMetrics createEventBusMetrics() {
      return d.createEventBusMetrics();
    }

    @Override
    @SuppressWarnings("unchecked")
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
      HttpServerMetrics<?, ?, ?> m = d.createHttpServerMetrics(options, localAddress);
      return m == null ? null : new HttpServer<>((HttpServerMetrics<Object, Object, Object>) m);
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
      return d.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return d.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
      return d.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return d.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return d.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
      return d.createPoolMetrics(poolType, poolName, maxPoolSize);
    }

    @Override
    public void vertxCreated(io.vertx.core.Vertx vertx) {
      d.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return d.isMetricsEnabled();
    }

    @Override
    public void close() {
      d.close();
    }
  }

  /** HTTP server metrics where a null socket metric stands for the server's stand-in one. */
  static final class HttpServer<R, W, S> implements HttpServerMetrics<R, W, S> {
    private final HttpServerMetrics<R, W, S> d;
    private S standIn;

    HttpServer(HttpServerMetrics<R, W, S> d) {
      this.d = d;
    }

    /** {@code s}, or the stand-in: made by a connect and a disconnect, so no connection stays counted. */
    synchronized S socket(S s) {
      if (s != null) {
        return s;
      }
      if (standIn == null) {
        S made = d.connected(null, null);
        d.disconnected(made, null);
        standIn = made;
      }
      return standIn;
    }

    @Override
    public R requestBegin(S socketMetric, HttpRequest request) {
      return d.requestBegin(socket(socketMetric), request);
    }

    @Override
    public void requestEnd(R requestMetric, HttpRequest request, long bytesRead) {
      d.requestEnd(requestMetric, request, bytesRead);
    }

    @Override
    public void requestReset(R requestMetric) {
      d.requestReset(requestMetric);
    }

    @Override
    public void responseBegin(R requestMetric, HttpResponse response) {
      d.responseBegin(requestMetric, response);
    }

    @Override
    public R responsePushed(S socketMetric, HttpMethod method, String uri, HttpResponse response) {
      return d.responsePushed(socket(socketMetric), method, uri, response);
    }

    @Override
    public void responseEnd(R requestMetric, HttpResponse response, long bytesWritten) {
      d.responseEnd(requestMetric, response, bytesWritten);
    }

    @Override
    public W connected(S socketMetric, R requestMetric, ServerWebSocket serverWebSocket) {
      return d.connected(socket(socketMetric), requestMetric, serverWebSocket);
    }

    @Override
    public void disconnected(W serverWebSocketMetric) {
      d.disconnected(serverWebSocketMetric);
    }

    @Override
    public void requestRouted(R requestMetric, String route) {
      d.requestRouted(requestMetric, route);
    }

    @Override
    public S connected(SocketAddress remoteAddress, String remoteName) {
      return d.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(S socketMetric, SocketAddress remoteAddress) {
      // a connection that was never counted as opened is not counted as closed either
      if (socketMetric != null) {
        d.disconnected(socketMetric, remoteAddress);
      }
    }

    @Override
    public void bytesRead(S socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      d.bytesRead(socket(socketMetric), remoteAddress, numberOfBytes);
    }

    @Override
    public void bytesWritten(S socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      d.bytesWritten(socket(socketMetric), remoteAddress, numberOfBytes);
    }

    @Override
    public void exceptionOccurred(S socketMetric, SocketAddress remoteAddress, Throwable t) {
      d.exceptionOccurred(socket(socketMetric), remoteAddress, t);
    }

    @Override
    public void close() {
      d.close();
    }
  }
}
