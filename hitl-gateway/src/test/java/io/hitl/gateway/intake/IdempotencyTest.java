package io.hitl.gateway.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
  void concurrentDuplicatesCreateExactlyOneRequestAndTheRestAreRetriesOrInFlight() {
    List<CompletableFuture<Response>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
        Map.of("Idempotency-Key", "race-key")));
    }
    Set<String> ids = new HashSet<>();
    int created = 0;
    for (CompletableFuture<Response> c : calls) {
      Response r = c.join();
      assertThat(r.status()).as(r.body()).isIn(200, 201, 409);
      if (r.status() == 409) {
        assertThat(r.json().getString("code")).isEqualTo("SEC-015");
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        continue;
      }
      created += r.status() == 201 ? 1 : 0;
      ids.add(r.json().getString("request_id"));
    }
    assertThat(ids).hasSize(1);
    assertThat(created).isEqualTo(1);
    JsonArray trail = gw.call("GET", "/api/v1/audit?approval_id=" + ids.iterator().next(), viewer, null).json()
      .getJsonArray("entries");
    assertThat(trail.stream().filter(e -> ((JsonObject) e).getString("action").equals("created"))).hasSize(1);
    assertThat(rowsWith("idempotency_key = 'race-key'")).isEqualTo(1);
  }

  @Test
  void theSameKeyWithADifferentBodyIsRefusedAndChangesNothing() {
    Response first = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
      Map.of("Idempotency-Key", "k-body"));
    assertThat(first.status()).isEqualTo(201);
    Response other = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("quantity", "200"),
      Map.of("Idempotency-Key", "k-body"));
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.header("Content-Type")).startsWith("application/problem+json");
    assertThat(other.json().getString("code")).isEqualTo("SEC-014");
    assertThat(other.json().containsKey("request_id")).isFalse();
    assertThat(rowsWith("idempotency_key = 'k-body'")).isEqualTo(1);
    // key order and white space are not part of the request: the same body in another order is a retry
    JsonObject reordered = new JsonObject();
    List<String> keys = new ArrayList<>(TestGateway.trade().fieldNames());
    java.util.Collections.reverse(keys);
    keys.forEach(k -> reordered.put(k, TestGateway.trade().getValue(k)));
    Response retry = gw.call("POST", "/api/v1/approvals/trade", engine, "  " + reordered.encodePrettily(),
      Map.of("Idempotency-Key", "k-body"));
    assertThat(retry.status()).as(retry.body()).isEqualTo(200);
    assertThat(retry.json().getString("request_id")).isEqualTo(first.json().getString("request_id"));
  }

  @Test
  void aTradeIdOfAnotherSubmitterIsRefusedWithoutRevealingTheirRequest() {
    JsonObject body = TestGateway.trade().put("trade_id", "T-OWNED-1");
    Response mine = gw.call("POST", "/api/v1/approvals/trade", engine, body);
    assertThat(mine.status()).isEqualTo(201);
    String intruder = gw.token("engine-9", "submitter");
    Response theirs = gw.call("POST", "/api/v1/approvals/trade", intruder, body);
    assertThat(theirs.status()).isEqualTo(409);
    assertThat(theirs.json().getString("code")).isEqualTo("SEC-016");
    String id = mine.json().getString("request_id");
    assertThat(theirs.body()).doesNotContain(id).doesNotContain("pending").doesNotContain("engine-1")
      .doesNotContain("7203.T");
    assertThat(theirs.header("Location")).isNull();
    assertThat(gw.call("POST", "/api/v1/approvals/trade", intruder, body, Map.of("Idempotency-Key", "t-1")).status())
      .isEqualTo(409);
    assertThat(rowsWith("trade_id = 'T-OWNED-1'")).isEqualTo(1);
    assertThat(rowsWith("requested_by = 'engine-9'")).isZero();
  }

  @Test
  void theSameTradeIdWithADifferentBodyFromItsOwnSubmitterIsRefused() {
    Response first = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("trade_id", "T-2002"));
    assertThat(first.status()).isEqualTo(201);
    Response changed = gw.call("POST", "/api/v1/approvals/trade", engine,
      TestGateway.trade().put("trade_id", "T-2002").put("price", "2900"));
    assertThat(changed.status()).isEqualTo(422);
    assertThat(changed.json().getString("code")).isEqualTo("SEC-014");
  }

  @Test
  void aRequestStoredWithoutAFingerprintIsStillFoundByItsKey() throws Exception {
    Response first = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
      Map.of("Idempotency-Key", "k-legacy"));
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement()) {
      s.execute("UPDATE approvals SET request_hash = NULL WHERE idempotency_key = 'k-legacy'");
    }
    Response retry = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("quantity", "300"),
      Map.of("Idempotency-Key", "k-legacy"));
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().getString("request_id")).isEqualTo(first.json().getString("request_id"));
  }

  @Test
  void batchesFollowTheSameRules() {
    JsonObject batch = new JsonObject().put("ticker", "7203.T").put("trades", new JsonArray()
      .add(new JsonObject().put("action", "BUY").put("quantity", "10").put("price", "2850"))
      .add(new JsonObject().put("action", "SELL").put("quantity", "5").put("price", "2851")));
    Response first = gw.call("POST", "/api/v1/approvals/trade/batch", engine, batch, Map.of("Idempotency-Key", "b-1"));
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    Response retry = gw.call("POST", "/api/v1/approvals/trade/batch", engine, batch, Map.of("Idempotency-Key", "b-1"));
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.json().getString("request_id")).isEqualTo(first.json().getString("request_id"));
    JsonObject changed = batch.copy();
    changed.getJsonArray("trades").getJsonObject(1).put("quantity", "6");
    Response other = gw.call("POST", "/api/v1/approvals/trade/batch", engine, changed,
      Map.of("Idempotency-Key", "b-1"));
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.json().getString("code")).isEqualTo("SEC-014");
  }

  @Test
  void eventBusCreatesFollowTheSameRules() throws Exception {
    JsonObject body = TestGateway.trade().put("type", "TRADE_EXECUTION");
    JsonObject first = busCreate(body, "bus-1");
    assertThat(first.getBoolean("created")).isTrue();
    JsonObject again = busCreate(body, "bus-1");
    assertThat(again.getBoolean("created")).isFalse();
    assertThat(again.getJsonObject("approval").getString("request_id"))
      .isEqualTo(first.getJsonObject("approval").getString("request_id"));
    GatewayException refused = BusErrors.decode(gw.gateway().vertx().eventBus().request(Addresses.APPROVALS_CREATE,
        body.copy().put("quantity", "7"), busOptions("bus-1")).toCompletionStage().toCompletableFuture()
      .handle((ok, err) -> err).get(20, TimeUnit.SECONDS));
    assertThat(refused.code()).isEqualTo(ErrorCode.SEC_014);
  }

  private static JsonObject busCreate(JsonObject body, String key) throws Exception {
    return gw.gateway().vertx().eventBus().<JsonObject>request(Addresses.APPROVALS_CREATE, body, busOptions(key))
      .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).body();
  }

  private static DeliveryOptions busOptions(String key) {
    return BusActor.options(new Actor("engine-bus", EnumSet.of(Role.SUBMITTER)), "corr-bus")
      .addHeader(Headers.IDEMPOTENCY_KEY, key);
  }

  private static long rowsWith(String where) {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM approvals WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void idempotencyKeysAreValidated() {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(),
      Map.of("Idempotency-Key", "x".repeat(200)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().getJsonObject("errors").getString("Idempotency-Key")).contains("printable ASCII");
  }
}
