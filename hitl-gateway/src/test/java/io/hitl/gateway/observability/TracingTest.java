package io.hitl.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Answer;
import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The spans of a gateway with tracing on, as its exporter receives them. */
class TracingTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final InMemorySpanExporter spans = InMemorySpanExporter.create();
  static FakeChatApi slack;
  static TestGateway gw;
  static String engine;
  static String alice;

  @BeforeAll
  static void start() {
    slack = new FakeChatApi();
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of(
        "SLACK_BOT_TOKEN", "xoxb-trace-test-token",
        "SLACK_CHANNEL", "C0TRACE",
        "SLACK_API_BASE_URL", slack.url() + "/api",
        "DISCORD_BOT_TOKEN", "discord-trace-test-token",
        "DISCORD_CHANNEL_ID", "9001",
        "DISCORD_API_BASE_URL", slack.url() + "/discord",
        "HITL_NOTIFY_BACKOFF_BASE_MS", "100",
        "HITL_NOTIFY_BACKOFF_MAX_MS", "400",
        "HITL_EXPIRY_SWEEP_SECONDS", "3600"),
      new MutableClock(), Tracing.exportingTo(spans, "hitl-gateway-test"));
    engine = gw.token("engine-1", "submitter");
    alice = gw.token("alice", "approver");
  }

  @AfterAll
  static void stop() {
    gw.close();
    slack.close();
  }

  @Test
  void theEnginesTraceparentIsTheParentOfTheHttpEventBusAndCreateSpans() {
    String traceId = hex(32);
    String engineSpan = hex(16);
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
      Map.of("traceparent", "00-" + traceId + "-" + engineSpan + "-01"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().getString("request_id");

    SpanData create = await(s -> s.getName().equals(Tracing.CREATE) && id.equals(s.getAttributes().get(Tracing.REQUEST_ID)));
    assertThat(create.getTraceId()).isEqualTo(traceId);
    assertThat(create.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(create.getAttributes().get(Tracing.TYPE)).isEqualTo("TRADE_EXECUTION");
    assertThat(create.getAttributes().get(Tracing.STATUS)).isEqualTo("pending");
    assertThat(create.getAttributes().get(Tracing.OUTCOME)).isEqualTo("created");
    assertThat(create.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);

    List<SpanData> up = ancestorsUpTo(create, engineSpan);
    SpanData http = up.get(up.size() - 1);
    assertThat(http.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(http.getParentSpanId()).isEqualTo(engineSpan);
    assertThat(up.get(0).getKind()).as(describe(up)).isEqualTo(SpanKind.SERVER);
    assertThat(up).as(describe(up)).anySatisfy(s -> {
      assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(s.getAttributes().asMap().toString()).contains(Addresses.APPROVALS_CREATE);
    });
  }

  @Test
  void anApprovalOverHttpIsADecideSpanInTheTraceOfItsHttpRequest() {
    String id = create(Map.of());
    Response r = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
    assertThat(r.status()).as(r.body()).isEqualTo(200);

    SpanData decide = await(s -> s.getName().equals(Tracing.DECIDE) && id.equals(s.getAttributes().get(Tracing.REQUEST_ID)));
    assertThat(decide.getAttributes().get(Tracing.STATUS)).isEqualTo("approved");
    List<SpanData> up = ancestorsUpTo(decide, SpanId.getInvalid());
    SpanData root = up.get(up.size() - 1);
    assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(root.getParentSpanContext().isValid()).isFalse();
    assertThat(up).as(describe(up)).anySatisfy(s ->
      assertThat(s.getAttributes().asMap().toString()).contains(Addresses.APPROVALS_DECIDE));
  }

  @Test
  void aRefusedDecisionEndsItsSpanAsAnErrorNamingTheSecCode() {
    String traceId = hex(32);
    Response r = gw.call("POST", "/api/v1/approvals/" + UUID.randomUUID() + "/approve", alice, Map.of(),
      Map.of("traceparent", "00-" + traceId + "-" + hex(16) + "-01"));
    String code = r.json().getString("code");
    assertThat(code).as(r.body()).startsWith("SEC-");

    SpanData decide = await(s -> s.getName().equals(Tracing.DECIDE) && s.getTraceId().equals(traceId));
    assertThat(decide.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(decide.getAttributes().get(Tracing.ERROR_CODE)).isEqualTo(code);
    assertThat(decide.getAttributes().get(Tracing.OUTCOME)).isEqualTo("refused");
  }

  @Test
  void aDeadlineThatPassesIsAnExpireSpan() {
    String id = create(Map.of("timeout_seconds", 60));
    gw.clock.advance(Duration.ofSeconds(61));
    sweep();
    SpanData expire = await(s -> s.getName().equals(Tracing.EXPIRE) && id.equals(s.getAttributes().get(Tracing.REQUEST_ID)));
    assertThat(expire.getAttributes().get(Tracing.OUTCOME)).isEqualTo("expired");
    assertThat(expire.getAttributes().get(Tracing.STATUS)).isEqualTo("expired");
  }

  @Test
  void aDeadlineThatEscalatesIsAnEscalateSpan() {
    String id = create(Map.of("timeout_seconds", 60, "timeout_action", "escalate", "max_escalation_level", 2,
      "escalation_extension_seconds", 120));
    gw.clock.advance(Duration.ofSeconds(61));
    sweep();
    SpanData escalate = await(s -> s.getName().equals(Tracing.ESCALATE)
      && id.equals(s.getAttributes().get(Tracing.REQUEST_ID)));
    assertThat(escalate.getAttributes().get(Tracing.OUTCOME)).isEqualTo("escalated");
    assertThat(escalate.getAttributes().get(Tracing.STATUS)).isEqualTo("pending");
  }

  @Test
  void eachSlackCallIsAClientSpanNamingTheRequestAndNeverTheToken() {
    String id = create(Map.of());
    slack.await("POST", "/api/chat.postMessage", c -> c.body().contains(id), 1, WAIT);
    SpanData post = await(s -> s.getName().equals(Tracing.SLACK + "chat.postMessage")
      && id.equals(s.getAttributes().get(Tracing.REQUEST_ID)));
    assertThat(post.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(post.getAttributes().get(Tracing.OUTCOME)).isEqualTo("delivered");
    assertThat(post.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    assertThat(spans.getFinishedSpanItems().stream().map(s -> s.getAttributes().asMap().toString() + s.getName()))
      .noneMatch(text -> text.contains("xoxb-trace-test-token") || text.contains("discord-trace-test-token")
        || text.contains(engine) || text.contains(alice));
  }

  @Test
  void aSlackCallToBeRetriedEndsItsSpanAsAnError() {
    slack.script(c -> c.path().equals("/api/chat.postMessage") && c.body().contains("trace-retry-strategy"),
      Answer.status(500));
    String id = create(Map.of("strategy", "trace-retry-strategy"));
    SpanData failed = await(s -> s.getName().equals(Tracing.SLACK + "chat.postMessage")
      && id.equals(s.getAttributes().get(Tracing.REQUEST_ID)) && s.getStatus().getStatusCode() == StatusCode.ERROR);
    assertThat(failed.getAttributes().get(Tracing.OUTCOME)).isEqualTo("retry");
    SpanData retried = await(s -> s.getName().equals(Tracing.SLACK + "chat.postMessage")
      && id.equals(s.getAttributes().get(Tracing.REQUEST_ID)) && s.getStatus().getStatusCode() != StatusCode.ERROR);
    assertThat(retried.getAttributes().get(Tracing.OUTCOME)).isEqualTo("delivered");
  }

  @Test
  void discordCreateAndEditAreClientSpansNamingTheRequest() {
    String id = create(Map.of());
    SpanData post = await(s -> s.getName().equals(Tracing.DISCORD + "create_message")
      && id.equals(s.getAttributes().get(Tracing.REQUEST_ID)));
    assertThat(post.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(post.getAttributes().get(Tracing.OUTCOME)).isEqualTo("delivered");

    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of()).status()).isEqualTo(200);
    SpanData edit = await(s -> s.getName().equals(Tracing.DISCORD + "edit_message")
      && id.equals(s.getAttributes().get(Tracing.REQUEST_ID)));
    assertThat(edit.getAttributes().get(Tracing.OUTCOME)).isEqualTo("delivered");
  }

  private static String create(Map<String, Object> extra) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().mergeIn(new JsonObject(extra)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  private static void sweep() {
    try {
      gw.gateway.vertx().eventBus().request(Addresses.EXPIRY_SWEEP, new JsonObject())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SpanData await(Predicate<SpanData> which) {
    return Poll.until(() -> spans.getFinishedSpanItems().stream().filter(which).findFirst().orElse(null),
      s -> s != null, WAIT, "a span; finished so far: " + names());
  }

  /** The span's parent, its parent and so on, up to the span whose parent is {@code top}, once all have ended. */
  private static List<SpanData> ancestorsUpTo(SpanData span, String top) {
    return Poll.until(() -> {
      Map<String, SpanData> byId = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getTraceId().equals(span.getTraceId()))
        .collect(Collectors.toMap(SpanData::getSpanId, s -> s, (a, b) -> a));
      List<SpanData> chain = new ArrayList<>();
      SpanData at = span;
      while (byId.containsKey(at.getParentSpanId())) {
        at = byId.get(at.getParentSpanId());
        chain.add(at);
      }
      return at.getParentSpanId().equals(top) && !chain.isEmpty() ? chain : null;
    }, c -> c != null, WAIT, "the spans above " + span.getName() + " up to " + top + "; finished so far: " + names());
  }

  private static String describe(List<SpanData> chain) {
    return chain.stream().map(s -> s.getName() + "/" + s.getKind() + s.getAttributes().asMap())
      .collect(Collectors.joining(" <- "));
  }

  private static String names() {
    return spans.getFinishedSpanItems().stream().map(s -> s.getName() + "/" + s.getKind() + "/" + s.getTraceId())
      .collect(Collectors.joining(", "));
  }

  private static String hex(int digits) {
    StringBuilder b = new StringBuilder();
    while (b.length() < digits) {
      b.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
    }
    return b.substring(0, digits);
  }
}
