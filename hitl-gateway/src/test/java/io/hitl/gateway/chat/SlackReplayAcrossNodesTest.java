package io.hitl.gateway.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.SignedCalls;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The replay guard of signed Slack callbacks is one for all nodes (PostgreSQL chat_replay_guard): a
 * signature taken by one node is refused by the other, also when both receive it at the same moment.
 */
class SlackReplayAcrossNodesTest {
  static final String SECRET = "slack-signing-secret-for-replays";
  static final Map<String, String> SETTINGS = Map.of("SLACK_SIGNING_SECRET", SECRET, "HITL_NOTIFY_CHANNELS", "none");
  @RegisterExtension
  static final GatewayExtension gw1 = GatewayExtension.embedded().with(SETTINGS);
  @RegisterExtension
  static final GatewayExtension gw2 = GatewayExtension.alongside(gw1).with(SETTINGS);

  @Test
  void aSignatureTakenByOneNodeIsRefusedWithSec071ByTheOther() {
    long ts = gw1.clock().instant().getEpochSecond();
    String body = uniqueBody();
    assertThat(SignedCalls.slack(gw1.port(), SECRET, ts, body).status()).isEqualTo(200);
    Response elsewhere = SignedCalls.slack(gw2.port(), SECRET, ts, body);
    assertThat(elsewhere.status()).isEqualTo(401);
    assertThat(elsewhere.json().getString("code")).isEqualTo("SEC-071");

    String other = uniqueBody();
    assertThat(SignedCalls.slack(gw2.port(), SECRET, ts, other).status()).isEqualTo(200);
    assertThat(SignedCalls.slack(gw1.port(), SECRET, ts, other).json().getString("code")).isEqualTo("SEC-071");
  }

  @Test
  void oneSignatureSentToBothNodesAtOnceIsTakenExactlyOnce() throws Exception {
    long ts = gw1.clock().instant().getEpochSecond();
    for (int i = 0; i < 20; i++) {
      String body = uniqueBody();
      List<CompletableFuture<Response>> both = new ArrayList<>();
      for (TestGateway node : List.of(gw1.get(), gw2.get())) {
        both.add(CompletableFuture.supplyAsync(() -> SignedCalls.slack(node.port, SECRET, ts, body)));
      }
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<Response> f : both) {
        Response r = f.get();
        statuses.add(r.status());
        if (r.status() == 401) {
          assertThat(r.json().getString("code")).isEqualTo("SEC-071");
        }
      }
      assertThat(statuses).containsExactlyInAnyOrder(200, 401);
    }
  }

  /** A signed interaction with nothing to decide (Slack also sends those); unique, so its signature is new. */
  private static String uniqueBody() {
    return SignedCalls.form(new JsonObject().put("type", "view_closed").put("trigger_id", UUID.randomUUID().toString())
      .put("user", new JsonObject().put("id", "U0ALICE")).put("team", new JsonObject().put("id", "T0TEAM")));
  }
}
