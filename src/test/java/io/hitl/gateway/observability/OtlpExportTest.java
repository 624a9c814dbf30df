package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.internal.VertxInternal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OTLP_ENDPOINT against a local OTLP/HTTP receiver, and no tracing at all without it. */
class OtlpExportTest {
  record Post(String path, String contentType, byte[] body) {
    String text() {
      // protobuf keeps strings as UTF-8 bytes: span names, attribute values and the service name are readable
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  HttpServer receiver;
  final List<Post> posts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", exchange -> {
      try (InputStream in = exchange.getRequestBody()) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        posts.add(new Post(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Content-Type"),
          bytes.toByteArray()));
      }
      // an empty ExportTraceServiceResponse: everything accepted
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  @Test
  void spansOfACreateAndAnApprovalReachTheCollectorByTheTimeTheGatewayHasStopped() {
    TestGateway gw = TestGateway.start(TestDb.freshEmbedded(), Map.of(
      "OTLP_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort(),
      "OTEL_SERVICE_NAME", "hitl-gateway-otlp-test"));
    String engine = gw.token("engine-1", "submitter");
    String alice = gw.token("alice", "approver");
    String id;
    try {
      assertThat(((VertxInternal) gw.gateway.vertx()).tracer()).isNotNull();
      Response created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      id = created.json().getString("request_id");
      Response approved = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
      assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    } finally {
      // a graceful stop flushes the batch: nothing is waited for here but the stop itself
      gw.close();
    }

    assertThat(posts).isNotEmpty().allSatisfy(p -> {
      assertThat(p.path()).isEqualTo("/v1/traces");
      assertThat(p.contentType()).isEqualTo("application/x-protobuf");
    });
    String all = String.join("\n", posts.stream().map(Post::text).toList());
    assertThat(all).contains("hitl-gateway-otlp-test", Tracing.CREATE, Tracing.DECIDE, id, "hitl.approvals.create",
      "/api/v1/approvals/trade");
    assertThat(all).doesNotContain(engine).doesNotContain(alice).doesNotContain(TestGateway.SECRET);
  }

  @Test
  void withoutOtlpEndpointVertxHasNoTracerAndNothingIsSent() {
    TestGateway gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
    try {
      assertThat(((VertxInternal) gw.gateway.vertx()).tracer()).isNull();
      assertThat(Tracing.of(gw.gateway.vertx()).enabled()).isFalse();
      String engine = gw.token("engine-1", "submitter");
      Response created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
        Map.of("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
    } finally {
      gw.close();
    }
    assertThat(posts).isEmpty();
  }
}
