package io.hitl.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.observability.Tracing;
import io.hitl.gateway.support.NodeCluster;
import io.hitl.gateway.support.OtlpReceiver;
import io.hitl.gateway.support.OtlpReceiver.Span;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Trace context carried over the clustered event bus: the event of a create made on one node, heard on the other. */
class ClusterTracingTest {

  @Test
  void theOtherNodeHearsTheEventOfACreateInsideTheTraceOfTheHttpRequest() {
    try (OtlpReceiver receiver = new OtlpReceiver();
         NodeCluster cluster = NodeCluster.start(2, TestDb.freshEmbedded(), Map.of("OTLP_ENDPOINT", receiver.url()))) {
      String engine = cluster.token("engine-1", "submitter");
      List<String> traces = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        Response r = cluster.node(0).call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
          Map.of("traceparent", "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        traces.add(traceId);
      }
      // SIGTERM: each node flushes its spans as it stops
      cluster.nodes().forEach(NodeCluster.Node::terminate);
      cluster.nodes().forEach(n -> NodeCluster.await(n.process, Duration.ofSeconds(90)));

      List<Span> spans = receiver.spans();
      for (String traceId : traces) {
        List<Span> trace = spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
        Span create = one(trace, s -> s.name().equals(Tracing.CREATE), spans);
        Span busIn = one(trace, s -> s.spanId().equals(create.parentSpanId()), spans);
        Span busOut = one(trace, s -> s.spanId().equals(busIn.parentSpanId()), spans);
        Span http = one(trace, s -> s.spanId().equals(busOut.parentSpanId()), spans);
        assertThat(http.attributes()).containsEntry("url.path", "/api/v1/approvals/trade");
        assertThat(http.instance()).isEqualTo(create.instance());
        // hitl.events is published to every node: node 1's consumer span is a child of node 0's publish span
        Span heard = one(trace, s -> s.kind() == Span.SERVER && !s.instance().equals(create.instance())
          && "hitl.events".equals(s.attributes().get("messaging.destination.name")), spans);
        Span published = one(trace, s -> s.spanId().equals(heard.parentSpanId()), spans);
        assertThat(published.kind()).isEqualTo(Span.CLIENT);
        assertThat(published.instance()).isEqualTo(create.instance());
        assertThat(published.attributes()).containsEntry("messaging.operation.name", "publish");
      }
    }
  }

  private static Span one(List<Span> trace, java.util.function.Predicate<Span> which, List<Span> all) {
    Optional<Span> found = trace.stream().filter(which).findFirst();
    assertThat(found).as("in %s (of %d spans received)", trace, all.size()).isPresent();
    return found.get();
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    b[0] |= 1;
    return b;
  }
}
