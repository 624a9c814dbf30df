package io.hitl.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A click whose decision cannot finish before the platform's 3 s deadline (the request's row is locked in
 * PostgreSQL, so the decision waits) gets the platform's deferred answer, and its outcome arrives afterwards
 * as a follow-up, exactly once.
 */
class ChatDeadlineTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String SECRET = "slack-signing-secret-for-deadlines";
  static final String ALICE_DISCORD = "987654321012345678";
  static final String APP = "1100000000000000001";
  static final KeyPair KEYS = SignedCalls.ed25519();
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("DISCORD_API_BASE_URL", fake.url() + "/discord")
    .with("DISCORD_PUBLIC_KEY", DiscordSignature.rawHex(KEYS.getPublic()))
    .with("SLACK_SIGNING_SECRET", SECRET)
    .with("SLACK_API_BASE_URL", fake.url() + "/api")
    .with("HITL_NOTIFY_CHANNELS", "none")
    .with("HITL_CHAT_IDENTITIES", "alice=discord:" + ALICE_DISCORD + ",alice=slack:U0ALICE")
    .closeAfter(fake);
  static final String engine = gw.token("engine-1", "submitter");
  static final String viewer = gw.token("vic", "viewer");
  static final String bob = gw.token("bob", "approver");

  @Test
  void aDiscordClickOutlastingTheDeadlineIsDeferredAndItsOutcomeEditsTheMessageOnce() throws Exception {
    String id = create("DDEFER.T");
    String token = "tok-" + UUID.randomUUID();
    String click = SignedCalls.discordClick(ALICE_DISCORD, "hitl:approve:" + id, "42", "9001").put("token", token)
      .encode();
    Response r;
    try (Connection lock = lockRow(id)) {
      r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), click);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json()).isEqualTo(new JsonObject().put("type", 6));
      assertThat(get(id).getString("status")).isEqualTo("pending");
      lock.rollback();
    }
    String original = "/discord/webhooks/" + APP + "/" + token + "/messages/@original";
    Call edit = fake.await("PATCH", original, c -> true, 1, WAIT).get(0);
    assertThat(edit.json().getJsonArray("embeds").getJsonObject(0).getString("title"))
      .isEqualTo("✅ BUY 100 DDEFER.T — APPROVED");
    assertThat(edit.json().getJsonArray("components")).isEmpty();
    assertThat(get(id).getString("decided_by")).isEqualTo("alice");
    assertThat(decisions(id)).isEqualTo(1);
    assertThat(followUps(token)).hasSize(1);
  }

  @Test
  void aDeferredDiscordClickThatIsRefusedIsToldPrivatelyByAFollowUpOnce() throws Exception {
    String id = create("DDEFER2.T");
    String token = "tok-" + UUID.randomUUID();
    String click = SignedCalls.discordClick(ALICE_DISCORD, "hitl:approve:" + id, "42", "9001").put("token", token)
      .encode();
    CompletableFuture<Response> rejected;
    try (Connection lock = lockRow(id)) {
      // a reject through the API queues on the row first, so it wins once the row is free
      rejected = gw.callAsync("POST", "/api/v1/approvals/" + id + "/reject", bob, Map.of("reason", "no"), Map.of());
      Poll.until(() -> waitingOnLocks(), n -> n >= 1, WAIT, "the reject waiting on the row");
      Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), click);
      assertThat(r.json().getInteger("type")).isEqualTo(6);
      lock.rollback();
    }
    assertThat(rejected.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
    Call reply = fake.await("POST", "/discord/webhooks/" + APP + "/" + token, c -> true, 1, WAIT).get(0);
    assertThat(reply.json().getInteger("flags")).isEqualTo(64);
    assertThat(reply.json().getString("content")).contains("Already decided").contains("SEC-012");
    assertThat(get(id).getString("decided_by")).isEqualTo("bob");
    assertThat(followUps(token)).hasSize(1);
  }

  @Test
  void aSlackClickOutlastingTheDeadlineIsAcknowledgedAndDecidedOnceAfterwards() throws Exception {
    String id = create("SDEFER.T");
    String responseUrl = fake.url() + "/slack/response/" + UUID.randomUUID();
    String body = SignedCalls.form(SignedCalls.slackClick("U0ALICE", "hitl_approve", id, responseUrl, "C0X",
      "1700000000.000001"));
    try (Connection lock = TestDb.jdbc(gw.dbUrl())) {
      lock.setAutoCommit(false);
      // the replay guard cannot record the click until this lock goes, so nothing can finish in time
      try (var s = lock.createStatement()) {
        s.execute("LOCK TABLE chat_replay_guard IN EXCLUSIVE MODE");
      }
      Response r = SignedCalls.slack(gw.port(), SECRET, now(), body);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEmpty();
      assertThat(get(id).getString("status")).isEqualTo("pending");
      lock.rollback();
    }
    JsonObject a = Poll.until(() -> get(id), v -> "approved".equals(v.getString("status")), WAIT, "the approval");
    assertThat(a.getString("decided_by")).isEqualTo("alice");
    assertThat(a.getString("decision_channel")).isEqualTo("slack");
    assertThat(decisions(id)).isEqualTo(1);
  }

  /**
   * A click's decision that the approval service refuses for load (SEC-099, nothing committed) is tried again:
   * a person's click is not load to shed. Here the first two decide messages are answered SEC-099 on the bus.
   */
  @Test
  void aSlackClickRefusedForLoadIsTriedAgainAndDecidedOnce() {
    String id = create("SLOAD.T");
    java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    io.vertx.core.Handler<io.vertx.core.eventbus.DeliveryContext<Object>> shed = ctx -> {
      if (io.hitl.gateway.bus.Addresses.APPROVALS_DECIDE.equals(ctx.message().address())
          && refused.getAndIncrement() < 2) {
        io.hitl.gateway.bus.BusErrors.fail(ctx.message(), new io.hitl.gateway.core.GatewayException(
          io.hitl.gateway.core.ErrorCode.SEC_099, "Too much work in flight; try again shortly"));
        return;
      }
      ctx.next();
    };
    gw.vertx().eventBus().addInboundInterceptor(shed);
    try {
      String responseUrl = fake.url() + "/slack/response/" + UUID.randomUUID();
      String body = SignedCalls.form(SignedCalls.slackClick("U0ALICE", "hitl_approve", id, responseUrl, "C0X",
        "1700000000.000002"));
      assertThat(SignedCalls.slack(gw.port(), SECRET, now(), body).status()).isEqualTo(200);
      JsonObject a = Poll.until(() -> get(id), v -> "approved".equals(v.getString("status")), WAIT, "the approval");
      assertThat(a.getString("decided_by")).isEqualTo("alice");
      assertThat(refused.get()).as("two refusals, then the decision").isEqualTo(3);
      assertThat(decisions(id)).isEqualTo(1);
    } finally {
      gw.vertx().eventBus().removeInboundInterceptor(shed);
    }
  }

  static Connection lockRow(String id) throws SQLException {
    Connection c = TestDb.jdbc(gw.dbUrl());
    c.setAutoCommit(false);
    try (var s = c.prepareStatement("SELECT id FROM approvals WHERE id = ? FOR UPDATE")) {
      s.setObject(1, UUID.fromString(id));
      s.executeQuery().close();
    }
    return c;
  }

  static long waitingOnLocks() {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Call> followUps(String token) {
    return fake.calls().stream().filter(c -> c.path().contains("/webhooks/" + APP + "/" + token))
      .collect(Collectors.toList());
  }

  static long decisions(String id) {
    return gw.call("GET", "/api/v1/audit?approval_id=" + id, viewer, null).json().getJsonArray("entries").stream()
      .map(o -> (JsonObject) o).filter(e -> "approved".equals(e.getString("action"))).count();
  }

  static String create(String ticker) {
    gw.quote(ticker, "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static JsonObject get(String id) {
    return gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json();
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }
}
