package io.hitl.gateway.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.FakeChatApi;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The notifier claims when a commit that wrote outbox jobs wakes it, not on every event: with the poll set to a
 * minute, a new request's Slack message still goes out at once, and changes that write no job cost no claim.
 */
class NotifierWakeTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String POLL_MS = "60000";
  static final FakeChatApi fake = new FakeChatApi();
  @RegisterExtension
  static final GatewayExtension slack = GatewayExtension.embedded()
    .with("SLACK_BOT_TOKEN", "xoxb-test-token")
    .with("SLACK_CHANNEL", "C0APPROVALS")
    .with("SLACK_API_BASE_URL", fake.url() + "/api")
    .with("HITL_PUBLIC_URL", "https://hitl.example.com")
    .with("HITL_NOTIFY_POLL_MS", POLL_MS)
    .closeAfter(fake);
  @RegisterExtension
  static final GatewayExtension quiet = GatewayExtension.embedded().with("HITL_NOTIFY_POLL_MS", POLL_MS);

  @Test
  void aCommitThatWroteJobsWakesTheNotifierWithoutWaitingForThePoll() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(create(slack.get(), "WAKE" + i + ".T"));
      String id = ids.get(i);
      // one at a time: each post must come from the wake of its own create's commit
      fake.await("POST", "/api/chat.postMessage", c -> c.body().contains(id), 1, WAIT);
    }
    Response approved = slack.get().call("POST", "/api/v1/approvals/" + ids.get(0) + "/approve",
      slack.get().token("alice", "approver"), Map.of());
    assertThat(approved.status()).isEqualTo(200);
    // the decision's message update is a job of the decision's own commit
    fake.await("POST", "/api/chat.update", c -> c.body().contains(ids.get(0)), 1, WAIT);
    assertThat(claims(slack.get(), "jobs")).isGreaterThanOrEqualTo(4);
  }

  @Test
  void changesThatWriteNoJobsCostNoClaim() {
    TestGateway g = quiet.get();
    double before = claims(g, "jobs") + claims(g, "empty");
    String alice = g.token("alice", "approver");
    for (int i = 0; i < 20; i++) {
      String id = create(g, "QUIET" + i + ".T");
      assertThat(g.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of()).status()).isEqualTo(200);
    }
    // 40 commits, none with a job: woken by every event, the notifier claimed about 40 times here
    assertThat(claims(g, "jobs") + claims(g, "empty") - before).isLessThanOrEqualTo(2);
    assertThat(claims(g, "jobs")).isZero();
  }

  private static String create(TestGateway g, String ticker) {
    g.quote(ticker, "2850", "2851");
    Response r = g.call("POST", "/api/v1/approvals/trade", g.token("engine-1", "submitter"),
      TestGateway.trade().put("ticker", ticker));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  /** This node's {@code hitl_outbox_claims_total} of {@code result}, as /metrics shows it. */
  private static double claims(TestGateway g, String result) {
    Response r = g.call("GET", "/metrics", null, null);
    assertThat(r.status()).isEqualTo(200);
    Matcher m = Pattern.compile("(?m)^hitl_outbox_claims_total\\{[^}]*result=\"" + result + "\"[^}]*\\} (\\S+)$")
      .matcher(r.body());
    assertThat(m.find()).as("hitl_outbox_claims_total{result=%s} in %s", result, r.body().length()).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
