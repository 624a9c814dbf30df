package io.hitl.gateway.policy;

import static io.hitl.gateway.policy.PolicyTesting.create;
import static io.hitl.gateway.policy.PolicyTesting.document;
import static io.hitl.gateway.policy.PolicyTesting.entries;
import static io.hitl.gateway.policy.PolicyTesting.policy;
import static io.hitl.gateway.policy.PolicyTesting.put;
import static io.hitl.gateway.policy.PolicyTesting.tickers;
import static io.hitl.gateway.policy.PolicyTesting.trade;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each policy field's behaviour and refusal on real requests: quorum, approvers, self-approval, personas, timeouts, channels, auto-approval. */
class PolicyDecisionTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("SLACK_WEBHOOK_URL", "http://127.0.0.1:9/slack")
    .with("DISCORD_WEBHOOK_URL", "http://127.0.0.1:9/discord");
  static final String admin = gw.token("ops-admin", "admin");
  static final String engine = gw.token("engine-1", "submitter");
  static final String selfish = gw.token("trader-1", "submitter", "approver");
  static final String alice = gw.token("alice", "approver");
  static final String bob = gw.token("bob", "approver");
  static final String carol = gw.token("carol", "approver");
  static final String dave = gw.token("dave", "approver");
  static final String sam = gw.token("sam", "approver", "senior");
  static final String boss = gw.token("boss", "approver");
  static final String rita = gw.token("rita", "viewer", "risk");
  static final String cora = gw.token("cora", "viewer");
  static ConcurrentLinkedQueue<JsonObject> events;

  @BeforeAll
  static void start() {
    events = PolicyTesting.events(gw.get());
    JsonArray risky = new JsonArray().add("HIGH").add("CRITICAL");
    put(gw.get(), admin, document(new JsonObject().put("description", "one approver"),
      policy("quorum", tickers("QRM")).put("required_approvals", 2)
        .put("approvers", new JsonObject().put("users", new JsonArray().add("alice").add("bob").add("carol"))),
      policy("roles", tickers("ROLE")).put("approvers", new JsonObject().put("roles", new JsonArray().add("senior"))),
      policy("super", tickers("SUPR")).put("required_approvals", 3)
        .put("super_approvers", new JsonArray().add("boss")),
      policy("self-ok", tickers("SELF")).put("self_approval", "allow"),
      policy("glass", tickers("GLAS")).put("self_approval", "allow_with_reason"),
      policy("personas", tickers("ACK")).put("acknowledgements", new JsonArray().add("risk")
          .add(new JsonObject().put("persona", "compliance").put("users", new JsonArray().add("cora"))))
        .put("timeout_seconds", 600).put("timeout_action", "escalate").put("escalate_before_seconds", 60)
        .put("escalation_targets", new JsonArray().add("desk-head")),
      policy("escalating", tickers("ESC")).put("timeout_seconds", 60).put("timeout_action", "escalate")
        .put("escalate_before_seconds", 30).put("escalation_extension_seconds", 120).put("max_escalation_level", 1)
        .put("escalation_targets", new JsonArray().add("desk-head").add("risk-lead")),
      policy("fixed", tickers("FIX")).put("timeout_seconds", 120).put("reminder_interval_seconds", 30)
        .put("allow_timeout_overrides", false),
      policy("small-paper", tickers("PAPR")).put("auto_approve", new JsonObject().put("when", new JsonObject()
        .put("risk_levels", new JsonArray().add("LOW")).put("trading_modes", new JsonArray().add("paper"))
        .put("notional_max", "100000")).put("reason", "small paper trade")),
      policy("loud", tickers("LOUD")).put("channels", new JsonArray()
        .add(new JsonObject().put("when", new JsonObject().put("risk_levels", risky))
          .put("send", new JsonArray().add("slack").add("discord")))
        .add(new JsonObject().put("when", new JsonObject().put("risk_levels", new JsonArray().add("MEDIUM")))
          .put("send", new JsonArray().add("slack")))),
      policy("big", new JsonObject().put("types", new JsonArray().add("TRADE_EXECUTION"))
        .put("notional_min", "10000000")).put("required_approvals", 2)));
  }

  static String pending(String token, JsonObject body) {
    return create(gw.get(), token, body).getString("request_id");
  }

  static Response approve(String id, String token, JsonObject body) {
    return gw.call("POST", "/api/v1/approvals/" + id + "/approve", token, body);
  }

  static Response acknowledge(String id, String token, String persona) {
    return gw.call("POST", "/api/v1/approvals/" + id + "/acknowledge", token, new JsonObject().put("persona", persona));
  }

  static void assertCode(Response r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getString("code")).isEqualTo(code);
  }

  @Test
  void twoOfThreeNeedsTwoDistinctPeopleAndShowsProgressInTheApiJournalAndEvents() {
    JsonObject created = create(gw.get(), engine, trade("QRM"));
    String id = created.getString("request_id");
    assertThat(created.getInteger("required_approvals")).isEqualTo(2);
    assertThat(created.getString("policy_name")).isEqualTo("quorum");

    Response one = approve(id, alice, null);
    assertThat(one.json().getString("status")).isEqualTo("pending");
    assertThat(one.json().getJsonObject("progress").getString("summary")).isEqualTo("1 of 2 approvals: alice");
    Response again = approve(id, alice, null);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("status")).as("a second approval by the same person is not counted")
      .isEqualTo("pending");
    assertThat(again.json().getJsonObject("progress").getInteger("approvals")).isEqualTo(1);
    JsonObject viewed = gw.call("GET", "/api/v1/approvals/" + id, alice, null).json();
    assertThat(viewed.getJsonObject("progress").getString("summary")).isEqualTo("1 of 2 approvals: alice");

    Response two = approve(id, bob, null);
    assertThat(two.json().getString("status")).isEqualTo("approved");
    assertThat(two.json().getJsonObject("progress").getString("summary")).isEqualTo("2 of 2 approvals: alice, bob");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, alice, null).json().getJsonArray("votes")).hasSize(2);

    List<JsonObject> votes = entries(gw.get(), admin, id, "vote");
    assertThat(votes).hasSize(1);
    assertThat(votes.get(0).getJsonObject("payload").getString("summary")).isEqualTo("1 of 2 approvals: alice");
    JsonObject voteEvent = PolicyTesting.event(events, PolicyTesting.about("vote", id));
    assertThat(voteEvent.getJsonObject("progress").getString("summary")).isEqualTo("1 of 2 approvals: alice");
    assertThat(PolicyTesting.sql(gw.get(), "SELECT payload->'progress'->>'summary' FROM outbox WHERE approval_id = ? "
      + "AND kind = 'vote'", UUID.fromString(id))).as("chat messages get the progress too")
      .containsExactly("1 of 2 approvals: alice", "1 of 2 approvals: alice");
    JsonObject decided = PolicyTesting.event(events, PolicyTesting.about("decided", id));
    assertThat(decided.getJsonObject("progress").getJsonArray("approvers")).containsExactly("alice", "bob");
  }

  @Test
  void onlyTheListedApproversMayDecideAndRefusalsAreJournaled() {
    String id = pending(engine, trade("QRM"));
    assertCode(approve(id, dave, null), 403, "SEC-090");
    assertCode(gw.call("POST", "/api/v1/approvals/" + id + "/reject", dave, null), 403, "SEC-090");
    assertThat(entries(gw.get(), admin, id, "decision_refused")).hasSize(2)
      .allSatisfy(e -> assertThat(e.getString("error_code")).isEqualTo("SEC-090"));
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/reject", carol, null).json().getString("status"))
      .as("a listed approver's reject vetoes").isEqualTo("rejected");
  }

  @Test
  void approversByRoleNeedThatRoleInTheirToken() {
    String id = pending(engine, trade("ROLE"));
    assertCode(approve(id, bob, null), 403, "SEC-090");
    assertThat(approve(id, sam, null).json().getString("status")).isEqualTo("approved");
  }

  @Test
  void aSuperApproverAloneSuffices() {
    String id = pending(engine, trade("SUPR"));
    assertThat(approve(id, alice, null).json().getJsonObject("progress").getString("summary"))
      .isEqualTo("1 of 3 approvals: alice");
    Response r = approve(id, boss, null);
    assertThat(r.json().getString("status")).isEqualTo("approved");
    assertThat(r.json().getString("decided_by")).isEqualTo("boss");
    assertThat(r.json().getJsonObject("progress").getString("super_approver")).isEqualTo("boss");
    assertThat(r.json().getJsonObject("progress").getString("summary"))
      .isEqualTo("2 of 3 approvals: alice, boss (super-approver)");
  }

  @Test
  void selfApprovalIsForbiddenByDefaultAllowedOrBreakGlassWithAReasonAndABroadcast() {
    String own = pending(selfish, trade("QQQ"));
    assertCode(approve(own, selfish, null), 403, "SEC-091");

    String allowed = pending(selfish, trade("SELF"));
    assertThat(approve(allowed, selfish, null).json().getString("status")).isEqualTo("approved");
    assertThat(entries(gw.get(), admin, allowed, "self_approval")).as("plain allow is not broadcast").isEmpty();

    String glass = pending(selfish, trade("GLAS"));
    Response noReason = approve(glass, selfish, new JsonObject().put("comment", "trust me"));
    assertCode(noReason, 403, "SEC-091");
    assertThat(noReason.json().getString("detail")).contains("only with a reason");
    Response withReason = approve(glass, selfish, new JsonObject().put("reason", "desk unreachable, market closing"));
    assertThat(withReason.json().getString("status")).isEqualTo("approved");
    assertThat(withReason.json().getString("decision_reason")).isEqualTo("desk unreachable, market closing");
    List<JsonObject> broadcast = entries(gw.get(), admin, glass, "self_approval");
    assertThat(broadcast).hasSize(1);
    assertThat(broadcast.get(0).getJsonObject("payload").getString("mode")).isEqualTo("allow_with_reason");
    assertThat(broadcast.get(0).getString("actor")).isEqualTo("trader-1");
    PolicyTesting.event(events, PolicyTesting.about("self_approval", glass));
    assertThat(PolicyTesting.sql(gw.get(), "SELECT channel FROM outbox WHERE approval_id = ? AND kind = 'self_approval' "
      + "ORDER BY channel", UUID.fromString(glass))).containsExactly("discord", "slack");
  }

  @Test
  void approvalWaitsForEveryPersonaWhileARejectDoesNot() {
    JsonObject created = create(gw.get(), engine, trade("ACK"));
    String id = created.getString("request_id");
    assertThat(created.getString("timeout_action")).isEqualTo("escalate");
    assertThat(Duration.between(Instant.parse(created.getString("escalate_at")),
      Instant.parse(created.getString("expires_at")))).isEqualTo(Duration.ofSeconds(60));
    assertThat(Duration.between(Instant.parse(created.getString("created_at")),
      Instant.parse(created.getString("expires_at")))).isEqualTo(Duration.ofSeconds(600));

    Response early = approve(id, alice, null);
    assertCode(early, 409, "SEC-030");
    assertThat(early.json().getJsonArray("missing_acknowledgements")).containsExactly("risk", "compliance");
    assertThat(entries(gw.get(), admin, id, "decision_refused").get(0).getString("error_code")).isEqualTo("SEC-030");

    Response ticked = acknowledge(id, rita, "risk");
    assertThat(ticked.status()).as(ticked.body()).isEqualTo(200);
    assertThat(ticked.json().getJsonObject("acknowledgements").getJsonArray("missing")).containsExactly("compliance");
    assertThat(acknowledge(id, rita, "risk").status()).as("ticking a box twice changes nothing").isEqualTo(200);
    assertThat(entries(gw.get(), admin, id, "acknowledged")).hasSize(1);
    assertCode(acknowledge(id, bob, "compliance"), 403, "SEC-090");
    assertCode(acknowledge(id, cora, "legal"), 400, "SEC-010");
    assertCode(acknowledge(id, cora, null), 400, "SEC-010");
    assertThat(entries(gw.get(), admin, id, "acknowledge_refused")).hasSize(1);
    assertThat(acknowledge(id, cora, "compliance").json().getJsonObject("acknowledgements").getJsonArray("missing"))
      .isEmpty();
    assertThat(PolicyTesting.events(events, PolicyTesting.about("acknowledged", id), 2)).hasSize(2);

    Response approved = approve(id, alice, null);
    assertThat(approved.json().getString("status")).isEqualTo("approved");
    assertThat(approved.json().getJsonObject("acknowledgements").getJsonArray("acknowledged")).hasSize(2);
    assertCode(acknowledge(id, rita, "risk"), 409, "SEC-012");

    String vetoed = pending(engine, trade("ACK"));
    assertThat(gw.call("POST", "/api/v1/approvals/" + vetoed + "/reject", alice, null).json().getString("status"))
      .isEqualTo("rejected");
    assertCode(acknowledge(UUID.randomUUID().toString(), rita, "risk"), 404, "SEC-011");
  }

  @Test
  void aPolicyThatFixesItsTimeoutsAppliesThemAndRefusesOverrides() {
    Response overridden = gw.call("POST", "/api/v1/approvals/trade", engine, trade("FIX").put("timeout_seconds", 60));
    assertCode(overridden, 400, "SEC-010");
    assertThat(overridden.json().getJsonObject("errors").getString("timeout_seconds"))
      .isEqualTo("is set by policy 'fixed' and may not be overridden");
    JsonObject a = create(gw.get(), engine, trade("FIX"));
    assertThat(Duration.between(Instant.parse(a.getString("created_at")), Instant.parse(a.getString("expires_at"))))
      .isEqualTo(Duration.ofSeconds(120));
    assertThat(PolicyTesting.sql(gw.get(), "SELECT policy->>'reminder_interval_seconds' FROM approvals WHERE id = ?",
      UUID.fromString(a.getString("request_id")))).containsExactly("30");
    JsonObject flexible = create(gw.get(), engine, trade("QQQ").put("timeout_seconds", 60));
    assertThat(Duration.between(Instant.parse(flexible.getString("created_at")),
      Instant.parse(flexible.getString("expires_at")))).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void thePolicysEscalationSettingsDriveTheTimers() {
    JsonObject a = create(gw.get(), engine, trade("ESC"));
    String id = a.getString("request_id");
    gw.clock().advance(Duration.ofSeconds(31));
    assertThat(gw.call("POST", "/api/v1/approvals/cleanup", admin, null).status()).isEqualTo(200);
    JsonObject notice = PolicyTesting.events(events, PolicyTesting.about("escalated", id), 1).get(0);
    assertThat(notice.getJsonObject("approval").getString("escalate_at")).isNull();
    JsonObject entry = entries(gw.get(), admin, id, "escalated").get(0);
    assertThat(entry.getJsonObject("payload").getString("stage")).isEqualTo("notice");
    assertThat(entry.getJsonObject("payload").getJsonArray("targets")).containsExactly("desk-head", "risk-lead");
    gw.clock().advance(Duration.ofSeconds(30));
    gw.call("POST", "/api/v1/approvals/cleanup", admin, null);
    JsonObject escalated = gw.call("GET", "/api/v1/approvals/" + id, admin, null).json();
    assertThat(escalated.getString("status")).isEqualTo("pending");
    assertThat(escalated.getInteger("escalation_level")).isEqualTo(1);
    assertThat(Duration.between(Instant.parse(a.getString("expires_at")),
      Instant.parse(escalated.getString("expires_at")))).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void smallPaperTradesAreApprovedAtOnceBySystemWithTheRuleRecorded() {
    JsonObject small = trade("PAPR").put("quantity", 100).put("price", "50").put("risk_pct", 0.5)
      .put("context", new JsonObject().put("trading_mode", "paper"));
    JsonObject a = create(gw.get(), engine, small);
    assertThat(a.getString("status")).isEqualTo("approved");
    assertThat(a.getString("decided_by")).isEqualTo("system");
    assertThat(a.getString("decision_channel")).isEqualTo("system");
    assertThat(a.getString("decision_reason")).isEqualTo("HITL_POLICY_AUTO_APPROVE");
    assertThat(a.getString("decision_comment")).isEqualTo("policy 'small-paper': small paper trade");
    assertThat(PolicyTesting.audit(gw.get(), admin, a.getString("request_id")).stream()
      .map(e -> ((JsonObject) e).getString("action"))).containsExactly("created", "trade_state", "approved", "trade_state");
    JsonObject live = small.copy().put("context", new JsonObject().put("trading_mode", "live"));
    assertThat(create(gw.get(), engine, live).getString("status")).isEqualTo("pending");
    assertThat(create(gw.get(), engine, small.copy().put("risk_pct", 1.5)).getString("status")).isEqualTo("pending");
  }

  @Test
  void notificationsGoOnlyToThePolicysChannelsForTheRiskLevel() {
    String high = pending(engine, trade("LOUD").put("risk_pct", 3));
    String medium = pending(engine, trade("LOUD").put("risk_pct", 1.5));
    String low = pending(engine, trade("LOUD").put("risk_pct", 0.2));
    String unnamed = pending(engine, trade("QQQ"));
    String query = "SELECT channel FROM outbox WHERE approval_id = ? AND kind = 'created' ORDER BY channel";
    assertThat(PolicyTesting.sql(gw.get(), query, UUID.fromString(high))).containsExactly("discord", "slack");
    assertThat(PolicyTesting.sql(gw.get(), query, UUID.fromString(medium))).containsExactly("slack");
    assertThat(PolicyTesting.sql(gw.get(), query, UUID.fromString(low))).isEmpty();
    assertThat(PolicyTesting.sql(gw.get(), query, UUID.fromString(unnamed))).containsExactly("discord", "slack");
  }

  @Test
  void largeNotionalTradesMatchTheNotionalPolicyWhateverTheirTicker() {
    JsonObject big = create(gw.get(), engine, trade("ANY").put("quantity", 10000).put("price", "1000"));
    assertThat(big.getString("policy_name")).isEqualTo("big");
    assertThat(big.getInteger("required_approvals")).isEqualTo(2);
    JsonObject under = create(gw.get(), engine, trade("ANY").put("quantity", 9999).put("price", "1000"));
    assertThat(under.getString("policy_name")).isEqualTo("default");
    assertThat(under.getInteger("required_approvals")).isEqualTo(1);
  }
}
