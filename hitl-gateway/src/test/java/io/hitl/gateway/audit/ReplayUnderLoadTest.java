package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A journal written by the real gateway under concurrent load replays to exactly its approvals and votes. */
class ReplayUnderLoadTest {
  static final int REQUESTS = 40;
  TestGateway gw;

  @BeforeEach
  void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  @Test
  void concurrentCreatesQuorumVotesAndExpiriesReplayToEveryTable() {
    String engine = gw.token("engine-1", "submitter");
    String admin = gw.token("root", "admin", "viewer");
    JsonObject two = new JsonObject().put("name", "two-of-n").put("match", new JsonObject()
      .put("tickers", new JsonArray().add("TWO"))).put("required_approvals", 2);
    assertThat(gw.call("PUT", "/api/v1/policies", admin, new JsonObject().put("policies", new JsonArray().add(two))
      .put("default", new JsonObject())).status()).isEqualTo(201);
    gw.quote("TWO", "2850.4", "2850.6");

    List<CompletableFuture<Response>> creates = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      JsonObject trade = TestGateway.trade().put("ticker", i % 2 == 0 ? "TWO" : "7203.T")
        .put("timeout_seconds", i % 4 == 1 ? 60 : 600);
      creates.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine, trade, Map.of()));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<Response> f : creates) {
      Response r = f.join();
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("request_id"));
    }

    // every request gets racing decisions from three approvers at once: votes, quorums, vetoes, duplicates
    List<CompletableFuture<Response>> decisions = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      if (i % 4 == 1) {
        continue;
      }
      for (String who : List.of("alice", "bob", "carol")) {
        String verb = i % 3 == 0 && who.equals("carol") ? "reject" : "approve";
        decisions.add(gw.callAsync("POST", "/api/v1/approvals/" + ids.get(i) + "/" + verb,
          gw.token(who, "approver", "viewer"), Map.of("comment", who + " on " + i), Map.of()));
      }
    }
    decisions.forEach(CompletableFuture::join);
    gw.clock.advance(Duration.ofSeconds(61));
    Response cleaned = gw.call("POST", "/api/v1/approvals/cleanup", admin, null);
    assertThat(cleaned.status()).as(cleaned.body()).isEqualTo(200);

    JsonObject report = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(report.getBoolean("valid")).as(report.encodePrettily()).isTrue();
    assertThat(report.getJsonObject("replay").getLong("approvals_replayed")).isEqualTo((long) REQUESTS);
    long expired = ids.stream().filter(id -> gw.call("GET", "/api/v1/approvals/" + id, admin, null).json()
      .getString("status").equals("expired")).count();
    assertThat(expired).isEqualTo(REQUESTS / 4);
  }
}
