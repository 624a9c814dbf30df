package io.hitl.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The `hitl-switch` application command from Discord on a real gateway and embedded PostgreSQL: answered type 4
 * ephemeral with Confirm / Cancel; only the asker's Confirm (a type 3 click) engages or releases, once, journaled
 * with channel discord; refusals are private answers that change nothing.
 */
class DiscordSwitchCommandTest {
  static final String ALICE = "987654321012345678";
  static final String BOB = "987654321012345679";
  static final String CAROL = "987654321012345670";
  static final String MALLORY = "111111111111111111";
  static final KeyPair KEYS = SignedCalls.ed25519();
  static final FakeChatApi fake = new FakeChatApi();
  static final AtomicLong interactions = new AtomicLong(1300000000000000000L);

  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("DISCORD_PUBLIC_KEY", DiscordSignature.rawHex(KEYS.getPublic()))
    .with("DISCORD_API_BASE_URL", fake.url() + "/discord")
    .with("HITL_CHAT_IDENTITIES", "alice=discord:" + ALICE + ",bob=discord:" + BOB + ",carol=discord:" + CAROL)
    .with("HITL_CHAT_ADMINS", "alice,carol")
    .closeAfter(fake);
  static final String engine = gw.token("engine-1", "submitter");
  static final String admin = gw.token("root", "admin");

  @AfterEach
  void releaseAll() {
    for (Object o : gw.call("GET", "/api/v1/switches", admin, null).json().getJsonArray("items")) {
      gw.call("POST", "/api/v1/switches/" + ((JsonObject) o).getString("id") + "/release", admin, Map.of());
    }
  }

  @Test
  void anAdminEngagesAndReleasesAfterConfirmingAndTheJournalSaysDiscord() throws Exception {
    List<String> inScope = List.of(pending("strategy", "carry-2"), pending("strategy", "carry-2"),
      pending("strategy", "carry-2"));
    String elsewhere = pending("strategy", "carry-3");

    Response asked = command(ALICE, "engage", Map.of("scope", "strategy", "value", "carry-2",
      "reason", "runaway fills on *carry*"));
    assertThat(asked.status()).isEqualTo(200);
    JsonObject answer = asked.json();
    assertThat(answer.getInteger("type")).isEqualTo(4);
    JsonObject data = answer.getJsonObject("data");
    assertThat(data.getInteger("flags")).isEqualTo(64);
    assertThat(data.getJsonObject("allowed_mentions").getJsonArray("parse")).isEmpty();
    // user text is escaped so it renders as typed (the whole text is; Discord drops the backslashes)
    assertThat(data.getString("content")).contains("runaway fills on \\*carry\\*");
    assertThat(text(data.getString("content"))).contains("engage a kill switch on strategy carry-2 as alice")
      .contains("runaway fills on *carry*").contains("rejects the 3 pending trade(s)");
    JsonArray buttons = data.getJsonArray("components").getJsonObject(0).getJsonArray("components");
    assertThat(buttons.getJsonObject(0).getInteger("style")).isEqualTo(4);
    String confirm = buttons.getJsonObject(0).getString("custom_id");
    assertThat(confirm).startsWith("hitl:switch_confirm:");
    assertThat(buttons.getJsonObject(1).getString("custom_id")).startsWith("hitl:switch_cancel:");
    assertThat(engaged()).isEmpty();

    Response done = click(ALICE, confirm);
    assertThat(done.json().getInteger("type")).isEqualTo(7);
    assertThat(text(done.json().getJsonObject("data").getString("content")))
      .contains("Kill switch engaged on strategy carry-2 by alice").contains("3 pending trade(s) rejected");
    assertThat(done.json().getJsonObject("data").getJsonArray("components")).isEmpty();

    List<JsonObject> on = engaged();
    assertThat(on).hasSize(1);
    JsonObject s = on.get(0);
    assertThat(s.getString("set_by")).isEqualTo("alice");
    assertThat(s.getString("reason")).isEqualTo("runaway fills on *carry*");
    assertThat(s.getLong("rejected")).isEqualTo(3);
    assertThat(inScope).allSatisfy(id -> assertThat(status(id)).isEqualTo("rejected"));
    assertThat(status(elsewhere)).isEqualTo("pending");
    JsonObject entry = switchEntry("switch_engaged", s.getString("id"));
    assertThat(entry.getString("actor")).isEqualTo("alice");
    assertThat(entry.getJsonObject("payload").getString("channel")).isEqualTo("discord");
    assertThat(entry.getJsonObject("payload").getString("chat_user")).isEqualTo("discord:" + ALICE);

    Response release = command(CAROL, "release", Map.of("id", s.getString("id"), "reason", "fixed"));
    JsonObject rd = release.json().getJsonObject("data");
    assertThat(text(rd.getString("content"))).contains("release kill switch " + s.getString("id")).contains("as carol");
    Response released = click(CAROL, rd.getJsonArray("components").getJsonObject(0).getJsonArray("components")
      .getJsonObject(0).getString("custom_id"));
    assertThat(content(released)).contains("released by carol");
    assertThat(engaged()).isEmpty();
    JsonObject lifted = switchEntry("switch_lifted", s.getString("id"));
    assertThat(lifted.getString("actor")).isEqualTo("carol");
    assertThat(lifted.getJsonObject("payload").getString("channel")).isEqualTo("discord");
    assertThat(lifted.getJsonObject("payload").getString("chat_user")).isEqualTo("discord:" + CAROL);
    assertThat(gw.call("GET", "/api/v1/audit/verify", admin, null).json().getBoolean("valid")).isTrue();
  }

