package io.hitl.gateway.outbox;

import io.hitl.gateway.core.SignatureCheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Answer;
import io.hitl.gateway.support.FakeChatApi.Call;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Engine callbacks against a local fake engine (and a fake Slack for the follow-ups): the decision and the
 * trade's later states reach the request's callback_url signed, through the outbox, retried until delivered.
 */
class EngineCallbackTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String SECRET = "callback-signing-secret-0123456789abcdef";
  static final String UPDATE = "/api/chat.update";
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("HITL_CALLBACK_ALLOWED_HOSTS", "127.0.0.1,*.engines.example.com")
    .with("HITL_CALLBACK_ALLOW_HTTP", "true")
    .with("HITL_CALLBACK_SECRET", SECRET)
    .with("SLACK_BOT_TOKEN", "xoxb-test-token")
    .with("SLACK_CHANNEL", "C0APPROVALS")
    .with("SLACK_API_BASE_URL", fake.url() + "/api")
    .with("HITL_NOTIFY_BACKOFF_BASE_MS", "100")
    .with("HITL_NOTIFY_BACKOFF_MAX_MS", "400")
    .with("HITL_NOTIFY_MAX_ATTEMPTS", "8")
    .with("HITL_NOTIFY_POLL_MS", "200")
    .with("HITL_REREQUEST_COOLDOWN_SECONDS", "0")
    .closeAfter(fake);
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String viewer = gw.token("vic", "viewer");

  private static String create(String ticker, String tradeId, String callbackPath) {
    gw.quote(ticker, "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker)
      .put("trade_id", tradeId).put("callback_url", fake.url() + callbackPath));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  private static void assertSigned(Call c) {
    assertThat(CallbackSignature.verify(SECRET, c.header("X-HITL-Signature"), c.header("X-HITL-Timestamp"),
      c.body().getBytes(StandardCharsets.UTF_8), Instant.now(), 300)).isEqualTo(SignatureCheck.VALID);
    assertThat(CallbackSignature.verify("another-secret-0123456789abcdef0123", c.header("X-HITL-Signature"),
      c.header("X-HITL-Timestamp"), c.body().getBytes(StandardCharsets.UTF_8), Instant.now(), 300))
      .isEqualTo(SignatureCheck.BAD_SIGNATURE);
  }

  /** The request's Slack message, posted or edited, came to say {@code text}. */
  private static void slack(String id, String text) {
    Poll.until(() -> fake.calls(), l -> l.stream().anyMatch(c -> c.path().startsWith("/api/chat.")
      && c.body().contains(id) && c.body().contains(text)), WAIT, "a Slack message on " + id + " saying " + text);
  }

  private static JsonArray jobs(String id) {
    return gw.call("GET", "/api/v1/notifications?channel=callback&approval_id=" + id, viewer, null).json()
      .getJsonArray("items");
  }

  @Test
  void callbackIsDeliveredOnceDespite500sWithEveryAttemptSignedAndTheRetriesVisible() {
    fake.script(c -> c.path().equals("/hooks/retry"), Answer.status(500), Answer.status(500), Answer.status(503));
    String id = create("CB.RETRY", "T-CB-1", "/hooks/retry?account=a1");
    Response approved = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of("reason", "fine"));
    assertThat(approved.status()).as(approved.body()).isEqualTo(200);

    fake.await("POST", "/hooks/retry", c -> c.answered() == 204, 1, WAIT);
    JsonArray sent = Poll.until(() -> jobs(id), l -> l.size() == 1 && "sent".equals(l.getJsonObject(0)
      .getString("status")), WAIT, "the callback job sent");
    List<Call> attempts = fake.calls("POST", "/hooks/retry", c -> true);
    assertThat(attempts).extracting(Call::answered).containsExactly(500, 500, 503, 204);
    assertThat(attempts.get(0).query()).isEqualTo("account=a1");
    for (Call c : attempts) {
      assertSigned(c);
      assertThat(c.header("X-HITL-Event")).isEqualTo("approval.approved");
      assertThat(c.header("Content-Type")).startsWith("application/json");
    }
    assertThat(attempts).extracting(c -> c.header("Idempotency-Key")).containsOnly(attempts.get(0).header("Idempotency-Key"));
    assertThat(attempts).extracting(c -> c.json().getString("delivery_id")).containsOnly(
      attempts.get(0).header("X-HITL-Delivery"));

    JsonObject body = attempts.get(3).json();
    assertThat(body.getString("event")).isEqualTo("approval.approved");
    assertThat(body.getString("request_id")).isEqualTo(id);
    assertThat(body.getString("status")).isEqualTo("approved");
    assertThat(body.getString("decision")).isEqualTo("approved");
    assertThat(body.getString("decided_by")).isEqualTo("alice");
    assertThat(body.getString("reason")).isEqualTo("fine");
    assertThat(body.getString("decided_at")).isNotNull();
    assertThat(body.getString("trade_id")).isEqualTo("T-CB-1");
    assertThat(body.getString("ticker")).isEqualTo("CB.RETRY");
    assertThat(body.getString("action")).isEqualTo("BUY");
    assertThat(body.getString("price")).isEqualTo("2850.5");

    JsonObject job = sent.getJsonObject(0);
    assertThat(job.getInteger("attempts")).isEqualTo(4);
    assertThat(job.getString("last_error")).contains("HTTP 503");
    assertThat(job.getString("target")).isEqualTo("127.0.0.1");
    assertThat(job.encode()).doesNotContain("account=a1").doesNotContain("/hooks/");
    // nothing more arrives once delivered, while the notifier goes on with later work
    slack(id, "APPROVED");
    assertThat(fake.calls("POST", "/hooks/retry", c -> c.answered() == 204)).hasSize(1);
  }

  @Test
  void aTradeFilledAndClosedUpdatesTheSlackMessageAndReachesTheCallback() {
    String id = create("CB.FILL", "T-CB-2", "/hooks/fills");
    fake.await("POST", "/api/chat.postMessage", c -> c.body().contains(id), 1, WAIT);
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
    fake.await("POST", "/hooks/fills", c -> c.body().contains("approval.approved"), 1, WAIT);

    Response filled = gw.call("POST", "/api/v1/trades/T-CB-2/events", engine,
      Map.of("event", "FILLED", "price", "2850.75", "quantity", "100"));
    assertThat(filled.status()).as(filled.body()).isEqualTo(200);
    Call fill = fake.await("POST", "/hooks/fills", c -> c.body().contains("trade.filled"), 1, WAIT).get(0);
    assertSigned(fill);
    assertThat(fill.json().getString("trade_state")).isEqualTo("filled");
    assertThat(fill.json().getString("fill_price")).isEqualTo("2850.75");
    assertThat(fill.json().getString("status")).isEqualTo("approved");
    assertThat(fill.header("X-HITL-Event")).isEqualTo("trade.filled");
    fake.await("POST", UPDATE, c -> c.body().contains(id) && c.body().contains("trade filled"), 1, WAIT);

    gw.call("POST", "/api/v1/trades/T-CB-2/events", engine, Map.of("event", "CLOSED"));
    fake.await("POST", "/hooks/fills", c -> c.body().contains("trade.closed"), 1, WAIT);
    fake.await("POST", UPDATE, c -> c.body().contains(id) && c.body().contains("trade closed"), 1, WAIT);
    Poll.until(() -> jobs(id), l -> l.size() == 3 && l.stream().allMatch(j -> "sent".equals(((JsonObject) j)
      .getString("status"))), WAIT, "three sent callback jobs");
  }

  @Test
  void aRejectionItsReRequestAndACancelReachTheCallbackAndARequestWithoutOneGetsNone() {
    String rejected = create("CB.REJ", "T-CB-3", "/hooks/outcomes");
    gw.call("POST", "/api/v1/approvals/" + rejected + "/reject", alice, Map.of("reason", "too big"));
    Call r = fake.await("POST", "/hooks/outcomes", c -> c.body().contains(rejected), 1, WAIT).get(0);
    assertThat(r.json().getString("event")).isEqualTo("approval.rejected");
    assertThat(r.json().getString("reason")).isEqualTo("too big");

    Response again = gw.call("POST", "/api/v1/approvals/" + rejected + "/re-request", engine, Map.of("reason", "smaller"));
    assertThat(again.status()).as(again.body()).isBetween(200, 201);
    String second = again.json().getString("request_id");
    gw.call("POST", "/api/v1/approvals/" + second + "/reject", alice, Map.of("reason", "still no"));
    Call repeat = fake.await("POST", "/hooks/outcomes", x -> x.body().contains(second), 1, WAIT).get(0);
    assertThat(repeat.json().getString("event")).isEqualTo("approval.rejected");
    assertThat(repeat.json().getString("reason")).isEqualTo("still no");

    String cancelled = create("CB.CAN", "T-CB-4", "/hooks/outcomes");
    Response c = gw.call("DELETE", "/api/v1/approvals/" + cancelled, engine, Map.of("reason", "stale signal"));
    assertThat(c.status()).as(c.body()).isEqualTo(200);
    Call cc = fake.await("POST", "/hooks/outcomes", x -> x.body().contains(cancelled), 1, WAIT).get(0);
    assertThat(cc.json().getString("event")).isEqualTo("approval.cancelled");

    gw.quote("CB.NONE", "2850", "2851");
    String plain = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "CB.NONE"))
      .json().getString("request_id");
    fake.await("POST", "/api/chat.postMessage", x -> x.body().contains(plain), 1, WAIT);
    gw.call("POST", "/api/v1/approvals/" + plain + "/approve", alice, Map.of());
    fake.await("POST", UPDATE, x -> x.body().contains(plain), 1, WAIT);
    assertThat(jobs(plain)).isEmpty();
  }

  @Test
  void anExpiryReachesTheCallback() {
    gw.quote("CB.EXP", "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "CB.EXP")
      .put("timeout_seconds", 1).put("callback_url", fake.url() + "/hooks/expiries"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    String id = r.json().getString("request_id");
    Call expired = fake.await("POST", "/hooks/expiries", c -> c.body().contains(id), 1, WAIT).get(0);
    assertSigned(expired);
    assertThat(expired.json().getString("event")).isEqualTo("approval.expired");
    assertThat(expired.json().getString("decided_by")).isEqualTo("system");
    assertThat(expired.json().getString("reason")).isEqualTo("HITL_TIMEOUT");
  }

  @Test
  void callbackUrlsOutsideTheAllowlistOrMalformedAreRefusedWithoutAnyChange() {
    int before = gw.call("GET", "/api/v1/audit?limit=1000", viewer, null).json().getJsonArray("entries").size();
    Map<String, String> bad = Map.of(
      "https://evil.example.org/hook", "host 'evil.example.org' is not allowed for callbacks",
      "https://engines.example.com/hook", "host 'engines.example.com' is not allowed for callbacks",
      "ftp://127.0.0.1/hook", "must use https or http",
      "not a url", "must be an https URL without spaces or control characters",
      "http://user:pw@127.0.0.1/hook", "must not contain user info (credentials)",
      "https:///nohost", "must name a host",
      "https://a.engines.example.com/" + "x".repeat(2100), "must be an https URL of at most 2048 characters");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "CB.BAD")
        .put("callback_url", e.getKey()));
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
      assertThat(r.json().getJsonObject("errors").getString("callback_url")).isEqualTo(e.getValue());
    }
    Response number = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "x",
      "callback_url", 42));
    assertThat(number.json().getJsonObject("errors").getString("callback_url"))
      .isEqualTo("must be an https URL of at most 2048 characters");
    Response allowed = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "x",
      "callback_url", "https://a.engines.example.com/hook"));
    assertThat(allowed.status()).as(allowed.body()).isEqualTo(201);
    int after = gw.call("GET", "/api/v1/audit?limit=1000", viewer, null).json().getJsonArray("entries").size();
    assertThat(after).isEqualTo(before + 1);
  }
}
