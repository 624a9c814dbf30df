package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.OtlpReceiver;
import io.hitl.gateway.support.OtlpReceiver.Span;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.internal.VertxInternal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OTLP_ENDPOINT against a local OTLP/HTTP receiver, and no tracing at all without it. */
class OtlpExportTest {
  OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() {
    receiver = new OtlpReceiver();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void spansOfACreateAndAnApprovalReachTheCollectorByTheTimeTheGatewayHasStopped() {
    TestGateway gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("OTLP_ENDPOINT", receiver.url(),
      "OTEL_SERVICE_NAME", "hitl-gateway-otlp-test"));
    String engine = gw.token("engine-1", "submitter");
    String alice = gw.token("alice", "approver");
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String id;
    try {
      assertThat(((VertxInternal) gw.gateway.vertx()).tracer()).isNotNull();
      Response created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
        Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      id = created.json().getString("request_id");
      Response approved = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
      assertThat(approved.status()).as(approved.body()).isEqualTo(200);
    } finally {
      // a graceful stop flushes the batch: nothing is waited for here but the stop itself
      gw.close();
    }

    assertThat(receiver.posts()).isNotEmpty().allSatisfy(p -> {
      assertThat(p.path()).isEqualTo("/v1/traces");
      assertThat(p.contentType()).isEqualTo("application/x-protobuf");
    });
    List<Span> spans = receiver.spans();
    assertThat(spans).allSatisfy(s -> assertThat(s.resource()).containsEntry("service.name", "hitl-gateway-otlp-test"));
    Span create = one(spans, s -> s.name().equals(Tracing.CREATE) && id.equals(s.attributes().get("hitl.request_id")));
    assertThat(create.traceId()).isEqualTo(traceId);
    Span busIn = one(spans, s -> s.spanId().equals(create.parentSpanId()));
    Span busOut = one(spans, s -> s.spanId().equals(busIn.parentSpanId()));
    Span http = one(spans, s -> s.spanId().equals(busOut.parentSpanId()));
    assertThat(busIn.kind()).isEqualTo(Span.SERVER);
    assertThat(busOut.kind()).isEqualTo(Span.CLIENT);
    assertThat(busOut.attributes()).containsEntry("messaging.destination.name", "hitl.approvals.create");
    assertThat(http.kind()).isEqualTo(Span.SERVER);
    assertThat(http.attributes()).containsEntry("url.path", "/api/v1/approvals/trade");
    assertThat(http.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    one(spans, s -> s.name().equals(Tracing.DECIDE) && id.equals(s.attributes().get("hitl.request_id")));

    String all = String.join("\n", receiver.posts().stream()
      .map(p -> new String(p.body(), StandardCharsets.ISO_8859_1)).toList());
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
    assertThat(receiver.posts()).isEmpty();
  }

  private static Span one(List<Span> spans, Predicate<Span> which) {
    List<Span> found = spans.stream().filter(which).toList();
    assertThat(found).as("spans received: %s", spans).hasSize(1);
    return found.get(0);
  }
}
