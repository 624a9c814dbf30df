package io.hitl.gateway.expiry;

import static io.hitl.gateway.expiry.ExpiryTesting.sweep;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.FakeSmtpServer;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The deadline warning, escalations and reminders reach the email addresses among a request's escalation targets. */
class EscalationEmailTest {
  static final Duration WAIT = Duration.ofSeconds(30);
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
    .with("HITL_EMAIL_RECIPIENTS", "ops@desk.example.com")
    .with("HITL_PUBLIC_URL", "https://hitl.example.com")
    .with("HITL_CHAT_IDENTITIES", "alice=slack:U0ALICE")
    .with("HITL_NOTIFY_POLL_MS", "200")
    .with("HITL_EXPIRY_SWEEP_SECONDS", "3600")
    .closeAfter(fake).closeAfter(smtp);
  static final String engine = gw.token("engine-1", "submitter");
  static final String viewer = gw.token("vic", "viewer");

  @Test
  void theWarningAndTheEscalationAreMailedToTheTargetsAddressesOnly() {
    String id = create("ESCM.T", Map.of("timeout_seconds", 120, "escalate_before_seconds", 30,
      "timeout_action", "escalate", "max_escalation_level", 2, "escalation_extension_seconds", 120,
      "escalation_targets", List.of("alice", "risk-desk@desk.example.com", "desk-head")));
    smtp.await(m -> m.data().contains(id), 1, WAIT);

    gw.clock().advance(Duration.ofSeconds(91));
    sweep(gw.get());
    FakeSmtpServer.Message warning = smtp.await(m -> m.data().contains(id) && m.data().contains("Deadline warning"), 1,
      WAIT).get(0);
    assertThat(warning.to()).containsExactly("risk-desk@desk.example.com");
    assertThat(warning.header("Subject")).isEqualTo("[HITL] Deadline warning: BUY 100 ESCM.T (" + id + ")");
    assertThat(warning.decoded()).contains("The deadline has not moved.")
      .contains("Attention: risk-desk@desk.example.com, desk-head")
      .contains("https://hitl.example.com/console/#/approvals/" + id).doesNotContain("Escalated to level");

    gw.clock().advance(Duration.ofSeconds(30));
    sweep(gw.get());
    FakeSmtpServer.Message escalated = smtp.await(m -> m.data().contains(id) && m.data().contains("Escalated to level 1"),
      1, WAIT).get(0);
    assertThat(escalated.to()).containsExactly("risk-desk@desk.example.com");
    assertThat(escalated.header("Subject")).isEqualTo("[HITL] Escalated to level 1: BUY 100 ESCM.T (" + id + ")");
    assertThat(escalated.decoded()).contains("the deadline moved from");
    assertThat(smtp.messages().stream().filter(m -> m.data().contains(id) && m.to().contains("ops@desk.example.com")))
      .as("the recipients of new requests get the new request only").hasSize(1);
  }

  @Test
  void aReminderForTargetsWithoutAnAddressMailsNobody() {
    String id = create("REMM.T", Map.of("timeout_seconds", 900, "reminder_interval_seconds", 60,
      "escalation_targets", List.of("alice")));
    smtp.await(m -> m.data().contains(id), 1, WAIT);
    gw.clock().advance(Duration.ofSeconds(61));
    sweep(gw.get());
    fake.await("POST", "/api/chat.postMessage", c -> c.body().contains(id) && c.body().contains("Reminder"), 1, WAIT);
    JsonArray jobs = Poll.until(() -> gw.call("GET", "/api/v1/notifications?channel=email&approval_id=" + id, viewer,
      null).json().getJsonArray("items"), l -> l.size() == 2 && l.stream().allMatch(j -> "sent".equals(((JsonObject) j)
      .getString("status"))), WAIT, "the new-request and reminder email jobs done");
    assertThat(jobs.stream().map(j -> ((JsonObject) j).getString("kind"))).containsExactlyInAnyOrder("created",
      "reminder");
    assertThat(smtp.messages().stream().filter(m -> m.data().contains(id))).as("only the new request was mailed")
      .hasSize(1);
  }

  static String create(String ticker, Map<String, Object> extra) {
    gw.quote(ticker, "2850", "2851");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine,
      TestGateway.trade().put("ticker", ticker).mergeIn(new JsonObject(extra)));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }
}
