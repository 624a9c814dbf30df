package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeChatApi.Answer;
import io.hitl.gateway.support.FakeSmtpServer;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The email channel and the chat-failure fallback, against a local SMTP server and a fake Slack. */
class EmailNotifyTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String POST = "/api/chat.postMessage";
  static final List<String> RECIPIENTS = List.of("ops@desk.example.com", "risk@desk.example.com");
  static final FakeChatApi fake = new FakeChatApi();
  static final FakeSmtpServer smtp = new FakeSmtpServer();
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded()
    .with("SLACK_BOT_TOKEN", "xoxb-test-token")
    .with("SLACK_CHANNEL", "C0APPROVALS")
    .with("SLACK_API_BASE_URL", fake.url() + "/api")
    .with("HITL_NOTIFY_CHANNELS", "slack,email")
    .with("HITL_SMTP_HOST", "127.0.0.1")
    .with("HITL_SMTP_PORT", String.valueOf(smtp.port()))
    .with("HITL_SMTP_STARTTLS", "disabled")
    .with("HITL_SMTP_FROM", "hitl@desk.example.com")
    .with("HITL_EMAIL_RECIPIENTS", String.join(",", RECIPIENTS))
    .with("HITL_PUBLIC_URL", "https://hitl.example.com")
    .with("HITL_NOTIFY_BACKOFF_BASE_MS", "100")
    .with("HITL_NOTIFY_BACKOFF_MAX_MS", "400")
    .with("HITL_NOTIFY_MAX_ATTEMPTS", "5")
    .with("HITL_NOTIFY_POLL_MS", "200")
    .closeAfter(fake).closeAfter(smtp);
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String viewer = gw.token("vic", "viewer");

  private static String create(String ticker) {
    gw.quote(ticker, "2850", "2851");
    return gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker)).json()
      .getString("request_id");
  }

  private static JsonArray jobs(String id, String channel) {
    return gw.call("GET", "/api/v1/notifications?channel=" + channel + "&approval_id=" + id, viewer, null).json()
      .getJsonArray("items");
  }

  @Test
  void aNewRequestIsEmailedToTheRecipientsAfterATemporarySmtpFailureAndItsDecisionIsNot() {
    smtp.refuseNext("451 4.3.0 try again later");
    String id = create("MAIL.NEW");
    FakeSmtpServer.Message m = smtp.await(x -> x.data().contains(id), 1, WAIT).get(0);
    assertThat(m.from()).isEqualTo("hitl@desk.example.com");
    assertThat(m.to()).containsExactlyInAnyOrderElementsOf(RECIPIENTS);
    assertThat(m.header("Subject")).isEqualTo("[HITL] Approval required: BUY 100 MAIL.NEW (" + id + ")");
    String body = m.decoded();
    assertThat(body).contains("A request awaits a decision.", "Ticker: MAIL.NEW", "Price: 2850.5",
      "https://hitl.example.com/console/#/approvals/" + id, "text/html", "<th align=\"left\">Ticker</th>");
    assertThat(body).doesNotContain("xoxb-test-token");
    assertThat(smtp.refused()).contains("451 4.3.0 try again later");
    JsonArray sent = Poll.until(() -> jobs(id, "email"), l -> l.size() == 1 && "sent".equals(l.getJsonObject(0)
      .getString("status")), WAIT, "the email job sent");
    assertThat(sent.getJsonObject(0).getInteger("attempts")).isEqualTo(2);
    assertThat(sent.getJsonObject(0).getString("last_error")).contains("451");

    fake.await("POST", POST, c -> c.body().contains(id), 1, WAIT);
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
    fake.await("POST", "/api/chat.update", c -> c.body().contains(id), 1, WAIT);
    assertThat(jobs(id, "email")).hasSize(1);
    assertThat(smtp.messages().stream().filter(x -> x.data().contains(id))).hasSize(1);
  }

  @Test
  void aChatMessageThatFailsForGoodSendsOneFallbackEmailNamingTheRequestAndWhy() {
    String notFound = new JsonObject().put("ok", false).put("error", "channel_not_found").encode();
    fake.script(c -> c.path().equals(POST) && c.body().contains("MAIL.FAIL"), new Answer(200, Map.of(), notFound, false),
      new Answer(200, Map.of(), notFound, false));
    String id = create("MAIL.FAIL");
    FakeSmtpServer.Message m = smtp.await(x -> x.data().contains("Chat delivery failed") && x.data().contains(id), 1,
      WAIT).get(0);
    assertThat(m.to()).containsExactlyInAnyOrderElementsOf(RECIPIENTS);
    assertThat(m.header("Subject")).isEqualTo("[HITL] Chat delivery failed: BUY 100 MAIL.FAIL (" + id + ")");
    assertThat(m.decoded()).contains("The Slack message for this request could not be delivered",
      "channel_not_found", "The request still awaits a decision", "https://hitl.example.com/console/#/approvals/" + id);

    // the decision fails on Slack again: still the one fallback email
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of());
    Poll.until(() -> jobs(id, "slack"), l -> l.size() == 2 && l.stream().allMatch(j -> "failed".equals(((JsonObject) j)
      .getString("status"))), WAIT, "both Slack jobs failed");
    Poll.until(() -> jobs(id, "email"), l -> l.stream().allMatch(j -> "sent".equals(((JsonObject) j)
      .getString("status"))) && l.size() == 2, WAIT, "the new-request email and the one fallback sent");
    assertThat(smtp.messages().stream().filter(x -> x.data().contains("Chat delivery failed") && x.data().contains(id)))
      .hasSize(1);
  }
}
