package io.hitl.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * `/hitl-switch` from Slack on a real gateway and embedded PostgreSQL: a command only states what it will do; the
 * asker's Confirm (through the interactions route) engages or releases, once, as the mapped admin, journaled with
 * channel slack; everything else is refused with a readable private answer and changes nothing.
 */
class SlackSwitchCommandTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String SECRET = "slack-signing-secret-for-switches";
  static final FakeChatApi fake = new FakeChatApi();
  static final MutableClock clock = new MutableClock();

  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded().clock(clock)
    .with("SLACK_SIGNING_SECRET", SECRET)
    .with("SLACK_API_BASE_URL", fake.url() + "/api")
    .with("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE,bob=slack:U0BOB,carol=slack:U0CAROL")
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
  void anAdminEngagesAndReleasesAfterConfirmingAndTheJournalSaysSlack() throws Exception {
    List<String> inScope = List.of(pending("venue", "XNAS"), pending("venue", "XNAS"));
    String elsewhere = pending("venue", "XLON");

    Response asked = command("U0ALICE", "engage venue XNAS exchange outage since 09:02");
    assertThat(asked.status()).isEqualTo(200);
    JsonObject answer = asked.json();
    assertThat(answer.getString("response_type")).isEqualTo("ephemeral");
    assertThat(answer.getString("text")).contains("engage a kill switch on venue XNAS as alice")
      .contains("exchange outage since 09:02").contains("rejects the 2 pending trade(s)").contains("120 s");
    JsonArray buttons = buttons(answer);
    assertThat(buttons.getJsonObject(0).getString("action_id")).isEqualTo("hitl_switch_confirm");
    assertThat(buttons.getJsonObject(1).getString("action_id")).isEqualTo("hitl_switch_cancel");
    String confirmation = buttons.getJsonObject(0).getString("value");
    // asking changed nothing
    assertThat(engaged()).isEmpty();
    assertThat(inScope).allSatisfy(id -> assertThat(status(id)).isEqualTo("pending"));

    String url = responseUrl();
    assertThat(click("U0ALICE", "hitl_switch_confirm", confirmation, url).status()).isEqualTo(200);
    JsonObject done = answerAt(url);
    assertThat(done.getBoolean("replace_original")).isTrue();
    assertThat(done.getString("text")).contains("Kill switch engaged on venue XNAS by alice")
      .contains("2 pending trade(s) rejected");

    List<JsonObject> on = engaged();
    assertThat(on).hasSize(1);
    JsonObject s = on.get(0);
    assertThat(s.getString("scope")).isEqualTo("venue");
    assertThat(s.getString("value")).isEqualTo("XNAS");
    assertThat(s.getString("set_by")).isEqualTo("alice");
    assertThat(s.getString("reason")).isEqualTo("exchange outage since 09:02");
    assertThat(s.getLong("rejected")).isEqualTo(2);
    assertThat(inScope).allSatisfy(id -> assertThat(status(id)).isEqualTo("rejected"));
    assertThat(status(elsewhere)).isEqualTo("pending");
    JsonObject entry = switchEntries("switch_engaged", s.getString("id")).get(0);
    assertThat(entry.getString("actor")).isEqualTo("alice");
    assertThat(entry.getJsonObject("payload").getString("channel")).isEqualTo("slack");
    assertThat(entry.getJsonObject("payload").getString("chat_user")).isEqualTo("slack:U0ALICE");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("venue", "XNAS"))
      .json().getString("code")).isEqualTo("SEC-072");

    Response release = command("U0CAROL", "release " + s.getString("id") + " venue back after the all-clear");
    assertThat(release.json().getString("text")).contains("release kill switch " + s.getString("id"))
      .contains("venue XNAS as carol").contains("venue back after the all-clear");
    assertThat(engaged()).hasSize(1);
    String url2 = responseUrl();
    click("U0CAROL", "hitl_switch_confirm", buttons(release.json()).getJsonObject(0).getString("value"), url2);
    assertThat(answerAt(url2).getString("text")).contains("released by carol");
    assertThat(engaged()).isEmpty();
    JsonObject lifted = switchEntries("switch_lifted", s.getString("id")).get(0);
    assertThat(lifted.getString("actor")).isEqualTo("carol");
    assertThat(lifted.getJsonObject("payload").getString("channel")).isEqualTo("slack");
    assertThat(lifted.getJsonObject("payload").getString("chat_user")).isEqualTo("slack:U0CAROL");
    assertThat(lifted.getJsonObject("payload").getString("lift_reason")).isEqualTo("venue back after the all-clear");
    assertThat(gw.call("GET", "/api/v1/audit/verify", admin, null).json().getBoolean("valid")).isTrue();
  }

  @Test
  void refusedCommandsAnswerPrivatelyWhyAndChangeNothing() throws Exception {
    String trade = pending("desk", "rates");
    long before = confirmations();
    Map<String, String[]> refused = Map.of(
      "U0MALLORY", new String[] {"engage desk rates stop it", "is not mapped", "SEC-090"},
      "U0BOB", new String[] {"engage desk rates stop it", "bob may not engage or release", "SEC-002"});
    refused.forEach((user, t) -> assertThat(command(user, t[0]).json().getString("text")).as(user)
      .contains(t[1]).contains(t[2]).contains("Nothing was changed"));
    for (String[] t : List.of(
        new String[] {"engage galaxy far-away because", "unknown scope 'galaxy': must be one of venue, strategy"},
        new String[] {"engage desk rates", "a reason is required"},
        new String[] {"engage desk", "needs a value and a reason"},
        new String[] {"frobnicate desk rates now", "unknown subcommand 'frobnicate'"},
        new String[] {"release not-a-switch", "'not-a-switch' is not a switch id"},
        new String[] {"list everything", "list takes nothing after it"})) {
      String text = command("U0ALICE", t[0]).json().getString("text");
      assertThat(text).as(t[0]).contains(t[1]).contains("SEC-010").contains("Nothing was changed")
        .contains("Usage: /hitl-switch");
    }
    String unknown = UUID.randomUUID().toString();
    assertThat(command("U0ALICE", "release " + unknown).json().getString("text")).contains("No kill switch " + unknown)
      .contains("SEC-011");
    String tooLong = "x".repeat(501);
    assertThat(command("U0ALICE", "engage desk rates " + tooLong).json().getString("text")).contains("reason")
      .contains("SEC-010");
    assertThat(confirmations()).isEqualTo(before);
    assertThat(engaged()).isEmpty();
    assertThat(status(trade)).isEqualTo("pending");

    // a request that is not Slack's: refused as a problem, as the interactions route does
    String body = form("U0ALICE", "engage desk rates stop it", responseUrl());
    Response unsigned = SignedCalls.post(gw.port(), "/api/v1/chat/slack/commands",
      Map.of("Content-Type", "application/x-www-form-urlencoded"), body);
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(unsigned.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(unsigned.json().getString("code")).isEqualTo("SEC-070");
    Response wrongSecret = post("not-the-secret", now(), body);
    assertThat(wrongSecret.json().getString("code")).isEqualTo("SEC-070");
    Response stale = post(SECRET, now() - 330, body);
    assertThat(stale.json().getString("code")).isEqualTo("SEC-071");
    Response noUser = post(SECRET, now(), "command=%2Fhitl-switch&text=list");
    assertThat(noUser.status()).isEqualTo(400);
    assertThat(noUser.json().getString("code")).isEqualTo("SEC-010");
    long ts = now();
    String listed = form("U0ALICE", "list", responseUrl());
    assertThat(post(SECRET, ts, listed).status()).isEqualTo(200);
    Response replayed = post(SECRET, ts, listed);
    assertThat(replayed.status()).isEqualTo(401);
    assertThat(replayed.json().getString("code")).isEqualTo("SEC-071");
    assertThat(confirmations()).isEqualTo(before);
    assertThat(engaged()).isEmpty();
  }

  @Test
  void aConfirmationIsTheAskersOnlyUsableOnceAndExpires() throws Exception {
    String trade = pending("account", "acct-9");
    String confirmation = ask("U0ALICE", "engage account acct-9 margin call");

    // another admin, a made-up id, a value that is no id: nothing is engaged and the asker still can
    String other = responseUrl();
    click("U0CAROL", "hitl_switch_confirm", confirmation, other);
    assertThat(answerAt(other).getString("text")).contains("only the person who asked").contains("SEC-002");
    String forged = responseUrl();
    click("U0ALICE", "hitl_switch_confirm", UUID.randomUUID().toString(), forged);
    assertThat(answerAt(forged).getString("text")).contains("not one this gateway issued").contains("SEC-011");
    String garbage = responseUrl();
    click("U0ALICE", "hitl_switch_confirm", "{\"scope\":\"venue\",\"value\":\"XNAS\"}", garbage);
    assertThat(answerAt(garbage).getString("text")).contains("SEC-011");
    String unmapped = responseUrl();
    click("U0MALLORY", "hitl_switch_confirm", confirmation, unmapped);
    assertThat(answerAt(unmapped).getString("text")).contains("SEC-090");
    assertThat(engaged()).isEmpty();
    assertThat(status(trade)).isEqualTo("pending");

    String ok = responseUrl();
    click("U0ALICE", "hitl_switch_confirm", confirmation, ok);
    assertThat(answerAt(ok).getString("text")).contains("Kill switch engaged on account acct-9");
    String again = responseUrl();
    click("U0ALICE", "hitl_switch_confirm", confirmation, again);
    assertThat(answerAt(again).getString("text")).contains("already used").contains("SEC-030");
    assertThat(engaged()).hasSize(1);
    assertThat(status(trade)).isEqualTo("rejected");
    releaseAll();

    // cancelled: nothing happens, and the confirmation is spent
    String cancelled = ask("U0ALICE", "engage account acct-9 margin call again");
    String c1 = responseUrl();
    click("U0ALICE", "hitl_switch_cancel", cancelled, c1);
    assertThat(answerAt(c1).getString("text")).startsWith("Cancelled").contains("Nothing was changed");
    String c2 = responseUrl();
    click("U0ALICE", "hitl_switch_confirm", cancelled, c2);
    assertThat(answerAt(c2).getString("text")).contains("already used (cancelled");
    assertThat(engaged()).isEmpty();

    // expired by the gateway's clock
    String late = ask("U0ALICE", "engage account acct-9 too slow");
    clock.advance(Duration.ofSeconds(121));
    String l1 = responseUrl();
    click("U0ALICE", "hitl_switch_confirm", late, l1);
    assertThat(answerAt(l1).getString("text")).contains("Too late").contains("SEC-013");
    assertThat(engaged()).isEmpty();
  }

  @Test
  void twoConfirmsOfOneConfirmationAtOnceEngageOnce() throws Exception {
    List<String> inScope = List.of(pending("symbol", "RACE.T"), pending("symbol", "RACE.T"));
    for (int round = 0; round < 5; round++) {
      String confirmation = ask("U0ALICE", "engage symbol RACE.T round " + round);
      List<String> urls = List.of(responseUrl(), responseUrl());
      CyclicBarrier start = new CyclicBarrier(2);
      List<CompletableFuture<Response>> clicks = new ArrayList<>();
      for (String url : urls) {
        clicks.add(CompletableFuture.supplyAsync(() -> {
          try {
            start.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return click("U0ALICE", "hitl_switch_confirm", confirmation, url);
        }));
      }
      clicks.forEach(f -> assertThat(f.join().status()).isEqualTo(200));
      List<String> texts = List.of(answerAt(urls.get(0)).getString("text"), answerAt(urls.get(1)).getString("text"));
      assertThat(texts).filteredOn(t -> t.contains("Kill switch engaged on symbol RACE.T")).hasSize(1);
      assertThat(texts).filteredOn(t -> t.contains("already used")).hasSize(1);
      List<JsonObject> on = engaged();
      assertThat(on).hasSize(1);
      try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM journal WHERE action = 'switch_engaged' "
            + "AND target = 'symbol:RACE.T' AND payload->>'reason' = 'round " + round + "'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
      if (round == 0) {
        assertThat(on.get(0).getLong("rejected")).isEqualTo(2);
        assertThat(inScope).allSatisfy(id -> assertThat(status(id)).isEqualTo("rejected"));
      }
      releaseAll();
    }
  }

  static String ask(String user, String text) {
    Response r = command(user, text);
    assertThat(r.status()).isEqualTo(200);
    return buttons(r.json()).getJsonObject(0).getString("value");
  }

  static JsonArray buttons(JsonObject answer) {
    JsonArray blocks = answer.getJsonArray("blocks");
    assertThat(blocks).as(answer.encode()).isNotNull();
    return blocks.getJsonObject(1).getJsonArray("elements");
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

  static List<JsonObject> switchEntries(String action, String switchId) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT actor, payload::text FROM journal WHERE action = '" + action
          + "' AND payload->>'switch_id' = '" + switchId + "' ORDER BY seq")) {
      while (rs.next()) {
        out.add(new JsonObject().put("actor", rs.getString(1)).put("payload", new JsonObject(rs.getString(2))));
      }
    }
    return out;
  }

  static long confirmations() throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM chat_switch_confirmations")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String form(String user, String text, String responseUrl) {
    return "token=legacy-verification-token&team_id=T0TEAM&team_domain=desk&channel_id=C0OPS&channel_name=ops"
      + "&user_id=" + user + "&user_name=u" + user + "&command=" + enc("/hitl-switch") + "&text=" + enc(text)
      + "&api_app_id=A0APP&response_url=" + enc(responseUrl) + "&trigger_id=1.2.3";
  }

  static Response command(String user, String text) {
    return post(SECRET, now(), form(user, text, responseUrl()));
  }

  static Response post(String secret, long ts, String body) {
    String t = String.valueOf(ts);
    return SignedCalls.post(gw.port(), "/api/v1/chat/slack/commands", Map.of(
      "Content-Type", "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp", t,
      "X-Slack-Signature", SlackSignature.sign(secret, t, body.getBytes(StandardCharsets.UTF_8))), body);
  }

  static Response click(String user, String actionId, String value, String responseUrl) {
    JsonObject payload = SignedCalls.slackClick(user, actionId, value, responseUrl, "C0OPS", "1700000000.000100");
    payload.getJsonArray("actions").getJsonObject(0).put("block_id", "hitl_switch");
    String ts = String.valueOf(now());
    String body = SignedCalls.form(payload);
    return SignedCalls.slackRaw(gw.port(), ts, SlackSignature.sign(SECRET, ts, body.getBytes(StandardCharsets.UTF_8)),
      body);
  }

  static JsonObject answerAt(String url) {
    Call c = fake.await("POST", url.substring(fake.url().length()), x -> true, 1, WAIT).get(0);
    return c.json();
  }

  static String responseUrl() {
    return fake.url() + "/slack/response/" + UUID.randomUUID();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static long now() {
    return clock.instant().getEpochSecond();
  }
}
