package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IdempotencyTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String viewer = gw.token("vic", "viewer");

  @Test
  void aRetriedCreateWithTheSameIdempotencyKeyReturnsTheOriginal() {
    Response first = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(), Map.of("Idempotency-Key", "k-1"));
    Response retry = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(), Map.of("Idempotency-Key", "k-1"));
    assertThat(first.status()).isEqualTo(201);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().getString("request_id")).isEqualTo(first.json().getString("request_id"));
    assertThat(retry.json().getString("message")).contains("idempotent");
    String otherEngine = gw.token("engine-2", "submitter");
    Response sameKeyOtherRequester = gw.call("POST", "/api/v1/approvals/trade", otherEngine, TestGateway.trade(),
      Map.of("Idempotency-Key", "k-1"));
    assertThat(sameKeyOtherRequester.status()).isEqualTo(201);
  }

  @Test
  void aTradeIdIsUniqueSoARetryNeverDuplicates() {
    JsonObject body = TestGateway.trade().put("trade_id", "T-1001");
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, body).json().getString("request_id");
    Response again = gw.call("POST", "/api/v1/approvals/trade", engine, body);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().getString("request_id")).isEqualTo(id);
  }

  @Test
  void concurrentRetriesCreateExactlyOneRequest() {
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
        Map.of("Idempotency-Key", "race-key")));
    }
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (CompletableFuture<Response> c : calls) {
      Response r = c.join();
      assertThat(r.status()).isIn(200, 201);
      created += r.status() == 201 ? 1 : 0;
      ids.add(r.json().getString("request_id"));
    }
    assertThat(ids).hasSize(1);
    assertThat(created).isEqualTo(1);
    JsonArray trail = gw.call("GET", "/api/v1/audit?approval_id=" + ids.iterator().next(), viewer, null).json()
      .getJsonArray("entries");
    assertThat(trail.stream().filter(e -> ((JsonObject) e).getString("action").equals("created"))).hasSize(1);
  }

  @Test
  void idempotencyKeysAreValidated() {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
      Map.of("Idempotency-Key", "x".repeat(200)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonObject("errors").getString("Idempotency-Key")).contains("printable ASCII");
  }
}
