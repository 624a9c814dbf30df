package io.hitl.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Answer;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Discord delivery and Ed25519-signed interactions against a fake Discord API. */
class DiscordChatTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String ALICE = "987654321012345678";
  static final String MESSAGES = "/discord/channels/9001/messages";
  static final KeyPair KEYS = SignedCalls.ed25519();
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("DISCORD_BOT_TOKEN", "discord-bot-token")
    .with("DISCORD_CHANNEL_ID", "9001")
    .with("DISCORD_API_BASE_URL", fake.url() + "/discord")
    .with("DISCORD_PUBLIC_KEY", DiscordSignature.rawHex(KEYS.getPublic()))
    .with("HITL_CHAT_IDENTITIES", "alice=discord:" + ALICE)
    .with("HITL_PUBLIC_URL", "https://hitl.example.com")
    .with("HITL_NOTIFY_BACKOFF_BASE_MS", "100")
    .with("HITL_NOTIFY_BACKOFF_MAX_MS", "400")
    .with("HITL_NOTIFY_POLL_MS", "200")
    .closeAfter(fake);
  static final String engine = gw.token("engine-1", "submitter");
  static final String bob = gw.token("bob", "approver");
  static final String viewer = gw.token("vic", "viewer");

  @Test
  void newRequestIsPostedWithTheBotTokenAsAnEmbedWithApproveAndRejectButtons() {
    String id = create("DPOST.T");
    Call post = fake.await("POST", MESSAGES, c -> c.body().contains(id), 1, WAIT).get(0);
    assertThat(post.header("Authorization")).isEqualTo("Bot discord-bot-token");
    assertThat(post.header("Content-Type")).startsWith("application/json");
    JsonObject embed = post.json().getJsonArray("embeds").getJsonObject(0);
    assertThat(embed.getString("title")).isEqualTo("🔔 Approval Required: BUY 100 DPOST.T");
    assertThat(embed.getJsonArray("fields").stream().map(f -> ((JsonObject) f).getString("name")))
      .contains("Request ID", "Type", "Expires", "Ticker", "Action", "Quantity", "Price", "Confidence", "Risk Level",
        "Strategy");
    JsonArray buttons = post.json().getJsonArray("components").getJsonObject(0).getJsonArray("components");
    assertThat(buttons.getJsonObject(0).getInteger("style")).isEqualTo(3);
    assertThat(buttons.getJsonObject(0).getString("custom_id")).isEqualTo("hitl:approve:" + id);
    assertThat(buttons.getJsonObject(1).getInteger("style")).isEqualTo(4);
    assertThat(buttons.getJsonObject(1).getString("custom_id")).isEqualTo("hitl:reject:" + id);
    assertThat(buttons.getJsonObject(2).getString("url")).startsWith("https://hitl.example.com/approve/");
    assertThat(post.json().getJsonObject("allowed_mentions").getJsonArray("parse")).isEmpty();
  }

  @Test
  void aSignedPingIsAnsweredWithPong() {
    Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), ping());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.json()).isEqualTo(new JsonObject().put("type", 1));
  }

  @Test
  void badSignaturesAreRefusedWith401Sec070() {
    String ts = String.valueOf(now());
    String body = "{\"type\":1}";
    Response random = SignedCalls.discordRaw(gw.port(), ts, "ab".repeat(64), body);
    assertThat(random.status()).isEqualTo(401);
    assertThat(random.json().getString("code")).isEqualTo("SEC-070");
    Response otherKey = SignedCalls.discordRaw(gw.port(), ts,
      SignedCalls.ed25519Sign(SignedCalls.ed25519().getPrivate(), ts, body), body);
    assertThat(otherKey.status()).isEqualTo(401);
    Response tampered = SignedCalls.discordRaw(gw.port(), ts, SignedCalls.ed25519Sign(KEYS.getPrivate(), ts, body),
      "{\"type\":2}");
    assertThat(tampered.status()).isEqualTo(401);
    Response garbage = SignedCalls.discordRaw(gw.port(), ts, "not-hex", body);
    assertThat(garbage.status()).isEqualTo(401);
    Response unsigned = SignedCalls.post(gw.port(), "/api/v1/chat/discord/interactions",
      Map.of("Content-Type", "application/json"), body);
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(unsigned.json().getString("code")).isEqualTo("SEC-070");
  }

  @Test
  void staleAndReplayedInteractionsAreRefusedWithSec071() {
    Response stale = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now() - 301, "{\"type\":1}");
    assertThat(stale.status()).isEqualTo(401);
    assertThat(stale.json().getString("code")).isEqualTo("SEC-071");
    long ts = now();
    String ping = ping();
    String sig = SignedCalls.ed25519Sign(KEYS.getPrivate(), String.valueOf(ts), ping);
    assertThat(SignedCalls.discordRaw(gw.port(), String.valueOf(ts), sig, ping).status()).isEqualTo(200);
    Response replay = SignedCalls.discordRaw(gw.port(), String.valueOf(ts), sig, ping);
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.json().getString("code")).isEqualTo("SEC-071");
    Response upper = SignedCalls.discordRaw(gw.port(), String.valueOf(ts), sig.toUpperCase(), ping);
    assertThat(upper.json().getString("code")).isEqualTo("SEC-071");
  }

  @Test
  void aSignedApproveClickDecidesAnswersWithTheUpdatedMessageAndTheOutboxEditsIt() {
    String id = create("DCLICK.T");
    Call post = fake.await("POST", MESSAGES, c -> c.body().contains(id), 1, WAIT).get(0);
    String messageId = Poll.until(() -> storedMessageId(id), m -> m != null, WAIT, "the stored message id");
    String customId = post.json().getJsonArray("components").getJsonObject(0).getJsonArray("components")
      .getJsonObject(0).getString("custom_id");

    Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordClick(ALICE, customId, messageId, "9001").encode());
    assertThat(r.status()).isEqualTo(200);
    JsonObject answer = r.json();
    assertThat(answer.getInteger("type")).isEqualTo(7);
    JsonObject embed = answer.getJsonObject("data").getJsonArray("embeds").getJsonObject(0);
    assertThat(embed.getString("title")).isEqualTo("✅ BUY 100 DCLICK.T — APPROVED");
    assertThat(embed.getString("description")).isEqualTo("**Approved by alice via Discord**");
    assertThat(answer.getJsonObject("data").getJsonArray("components")).isEmpty();

    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("approved");
    assertThat(a.getString("decided_by")).isEqualTo("alice");
    assertThat(a.getString("decision_channel")).isEqualTo("discord");
    Call edit = fake.await("PATCH", MESSAGES + "/" + messageId, c -> true, 1, WAIT).get(0);
    assertThat(edit.header("Authorization")).isEqualTo("Bot discord-bot-token");
    assertThat(edit.json().getJsonArray("components")).isEmpty();
    assertThat(edit.json().getJsonArray("embeds").getJsonObject(0).getString("title")).contains("APPROVED");
  }

  @Test
  void anUnmappedClickerGetsAnEphemeralNotAllowedIsAuditedAndTheRequestStaysPending() {
    String id = create("DUNK.T");
    fake.await("POST", MESSAGES, c -> c.body().contains(id), 1, WAIT);
    Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordClick("111111111111111111", "hitl:approve:" + id, "1", "9001").encode());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().getInteger("type")).isEqualTo(4);
    assertThat(r.json().getJsonObject("data").getInteger("flags")).isEqualTo(64);
    assertThat(r.json().getJsonObject("data").getString("content")).contains("is not mapped").contains("SEC-090");
    assertThat(get(id).getString("status")).isEqualTo("pending");
    JsonObject refused = audit(id).stream().filter(e -> e.getString("action").equals("decision_refused")).findFirst()
      .orElseThrow();
    assertThat(refused.getString("error_code")).isEqualTo("SEC-090");
    assertThat(refused.getString("actor")).isEqualTo("discord:111111111111111111");
  }

  @Test
  void aClickOnADecidedRequestGetsAnEphemeralSec012AndChangesNothing() {
    String id = create("DLATE.T");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/reject", bob, Map.of("reason", "no")).status())
      .isEqualTo(200);
    Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordClick(ALICE, "hitl:approve:" + id, "1", "9001").encode());
    assertThat(r.json().getInteger("type")).isEqualTo(4);
    assertThat(r.json().getJsonObject("data").getString("content")).contains("Already decided").contains("SEC-012");
    JsonObject a = get(id);
    assertThat(a.getString("status")).isEqualTo("rejected");
    assertThat(a.getString("decided_by")).isEqualTo("bob");
  }

  @Test
  void foreignButtonsAndMalformedSignedBodiesAreHandled() {
    Response foreign = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(),
      SignedCalls.discordClick(ALICE, "someone-elses-button", "1", "9001").encode());
    assertThat(foreign.status()).isEqualTo(200);
    assertThat(foreign.json().getJsonObject("data").getString("content")).isEqualTo("This button is not handled by HITL Gateway.");
    Response junk = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), "{not json");
    assertThat(junk.status()).isEqualTo(400);
    assertThat(junk.json().getString("code")).isEqualTo("SEC-010");
  }

  @Test
  void signedClicksWithTrailingGarbageDuplicateKeysOrWrongTypesAreSec010AndChangeNothing() {
    String id = create("DMALFORMED.T");
    fake.await("POST", MESSAGES, c -> c.body().contains(id), 1, WAIT);
    String click = SignedCalls.discordClick(ALICE, "hitl:approve:" + id, "1", "9001").encode();
    for (String body : List.of(click + " trailing", click + click, click + "\u0000",
        "{\"type\":3," + click.substring(1), click.replace("\"type\":3", "\"type\":\"3\""),
        click.replace("\"type\":3", "\"type\":3.5"),
        SignedCalls.discordClick(ALICE, "hitl:approve:" + id, "1", "9001").put("channel_id", 9001).encode())) {
      Response r = SignedCalls.discord(gw.port(), KEYS.getPrivate(), now(), body);
      assertThat(r.status()).as(body).isEqualTo(400);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
    }
    assertThat(get(id).getString("status")).isEqualTo("pending");
  }

  @Test
  void aRateLimitedPostWaitsForRetryAfterAndIsDeliveredOnce() {
    fake.script(c -> c.path().equals(MESSAGES) && c.body().contains("D429.T"),
      new Answer(429, Map.of("Retry-After", "1"), "{\"message\":\"You are being rate limited.\",\"retry_after\":1.0,"
        + "\"global\":false}", false));
    String id = create("D429.T");
    fake.await("POST", MESSAGES, c -> c.body().contains(id) && c.answered() == 200, 1, WAIT);
    List<Call> attempts = fake.calls("POST", MESSAGES, c -> c.body().contains(id));
    assertThat(attempts).extracting(Call::answered).containsExactly(429, 200);
    assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    JsonObject job = Poll.until(() -> gw.call("GET", "/api/v1/notifications?approval_id=" + id, viewer, null).json()
      .getJsonArray("items").getJsonObject(0), j -> "sent".equals(j.getString("status")), WAIT, "the job to be sent");
    assertThat(job.getInteger("attempts")).isEqualTo(2);
    assertThat(job.getString("last_error")).startsWith("discord create message: HTTP 429");
  }

  /** A PING unique to this call: Ed25519 is deterministic, so equal bodies in one second would be replays. */
  static String ping() {
    return new JsonObject().put("type", 1).put("id", UUID.randomUUID().toString()).encode();
  }

  static String create(String ticker) {
    gw.quote(ticker, "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker));
    assertThat(r.status()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static String storedMessageId(String id) {
    try (var c = TestDb.jdbc(gw.dbUrl()); var s = c.prepareStatement(
        "SELECT message_ref FROM chat_messages WHERE approval_id = ? AND channel = 'discord'")) {
      s.setObject(1, UUID.fromString(id));
      try (var rs = s.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonObject get(String id) {
    return gw.call("GET", "/api/v1/approvals/" + id, viewer, null).json();
  }

  static List<JsonObject> audit(String id) {
    return gw.call("GET", "/api/v1/audit?approval_id=" + id, viewer, null).json().getJsonArray("entries").stream()
      .map(o -> (JsonObject) o).filter(e -> !"trade_state".equals(e.getString("action"))).collect(Collectors.toList());
  }

  static long now() {
    return Instant.now().getEpochSecond();
  }
}
