package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.ext.mail.SMTPException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmailMessagesTest {
  static final String CONSOLE = "https://hitl.example.com/console/#/approvals/r-1";

  private static MessageFacts facts(String title, String status) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("request_id", "r-1");
    view.put("type", "CONFIG_UPDATE");
    view.put("title", title);
    view.put("status", status);
    view.put("requested_by", "engine-1");
    view.put("expires_at", "2026-11-21T15:00:00Z");
    view.put("context", Map.of("setting", "max_position", "reason", "limit <raised> & checked"));
    if (!status.equals("pending")) {
      view.put("decided_by", "alice");
      view.put("decision_channel", "api");
    }
    return MessageFacts.of(view);
  }

  @Test
  void userTextIsEscapedInTheHtmlPartAndKeptInThePlainPart() {
    EmailMessages.Mail m = EmailMessages.newRequest(facts("Raise <b>limit</b> & \"more\"", "pending"), CONSOLE);
    assertThat(m.subject()).isEqualTo("[HITL] Approval required: Raise <b>limit</b> & \"more\" (r-1)");
    assertThat(m.text()).contains("Reason: limit <raised> & checked", "Requested by: engine-1", CONSOLE);
    assertThat(m.html()).contains("limit &lt;raised&gt; &amp; checked", "<a href=\"" + CONSOLE + "\">")
      .doesNotContain("<b>limit</b>").doesNotContain("<raised>");
  }

  @Test
  void theFallbackNamesTheChannelTheErrorAndTheStateOfTheRequest() {
    EmailMessages.Mail pending = EmailMessages.chatFailed(facts("Raise limit", "pending"), CONSOLE, "discord",
      "discord: HTTP 403 Missing Access");
    assertThat(pending.subject()).isEqualTo("[HITL] Chat delivery failed: Raise limit (r-1)");
    assertThat(pending.text()).contains("The Discord message for this request could not be delivered: discord: HTTP 403",
      "still awaits a decision", CONSOLE);
    EmailMessages.Mail decided = EmailMessages.chatFailed(facts("Raise limit", "approved"), CONSOLE, "slack", null);
    assertThat(decided.text()).contains("could not be delivered.", "The request is now approved: Approved by alice via API");
    assertThat(EmailMessages.newRequest(facts("line\r\nBcc: x@evil.example", "pending"), CONSOLE).subject())
      .doesNotContain("\r").doesNotContain("\n");
  }

  @Test
  void smtpTemporaryRepliesAndTransportTroubleAreRetriedPermanentRepliesAreNot() {
    assertThat(Deliveries.smtpOutcome(new SMTPException("x", 451, List.of("451 4.3.0 try again later"), true)))
      .satisfies(o -> {
        assertThat(o.kind()).isEqualTo(Outcome.Kind.RETRY);
        assertThat(o.error()).isEqualTo("email: SMTP 451 4.3.0 try again later");
      });
    assertThat(Deliveries.smtpOutcome(new SMTPException("x", 554, List.of("554 5.7.1 relay denied"), true)).kind())
      .isEqualTo(Outcome.Kind.FAILED);
    assertThat(Deliveries.smtpOutcome(new IOException("Connection refused")).kind()).isEqualTo(Outcome.Kind.RETRY);
  }
}
