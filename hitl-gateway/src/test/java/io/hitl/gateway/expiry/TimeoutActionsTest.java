package io.hitl.gateway.expiry;

import static io.hitl.gateway.expiry.ExpiryTesting.actions;
import static io.hitl.gateway.expiry.ExpiryTesting.count;
import static io.hitl.gateway.expiry.ExpiryTesting.eventsOf;
import static io.hitl.gateway.expiry.ExpiryTesting.journal;
import static io.hitl.gateway.expiry.ExpiryTesting.outbox;
import static io.hitl.gateway.expiry.ExpiryTesting.sweep;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TimeoutActionsTest {
  static final ExpiryTesting.FakeChat slack = new ExpiryTesting.FakeChat();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().with("SLACK_WEBHOOK_URL", slack.url())
    .with("HITL_EXPIRY_SWEEP_SECONDS", "3600");
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String admin = gw.token("ops", "admin");
  static List<JsonObject> events;

  @BeforeAll
  static void start() {
    events = ExpiryTesting.events(gw.get());
  }

  @AfterAll
  static void stop() {
    slack.close();
  }

  @Test
  void rejectActionExpiresTheRequestWithHitlTimeoutThroughTheSystemChannel() {
    String id = create(Map.of("timeout_seconds", 60));
    gw.clock().advance(Duration.ofSeconds(59));
    assertThat(sweep(gw.get()).getInteger("fired")).isZero();
    assertThat(get(id).getString("status")).isEqualTo("pending");

    gw.clock().advance(Duration.ofSeconds(1));
    sweep(gw.get());
    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("expired");
    assertThat(a.getString("decision_reason")).isEqualTo("HITL_TIMEOUT");
    assertThat(a.getString("decision_channel")).isEqualTo("system");
    assertThat(a.getString("decided_by")).isEqualTo("system");
    assertThat(Instant.parse(a.getString("decided_at"))).isAfterOrEqualTo(Instant.parse(a.getString("expires_at")));
    assertThat(actions(gw.get(), admin, id)).containsExactly("created", "expired");
    assertThat(eventsOf(events, id).stream().map(e -> e.getString("event"))).containsExactly("created", "expired");
    assertThat(outbox(gw.dbUrl(), id).stream().map(j -> j.getString("kind"))).containsExactly("created", "expired");
  }

  @Test
  void approveActionApprovesAtTheDeadlineForTheSystem() {
    String id = create(Map.of("timeout_seconds", 60, "timeout_action", "approve"));
    assertThat(get(id).getString("timeout_action")).isEqualTo("approve");
    gw.clock().advance(Duration.ofSeconds(61));
    sweep(gw.get());
    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("approved");
    assertThat(a.getString("decision_reason")).isEqualTo("HITL_TIMEOUT_AUTO_APPROVE");
    assertThat(a.getString("decision_channel")).isEqualTo("system");
    assertThat(a.getString("decided_by")).isEqualTo("system");
    assertThat(actions(gw.get(), admin, id)).containsExactly("created", "approved");
    assertThat(eventsOf(events, id).stream().map(e -> e.getString("event"))).containsExactly("created", "decided");
  }

  @Test
  void escalateActionExtendsTheDeadlineLevelByLevelThenExpires() {
    String id = create(Map.of("timeout_seconds", 60, "timeout_action", "escalate", "max_escalation_level", 2,
      "escalation_extension_seconds", 120, "escalation_targets", List.of("risk-desk", "U123")));
    Instant first = Instant.parse(get(id).getString("expires_at"));

    gw.clock().advance(Duration.ofSeconds(61));
    sweep(gw.get());
    JsonObject l1 = get(id);
    assertThat(l1.getString("status")).isEqualTo("pending");
    assertThat(l1.getInteger("escalation_level")).isEqualTo(1);
    assertThat(Instant.parse(l1.getString("expires_at"))).isEqualTo(first.plusSeconds(120));

    gw.clock().advance(Duration.ofSeconds(120));
    sweep(gw.get());
    JsonObject l2 = get(id);
    assertThat(l2.getString("status")).isEqualTo("pending");
    assertThat(l2.getInteger("escalation_level")).isEqualTo(2);
    assertThat(Instant.parse(l2.getString("expires_at"))).isEqualTo(first.plusSeconds(240));

    gw.clock().advance(Duration.ofSeconds(120));
    sweep(gw.get());
    JsonObject done = get(id);
    assertThat(done.getString("status")).isEqualTo("expired");
    assertThat(done.getString("decision_reason")).isEqualTo("HITL_TIMEOUT");
    assertThat(done.getInteger("escalation_level")).isEqualTo(2);

    List<JsonObject> journal = journal(gw.get(), admin, id);
    assertThat(journal.stream().map(e -> e.getString("action")))
      .containsExactly("created", "escalated", "escalated", "expired");
    JsonObject firstEscalation = journal.get(1).getJsonObject("payload");
    assertThat(firstEscalation.getString("stage")).isEqualTo("level");
    assertThat(firstEscalation.getInteger("escalation_level")).isEqualTo(1);
    assertThat(firstEscalation.getJsonArray("targets")).containsExactly("risk-desk", "U123");
    assertThat(journal.get(1).getString("previous_state")).isEqualTo("PENDING");
    assertThat(journal.get(1).getString("new_state")).isEqualTo("PENDING");

    List<JsonObject> jobs = outbox(gw.dbUrl(), id);
    assertThat(jobs.stream().map(j -> j.getString("kind")))
      .containsExactly("created", "escalated", "escalated", "expired");
    assertThat(jobs.get(1).getJsonObject("payload").getJsonObject("details").getJsonArray("targets"))
      .containsExactly("risk-desk", "U123");

    List<JsonObject> published = eventsOf(events, id);
    assertThat(published.stream().map(e -> e.getString("event")))
      .containsExactly("created", "escalated", "escalated", "expired");
    assertThat(published.get(1).getString("next_timer_at")).isEqualTo(l1.getString("expires_at"));
    assertThat(gw.call("GET", "/api/v1/audit/verify", admin, null).json().getBoolean("valid")).isTrue();
  }

  @Test
  void escalationNoticeFiresExactlyOnceBeforeTheDeadline() {
    String id = create(Map.of("timeout_seconds", 120, "escalate_before_seconds", 30,
      "escalation_targets", List.of("risk-desk")));
    JsonObject created = get(id);
    assertThat(Instant.parse(created.getString("escalate_at")))
      .isEqualTo(Instant.parse(created.getString("expires_at")).minusSeconds(30));

    gw.clock().advance(Duration.ofSeconds(89));
    sweep(gw.get());
    assertThat(actions(gw.get(), admin, id)).containsExactly("created");
    gw.clock().advance(Duration.ofSeconds(2));
    for (int i = 0; i < 4; i++) {
      sweep(gw.get());
      gw.call("POST", "/api/v1/approvals/cleanup", admin, null);
    }
    JsonObject noticed = get(id);
    assertThat(noticed.getString("status")).isEqualTo("pending");
    assertThat(noticed.getString("escalate_at")).isNull();
    List<JsonObject> journal = journal(gw.get(), admin, id);
    assertThat(journal.stream().map(e -> e.getString("action"))).containsExactly("created", "escalated");
    assertThat(journal.get(1).getJsonObject("payload").getString("stage")).isEqualTo("notice");
    assertThat(eventsOf(events, id).stream().map(e -> e.getString("event"))).containsExactly("created", "escalated");
    assertThat(outbox(gw.dbUrl(), id).stream().map(j -> j.getString("kind"))).containsExactly("created", "escalated");

    gw.clock().advance(Duration.ofSeconds(30));
    sweep(gw.get());
    assertThat(actions(gw.get(), admin, id)).containsExactly("created", "escalated", "expired");
  }

  @Test
  void remindersRepeatUntilTheRequestIsDecided() {
    String id = create(Map.of("timeout_seconds", 900, "reminder_interval_seconds", 60));
    gw.clock().advance(Duration.ofSeconds(61));
    sweep(gw.get());
    gw.clock().advance(Duration.ofSeconds(30));
    sweep(gw.get());
    assertThat(count(journal(gw.get(), admin, id), e -> e.getString("action").equals("reminder"))).isEqualTo(1);
    gw.clock().advance(Duration.ofSeconds(30));
    sweep(gw.get());
    gw.clock().advance(Duration.ofSeconds(200));
    sweep(gw.get());
    sweep(gw.get());
    List<JsonObject> journal = journal(gw.get(), admin, id);
    assertThat(journal.stream().map(e -> e.getString("action")))
      .containsExactly("created", "reminder", "reminder", "reminder");
    assertThat(journal.stream().skip(1).map(e -> e.getJsonObject("payload").getInteger("reminder")))
      .containsExactly(1, 2, 5);

    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null).status()).isEqualTo(200);
    gw.clock().advance(Duration.ofSeconds(180));
    sweep(gw.get());
    assertThat(actions(gw.get(), admin, id)).containsExactly("created", "reminder", "reminder", "reminder", "approved");
    assertThat(eventsOf(events, id).stream().map(e -> e.getString("event")))
      .containsExactly("created", "reminder", "reminder", "reminder", "decided");
    assertThat(outbox(gw.dbUrl(), id).stream().filter(j -> j.getString("kind").equals("reminder"))).hasSize(3);
  }

  @Test
  void aDecisionAfterTheDeadlineOfAnEscalatingRequestEscalatesItThenCounts() {
    String id = create(Map.of("timeout_seconds", 60, "timeout_action", "escalate"));
    gw.clock().advance(Duration.ofSeconds(61));
    Response r = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of("comment", "seen it"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getString("status")).isEqualTo("approved");
    assertThat(r.json().getString("decided_by")).isEqualTo("alice");
    assertThat(r.json().getInteger("escalation_level")).isEqualTo(1);
    assertThat(actions(gw.get(), admin, id)).containsExactly("created", "escalated", "approved");
  }

  @Test
  void aDecisionAfterTheDeadlineOfAnAutoApproveRequestFindsItApprovedBySystem() {
    String id = create(Map.of("timeout_seconds", 60, "timeout_action", "approve"));
    gw.clock().advance(Duration.ofSeconds(61));
    Response r = gw.call("POST", "/api/v1/approvals/" + id + "/reject", alice, Map.of("reason", "no"));
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-012");
    assertThat(r.json().getJsonObject("outcome").getString("status")).isEqualTo("approved");
    assertThat(r.json().getJsonObject("outcome").getString("decided_by")).isEqualTo("system");
    assertThat(actions(gw.get(), admin, id)).containsExactly("created", "approved", "decision_refused");
  }

  @Test
  void outOfBoundsTimeoutSettingsAreRefusedAndCreateNothing() {
    int before = gw.call("GET", "/api/v1/approvals?limit=500", admin, null).json().getJsonArray("items").size();
    assertRefused(Map.of("timeout_seconds", 0), "timeout_seconds");
    assertRefused(Map.of("timeout_seconds", -30), "timeout_seconds");
    assertRefused(Map.of("timeout_seconds", 1_000_000_000_000L), "timeout_seconds");
    assertRefused(Map.of("timeout_seconds", 90.5), "timeout_seconds");
    assertRefused(Map.of("timeout_action", "ignore"), "timeout_action");
    assertRefused(Map.of("timeout_seconds", 60, "escalate_before_seconds", 60), "escalate_before_seconds");
    assertRefused(Map.of("reminder_interval_seconds", 1), "reminder_interval_seconds");
    assertRefused(Map.of("max_escalation_level", 0), "max_escalation_level");
    assertRefused(Map.of("escalation_extension_seconds", -1), "escalation_extension_seconds");
    assertRefused(Map.of("escalation_targets", List.of("")), "escalation_targets");
    int after = gw.call("GET", "/api/v1/approvals?limit=500", admin, null).json().getJsonArray("items").size();
    assertThat(after).isEqualTo(before);
  }

  @Test
  void cleanupHandlesEveryOverdueRequestAndReportsTheCount() {
    String rejecting = create(Map.of("timeout_seconds", 30));
    String approving = create(Map.of("timeout_seconds", 30, "timeout_action", "approve"));
    String escalating = create(Map.of("timeout_seconds", 30, "timeout_action", "escalate"));
    String waiting = create(Map.of("timeout_seconds", 3600));
    gw.clock().advance(Duration.ofSeconds(31));

    Response r = gw.call("POST", "/api/v1/approvals/cleanup", admin, null);
    assertThat(r.status()).isEqualTo(200);
    JsonObject report = r.json();
    assertThat(report.getInteger("count")).isEqualTo(3);
    assertThat(report.getInteger("expired")).isEqualTo(1);
    assertThat(report.getInteger("approved")).isEqualTo(1);
    assertThat(report.getInteger("escalated")).isEqualTo(1);
    assertThat(report.getInteger("integrity_failures")).isZero();
    assertThat(get(rejecting).getString("status")).isEqualTo("expired");
    assertThat(get(approving).getString("status")).isEqualTo("approved");
    assertThat(get(escalating).getInteger("escalation_level")).isEqualTo(1);
    assertThat(get(waiting).getString("status")).isEqualTo("pending");
    assertThat(journal(gw.get(), admin, rejecting).get(1).getString("correlation_id"))
      .isEqualTo(r.json().getString("correlation_id", r.header("X-Correlation-Id")));

    JsonArray latest = gw.call("GET", "/api/v1/audit?limit=20", admin, null).json().getJsonArray("entries");
    JsonObject audit = latest.stream().map(e -> (JsonObject) e).filter(e -> e.getString("action").equals("cleanup"))
      .findFirst().orElseThrow();
    assertThat(audit.getString("actor")).isEqualTo("ops");
    assertThat(audit.getJsonObject("payload").getInteger("count")).isEqualTo(3);

    assertThat(gw.call("POST", "/api/v1/approvals/cleanup", admin, null).json().getInteger("count")).isZero();
    gw.call("DELETE", "/api/v1/approvals/" + waiting, engine, null);
    gw.call("POST", "/api/v1/approvals/" + escalating + "/reject", alice, Map.of("reason", "done"));
  }

  @Test
  void cleanupIsForAdminsOnly() {
    Response approver = gw.call("POST", "/api/v1/approvals/cleanup", alice, null);
    assertThat(approver.status()).isEqualTo(403);
    assertThat(approver.json().getString("code")).isEqualTo("SEC-002");
    Response anonymous = gw.call("POST", "/api/v1/approvals/cleanup", null, null);
    assertThat(anonymous.status()).isEqualTo(401);
    assertThat(anonymous.json().getString("code")).isEqualTo("SEC-001");
  }

  private static void assertRefused(Map<String, Object> extra, String field) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().mergeIn(new JsonObject(extra)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("code")).isEqualTo("SEC-010");
    assertThat(r.json().getJsonObject("errors").fieldNames()).containsExactly(field);
  }

  private static String create(Map<String, Object> extra) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().mergeIn(new JsonObject(extra)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  private static JsonObject get(String id) {
    return gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
  }
}
