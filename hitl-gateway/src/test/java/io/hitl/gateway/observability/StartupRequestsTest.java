package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Requests that reach the HTTP server while it is still starting: Vert.x creates a server's metrics only after
 * its socket accepts, so an early connection has no socket metric; each request on it must still be answered.
 */
class StartupRequestsTest {

  static HttpRequest get(String uri) {
    return new HttpRequest() {
      @Override
      public int id() {
        return 1;
      }

      @Override
      public String uri() {
        return uri;
      }

      @Override
      public String absoluteURI() {
        return "http://127.0.0.1" + uri;
      }

      @Override
      public HttpMethod method() {
        return HttpMethod.GET;
      }

      @Override
      public MultiMap headers() {
        return MultiMap.caseInsensitiveMultiMap();
      }

      @Override
      public SocketAddress remoteAddress() {
        return SocketAddress.inetSocketAddress(40_000, "127.0.0.1");
      }
    };
  }

  @SuppressWarnings("unchecked")
  static HttpServerMetrics<Object, Object, Object> serverMetrics(Vertx vertx) {
    return (HttpServerMetrics<Object, Object, Object>) ((VertxInternal) vertx).metrics()
      .createHttpServerMetrics(new HttpServerOptions(), SocketAddress.inetSocketAddress(8080, "127.0.0.1"));
  }

  @Test
  void aRequestOnAConnectionWithoutSocketMetricIsMeasuredInsteadOfThrowing() throws Exception {
    VertxMetricsSetup setup = new VertxMetricsSetup(GatewayConfig.of(Map.of()));
    Vertx vertx = setup.builder(new VertxOptions()).build();
    Vertx raw = io.vertx.core.Vertx.builder().with(setup.options(new VertxOptions()))
      .withMetrics(new MicrometerMetricsFactory(setup.registry())).build();
    try {
      // the library alone: what a request on such a connection met before
      assertThatThrownBy(() -> serverMetrics(raw).requestBegin(null, get("/healthz")))
        .isInstanceOf(NullPointerException.class);

      HttpServerMetrics<Object, Object, Object> m = serverMetrics(vertx);
      Object request = m.requestBegin(null, get("/healthz"));
      m.requestEnd(request, get("/healthz"), 0);
      m.bytesRead(null, null, 10);
      m.disconnected(null, null);
      assertThat(request).isNotNull();
      Counter read = setup.registry().find("vertx.http.server.bytes.read").counter();
      assertThat(read).isNotNull();
      assertThat(read.count()).isGreaterThanOrEqualTo(10);
      assertThat(setup.registry().find("vertx.http.server.active.connections").gauge().value()).isZero();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      raw.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyRequestThatReachesAStartingGatewayIsAnswered() throws Exception {
    int port = TestGateway.freePort();
    String db = TestDb.freshEmbedded();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    AtomicBoolean started = new AtomicBoolean();
    AtomicInteger answered = new AtomicInteger();
    ConcurrentLinkedQueue<String> unanswered = new ConcurrentLinkedQueue<>();
    List<Thread> clients = new ArrayList<>();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (String path : List.of("/healthz", "/api/v1/approvals", "/healthz", "/api/v1/approvals")) {
      Thread t = new Thread(() -> {
        int afterStart = 0;
        // bounded: two minutes at most, and 200 requests once the gateway is up
        while (System.nanoTime() < until && afterStart < 200) {
          if (started.get()) {
            afterStart++;
          }
          java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).GET().build();
          CompletableFuture<HttpResponse<String>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
          try {
            f.get(30, TimeUnit.SECONDS);
            answered.incrementAndGet();
          } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof HttpTimeoutException && !(c instanceof HttpConnectTimeoutException)) {
              unanswered.add(path + ": " + c);
            } else if (!(c instanceof ConnectException) && !(c instanceof HttpConnectTimeoutException)
                && !(c instanceof java.io.IOException)) {
              unanswered.add(path + ": " + c);
            }
          } catch (Exception e) {
            unanswered.add(path + ": " + e);
          }
        }
      });
      t.start();
      clients.add(t);
    }
    try (TestGateway gw = TestGateway.start(db, Map.of("HITL_HTTP_PORT", String.valueOf(port),
        // the helper's own quote would go to the port it chose, not this one
        "HITL_QUOTE_MAX_AGE_SECONDS", "60"))) {
      started.set(true);
      for (Thread t : clients) {
        t.join(TimeUnit.SECONDS.toMillis(150));
      }
      assertThat(http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
    assertThat(unanswered).isEmpty();
    assertThat(answered.get()).isGreaterThanOrEqualTo(800);
  }
}