  @Test
  void refusalsArePrivateAnswersAndChangeNothing() throws Exception {
    String trade = pending("desk", "fx");
    long before = confirmations();
    Map<String, String> engage = Map.of("scope", "desk", "value", "fx", "reason", "stop");
    assertThat(content(command(MALLORY, "engage", engage))).contains("is not mapped").contains("SEC-090");
    assertThat(content(command(BOB, "engage", engage))).contains("bob may not").contains("SEC-002");
    assertThat(content(command(ALICE, "engage", Map.of("scope", "galaxy", "value", "fx", "reason", "stop"))))
      .contains("unknown scope 'galaxy'").contains("SEC-010");
    assertThat(content(command(ALICE, "engage", Map.of("scope", "desk", "value", "fx"))))
      .contains("a reason is required").contains("SEC-010");
    assertThat(content(command(ALICE, "engage", Map.of("scope", "desk", "value", "fx", "reason", "\u0007"))))
      .contains("reason").contains("SEC-010");
    assertThat(content(command(ALICE, "halt", Map.of()))).contains("unknown subcommand 'halt'").contains("SEC-010");
    assertThat(content(command(ALICE, "release", Map.of("id", "nope")))).contains("'nope' is not a switch id");
    JsonObject other = interaction(ALICE, "engage", engage);
    other.getJsonObject("data").put("name", "deploy");
    assertThat(content(SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), other.encode())))
      .contains("not handled");
    for (Response r : List.of(command(ALICE, "engage", engage), command(ALICE, "list", Map.of()))) {
      assertThat(r.json().getInteger("type")).isEqualTo(4);
      assertThat(r.json().getJsonObject("data").getInteger("flags")).isEqualTo(64);
    }
    // the one confirmation asked above (by alice) is the only row added; nothing is engaged
    assertThat(confirmations()).isEqualTo(before + 1);

    String body = interaction(ALICE, "engage", engage).encode();
    Response badSig = SignedCalls.discordRaw(gw.port(), String.valueOf(now()), "00".repeat(64), body);
    assertThat(badSig.status()).isEqualTo(401);
    assertThat(badSig.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(badSig.json().getString("code")).isEqualTo("SEC-070");
    Response malformed = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      "{\"type\":2,\"data\":{\"name\":\"hitl-switch\",\"options\":[{\"type\":1,\"name\":\"engage\",\"options\":["
        + "{\"name\":\"scope\",\"value\":\"desk\"},{\"name\":\"scope\",\"value\":\"venue\"}]}]}}");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().getString("code")).isEqualTo("SEC-010");
    assertThat(engaged()).isEmpty();
    assertThat(status(trade)).isEqualTo("pending");
  }

  @Test
  void aConfirmationIsTheAskersOnlyAndUsableOnce() throws Exception {
    String trade = pending("account", "acct-d");
    String confirm = ask(ALICE, Map.of("scope", "account", "value", "acct-d", "reason", "margin call"));
    String id = confirm.substring("hitl:switch_confirm:".length());

    Response byCarol = click(CAROL, confirm);
    assertThat(byCarol.json().getInteger("type")).isEqualTo(4);
    assertThat(content(byCarol)).contains("only the person who asked").contains("SEC-002");
    assertThat(content(click(ALICE, "hitl:switch_confirm:" + UUID.randomUUID()))).contains("SEC-011");
    assertThat(content(click(ALICE, "hitl:switch_confirm:" + id + ":venue:XNAS"))).contains("SEC-011");
    assertThat(content(click(MALLORY, confirm))).contains("SEC-090");
    assertThat(engaged()).isEmpty();

    long ts = now();
    String signed = clickBody(ALICE, confirm).encode();
    Response first = SignedCalls.discord(gw.port(), KEYS.getPrivate(), ts, signed);
    assertThat(first.json().getInteger("type")).isEqualTo(7);
    Response replayed = SignedCalls.discord(gw.port(), KEYS.getPrivate(), ts, signed);
    assertThat(replayed.status()).isEqualTo(401);
    assertThat(replayed.json().getString("code")).isEqualTo("SEC-071");
    assertThat(content(click(ALICE, confirm))).contains("already used").contains("SEC-030");
    assertThat(engaged()).hasSize(1);
    assertThat(status(trade)).isEqualTo("rejected");
    releaseAll();

    String cancel = ask(ALICE, Map.of("scope", "account", "value", "acct-d", "reason", "again"))
      .replace("hitl:switch_confirm:", "hitl:switch_cancel:");
    Response cancelled = click(ALICE, cancel);
    assertThat(cancelled.json().getInteger("type")).isEqualTo(7);
    assertThat(content(cancelled)).startsWith("Cancelled");
    assertThat(content(click(ALICE, cancel.replace("hitl:switch_cancel:", "hitl:switch_confirm:"))))
      .contains("already used (cancelled");
    assertThat(engaged()).isEmpty();
  }

  @Test
  void twoConfirmsOfOneConfirmationAtOnceEngageOnce() throws Exception {
    for (int round = 0; round < 5; round++) {
      String confirm = ask(ALICE, Map.of("scope", "symbol", "value", "DRACE.T", "reason", "round " + round));
      CyclicBarrier start = new CyclicBarrier(2);
      List<CompletableFuture<Response>> clicks = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        clicks.add(CompletableFuture.supplyAsync(() -> {
          try {
            start.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return click(ALICE, confirm);
        }));
      }
      List<String> texts = clicks.stream().map(f -> content(f.join())).toList();
      assertThat(texts).filteredOn(t -> t.contains("Kill switch engaged on symbol DRACE.T")).hasSize(1);
      assertThat(texts).filteredOn(t -> t.contains("already used")).hasSize(1);
      assertThat(engaged()).hasSize(1);
      try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM journal WHERE action = 'switch_engaged' "
            + "AND target = 'symbol:DRACE.T' AND payload->>'reason' = 'round " + round + "'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
      releaseAll();
    }
  }

  @Test
  void aCommandAndAConfirmOutlastingTheDeadlineAreDeferredAndTheirAnswersEditTheOriginalOnce() throws Exception {
    // the confirmations table locked: the command cannot store its confirmation before Discord's deadline
    JsonObject cmd = interaction(ALICE, "engage", Map.of("scope", "venue", "value", "XSLOW", "reason", "slow db"));
    String token = cmd.getString("token");
    try (Connection lock = TestDb.jdbc(gw.dbUrl()); Statement st = lock.createStatement()) {
      lock.setAutoCommit(false);
      st.execute("LOCK TABLE chat_switch_confirmations IN ACCESS EXCLUSIVE MODE");
      Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), cmd.encode());
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json()).isEqualTo(new JsonObject().put("type", 5).put("data", new JsonObject().put("flags", 64)));
      lock.rollback();
    }
    String original = "/discord/webhooks/1100000000000000001/" + token + "/messages/@original";
    JsonObject edited = fake.await("PATCH", original, c -> true, 1, java.time.Duration.ofSeconds(20)).get(0).json();
    assertThat(text(edited.getString("content"))).contains("engage a kill switch on venue XSLOW");
    String confirm = edited.getJsonArray("components").getJsonObject(0).getJsonArray("components").getJsonObject(0)
      .getString("custom_id");

    // the switches' lock held: the engage waits past the deadline, then its outcome edits the confirmation
    JsonObject click = clickBody(ALICE, confirm);
    String clickToken = click.getString("token");
    try (Connection lock = TestDb.jdbc(gw.dbUrl()); Statement st = lock.createStatement()) {
      lock.setAutoCommit(false);
      st.execute("SELECT pg_advisory_xact_lock(" + 0x53434f50L + ")");
      Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), click.encode());
      assertThat(r.json()).isEqualTo(new JsonObject().put("type", 6));
      assertThat(engaged()).isEmpty();
      lock.rollback();
    }
    String clicked = "/discord/webhooks/1100000000000000001/" + clickToken + "/messages/@original";
    JsonObject outcome = fake.await("PATCH", clicked, c -> true, 1, java.time.Duration.ofSeconds(20)).get(0).json();
    assertThat(text(outcome.getString("content"))).contains("Kill switch engaged on venue XSLOW by alice");
    assertThat(outcome.getJsonArray("components")).isEmpty();
    assertThat(engaged()).hasSize(1);
    // proving that nothing more arrives needs a wait: a second follow-up would come within this time
    Thread.sleep(300);
    assertThat(fake.calls().stream().filter(c -> c.path().contains(token) || c.path().contains(clickToken)))
      .hasSize(2);
  }

  static String ask(String user, Map<String, String> options) {
    Response r = command(user, "engage", options);
    assertThat(r.status()).isEqualTo(200);
    return r.json().getJsonObject("data").getJsonArray("components").getJsonObject(0).getJsonArray("components")
      .getJsonObject(0).getString("custom_id");
  }

  /** The text of an answer as Discord renders it (markdown escapes removed). */
  static String content(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return text(r.json().getJsonObject("data").getString("content"));
  }

  static String text(String markdown) {
    return markdown.replaceAll("\\\\(.)", "$1");
  }

  static JsonObject interaction(String user, String sub, Map<String, String> options) {
    JsonArray opts = new JsonArray();
    options.forEach((k, v) -> opts.add(new JsonObject().put("name", k).put("type", 3).put("value", v)));
    return new JsonObject()
      .put("id", String.valueOf(interactions.incrementAndGet()))
      .put("application_id", "1100000000000000001")
      .put("type", 2)
      .put("token", "command-token-" + interactions.get())
      .put("version", 1)
      .put("guild_id", "1000000000000000001")
      .put("channel_id", "9001")
      .put("member", new JsonObject().put("user", new JsonObject().put("id", user).put("username", "u" + user)))
      .put("data", new JsonObject().put("id", "1400000000000000001").put("name", "hitl-switch").put("type", 1)
        .put("options", new JsonArray().add(new JsonObject().put("type", 1).put("name", sub).put("options", opts))));
  }

  static Response command(String user, String sub, Map<String, String> options) {
    return SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), interaction(user, sub, options).encode());
  }

  static JsonObject clickBody(String user, String customId) {
    long n = interactions.incrementAndGet();
    return SignedCalls.discordClick(user, customId, "1500000000000000001", "9001").put("id", String.valueOf(n))
      .put("token", "click-token-" + n);
  }

  static Response click(String user, String customId) {
    return SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), clickBody(user, customId).encode());
  }

  static String pending(String key, String value) {
    JsonObject body = TestGateway.trade().put(key, value);
    if ("symbol".equals(key)) {
      body.remove("symbol");
      body.put("ticker", value);
    }
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static String status(String id) {
    return gw.call("GET", "/api/v1/approvals/" + id, admin, null).json().getString("status");
  }

  static List<JsonObject> engaged() {
    return gw.call("GET", "/api/v1/switches", admin, null).json().getJsonArray("items").stream()
      .map(JsonObject.class::cast).toList();
  }

  static JsonObject switchEntry(String action, String switchId) throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT actor, payload::text FROM journal WHERE action = '" + action
          + "' AND payload->>'switch_id' = '" + switchId + "'")) {
      assertThat(rs.next()).as(action + " of " + switchId).isTrue();
      JsonObject e = new JsonObject().put("actor", rs.getString(1)).put("payload", new JsonObject(rs.getString(2)));
      assertThat(rs.next()).as("one " + action).isFalse();
      return e;
    }
  }

  static long confirmations() throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM chat_switch_confirmations")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }
}
