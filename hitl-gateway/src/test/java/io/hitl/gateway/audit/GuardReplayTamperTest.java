package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The guard tables are projections of the journal: each edit made directly in PostgreSQL is named by verify. */
class GuardReplayTamperTest {
  TestGateway gw;
  String admin;
  String engine;
  String alice;

  @BeforeEach
  void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_GUARDIAN_POLL_SECONDS", "1"));
    admin = gw.token("carol", "admin", "viewer");
    engine = gw.token("engine-1", "submitter");
    alice = gw.token("alice", "approver", "viewer");
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  void sql(String... statements) throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      for (String st : statements) {
        s.execute(st);
      }
    }
  }

  JsonObject verify() {
    Response r = gw.call("GET", "/api/v1/audit/verify", alice, null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  static List<JsonObject> differences(JsonObject report) {
    JsonArray a = report.getJsonObject("guards").getJsonArray("differences");
    return a.stream().map(JsonObject.class::cast).toList();
  }

  @Test
  void guardChangesThroughTheGatewayReplayExactly() {
    gw.call("POST", "/api/v1/guardian/lock", admin, Map.of("reason", "drill"));
    gw.call("POST", "/api/v1/guardian/unlock", admin, Map.of("reason", "drill over"));
    String id = gw.call("POST", "/api/v1/lockouts", admin, Map.of("ticker", "AAPL", "reason", "earnings",
      "duration_seconds", 600)).json().getString("id");
    gw.call("POST", "/api/v1/lockouts", admin, Map.of("ticker", "MSFT", "reason", "news", "duration_seconds", 60));
    gw.call("DELETE", "/api/v1/lockouts/" + id + "?reason=done", admin, null);
    assertThat(gw.call("PUT", "/api/v1/settings/approval", admin, Map.of("trading_mode", "paper",
      "auto_approve_paper", true)).status()).isEqualTo(200);
    assertThat(gw.call("PUT", "/api/v1/policies", admin, new JsonObject().put("policies", new JsonArray())
      .put("default", new JsonObject().put("required_approvals", 2))).status()).isEqualTo(201);
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).as(report.encodePrettily()).isTrue();
    assertThat(report.getJsonObject("guards").getBoolean("replayed")).isTrue();
  }

  @Test
  void aGuardianRowFlippedToUnlockedIsNamedRefusedAndAlerted() throws Exception {
    gw.call("POST", "/api/v1/guardian/lock", admin, Map.of("reason", "market halt"));
    sql("UPDATE guardian_state SET state = 'UNLOCKED', source = 'manual', reason = 'ok' WHERE id = 1");

    List<JsonObject> d = differences(verify());
    assertThat(d).anySatisfy(x -> {
      assertThat(x.getString("table")).isEqualTo("guardian_state");
      assertThat(x.getString("field")).isEqualTo("state");
      assertThat(x.getString("expected")).isEqualTo("LOCKED");
      assertThat(x.getString("found")).isEqualTo("UNLOCKED");
      assertThat(x.getLong("journal_seq")).isNotNull();
    });

    Response created = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    assertThat(created.status()).isEqualTo(423);
    assertThat(created.json().getString("code")).isEqualTo("SEC-020");
    JsonObject guardian = gw.call("GET", "/api/v1/guardian", admin, null).json();
    assertThat(guardian.getString("state")).isEqualTo("locked");
    assertThat(guardian.getString("reason")).contains("Integrity failure");

    Poll.until(() -> gw.call("GET", "/api/v1/audit?limit=50", alice, null).json().getJsonArray("entries").stream()
        .map(JsonObject.class::cast).filter(e -> e.getString("action").equals("guardian_integrity_failure")).count(),
      n -> n >= 1, Duration.ofSeconds(20), "the integrity alert");
  }

  @Test
  void aDecisionIsRefusedWhileTheGuardianRowDisagreesWithTheJournal() throws Exception {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    sql("UPDATE guardian_state SET changed_by = 'mallory' WHERE id = 1");
    Response r = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    assertThat(r.status()).isEqualTo(423);
    assertThat(r.json().getString("code")).isEqualTo("SEC-020");
    assertThat(differences(verify())).anySatisfy(x -> assertThat(x.getString("field")).isEqualTo("changed_by"));
  }

  @Test
  void scopedSwitchesEngagedAndReleasedThroughTheGatewayReplayExactly() {
    String rejected = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("venue", "XNAS"))
      .json().getString("request_id");
    String id = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "venue", "value", "XNAS",
      "reason", "venue outage")).json().getString("id");
    gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "symbol", "value", "AAPL", "reason", "halt"));
    gw.call("DELETE", "/api/v1/switches/" + id + "?reason=venue%20back", admin, null);
    assertThat(gw.call("GET", "/api/v1/approvals/" + rejected, admin, null).json().getString("decision_reason"))
      .isEqualTo("SCOPED_SWITCH");
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).as(report.encodePrettily()).isTrue();
  }

  @Test
  void aSwitchReleasedOrRewordedInTheTableIsNamed() throws Exception {
    String id = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "account", "value", "A-7",
      "reason", "breach")).json().getString("id");
    sql("UPDATE scoped_switches SET lifted_at = now(), lifted_by = 'mallory' WHERE id = '" + id + "'",
      "UPDATE scoped_switches SET reason = 'routine' WHERE id = '" + id + "'");

    List<JsonObject> d = differences(verify());
    assertThat(d).anySatisfy(x -> {
      assertThat(x.getString("table")).isEqualTo("scoped_switches");
      assertThat(x.getString("id")).isEqualTo(id);
      assertThat(x.getString("field")).isEqualTo("lifted_by");
      assertThat(x.getString("expected")).isNull();
      assertThat(x.getString("found")).isEqualTo("mallory");
    });
    assertThat(d).anySatisfy(x -> {
      assertThat(x.getString("field")).isEqualTo("reason");
      assertThat(x.getString("expected")).isEqualTo("breach");
      assertThat(x.getString("found")).isEqualTo("routine");
    });
  }

  @Test
  void aDeletedLockoutIsNamed() throws Exception {
    String id = gw.call("POST", "/api/v1/lockouts", admin, Map.of("ticker", "AAPL", "reason", "earnings",
      "duration_seconds", 600)).json().getString("id");
    sql("DELETE FROM symbol_lockouts WHERE id = '" + id + "'");
    assertThat(differences(verify())).anySatisfy(x -> {
      assertThat(x.getString("table")).isEqualTo("symbol_lockouts");
      assertThat(x.getString("id")).isEqualTo(id);
      assertThat(x.getString("field")).isEqualTo("row");
      assertThat(x.getString("found")).isNull();
    });
  }

  @Test
  void aLockoutInsertedWithoutHistoryIsNamed() throws Exception {
    sql("INSERT INTO symbol_lockouts (id, ticker, reason, source, created_by, created_at, until) VALUES "
      + "('00000000-0000-0000-0000-000000000042', 'TSLA', 'x', 'manual', 'mallory', now(), now() + interval '1 day')");
    assertThat(differences(verify())).anySatisfy(x -> {
      assertThat(x.getString("id")).isEqualTo("00000000-0000-0000-0000-000000000042");
      assertThat(x.getString("expected")).isNull();
      assertThat(x.getValue("journal_seq")).isNull();
    });
  }

  @Test
  void aChangedSettingIsNamed() throws Exception {
    gw.call("PUT", "/api/v1/settings/approval", admin, Map.of("trading_mode", "paper"));
    sql("UPDATE approval_settings SET auto_approve_paper = true WHERE id = 1");
    assertThat(differences(verify())).anySatisfy(x -> {
      assertThat(x.getString("table")).isEqualTo("approval_settings");
      assertThat(x.getString("field")).isEqualTo("auto_approve_paper");
      assertThat(x.getString("expected")).isEqualTo("false");
      assertThat(x.getString("found")).isEqualTo("true");
    });
  }

  @Test
  void anEditedPolicyRowIsNamed() throws Exception {
    assertThat(gw.call("PUT", "/api/v1/policies", admin, new JsonObject().put("policies", new JsonArray())
      .put("default", new JsonObject().put("required_approvals", 2))).status()).isEqualTo(201);
    sql("ALTER TABLE policies DISABLE TRIGGER policies_no_update_delete",
      "UPDATE policies SET document = jsonb_set(document, '{default,required_approvals}', '1') WHERE version = 1");
    assertThat(differences(verify())).anySatisfy(x -> {
      assertThat(x.getString("table")).isEqualTo("policies");
      assertThat(x.getString("id")).isEqualTo("1");
      assertThat(x.getString("field")).isEqualTo("document");
    });
  }

  /**
   * A window's kept seconds lowered behind the gateway's back let an order past a cap of two: verify names
   * the second with the figures the counted orders give.
   */
  @Test
  void aLoweredWindowTotalLetsAnOrderPastItsCapAndIsNamed() throws Exception {
    twoOrdersUnderACapOfTwo();
    Response third = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("quantity", 3));
    assertThat(third.status()).as("no one may override this cap").isEqualTo(409);
    assertThat(third.json().getString("code")).isEqualTo("SEC-052");
    JsonObject clean = verify();
    assertThat(clean.getBoolean("valid")).as(clean.encodePrettily()).isTrue();

    sql("UPDATE pretrade_window_seconds SET orders = 0 WHERE window_key = 'strategy:momentum'");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("quantity", 4)).status())
      .as("the gateway trusts its kept totals").isEqualTo(201);
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).isFalse();
    List<JsonObject> kept = differences(report).stream()
      .filter(x -> x.getString("table").equals("pretrade_window_seconds")).toList();
    assertThat(kept).isNotEmpty().allSatisfy(x -> {
      assertThat(x.getString("id")).startsWith("strategy:momentum@");
      assertThat(x.getString("field")).isEqualTo("orders");
    });
    assertThat(kept.stream().mapToLong(x -> Long.parseLong(x.getString("expected")) - Long.parseLong(x.getString("found")))
      .sum()).as("the two orders the edit hid").isEqualTo(2);
  }

  /**
   * The counted orders are checked against the journal: a row deleted with its kept second lowered to match (so
   * the window totals agree with the rows), a row back-dated out of its window and a forged row are each named,
   * and the deletion is shown to let an order past a cap of two first.
   */
  @Test
  void aDeletedBackDatedOrForgedCountedOrderIsNamedAgainstTheJournal() throws Exception {
    String[] ids = twoOrdersUnderACapOfTwo();
    JsonObject clean = verify();
    assertThat(clean.getBoolean("valid")).as(clean.encodePrettily()).isTrue();

    sql("WITH o AS (DELETE FROM pretrade_orders WHERE approval_id = '" + ids[0] + "' RETURNING *) "
      + "UPDATE pretrade_window_seconds w SET orders = w.orders - 1, notional = w.notional - coalesce(o.notional, 0) "
      + "FROM o WHERE w.window_key = o.strategy_key AND w.second = floor(extract(epoch FROM o.counted_at))::bigint");
    assertThat(gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("quantity", 3)).status())
      .as("the window lost an order: a third fits under the cap of two").isEqualTo(201);
    JsonObject deleted = verify();
    assertThat(deleted.getBoolean("valid")).isFalse();
    assertThat(differences(deleted)).as("the kept seconds agree with the rows left").isEmpty();
    assertThat(counted(deleted, ids[0])).containsExactly("(row)=present/absent");

    sql("UPDATE pretrade_orders SET counted_at = counted_at - interval '1 hour' WHERE approval_id = '" + ids[1] + "'",
      "INSERT INTO pretrade_orders (approval_id, counted_at, strategy_key, account_key, duplicate_key, notional) "
        + "VALUES ('00000000-0000-4000-8000-000000000001', now(), 'strategy:momentum', 'account:-', 'forged', 1)");
    JsonObject report = verify();
    assertThat(counted(report, ids[1])).singleElement().asString().startsWith("counted_at=");
    assertThat(counted(report, "00000000-0000-4000-8000-000000000001")).containsExactly("(row)=absent/present");
  }

  /** What verify names about the counted order of request {@code id}: field=expected/found. */
  static List<String> counted(JsonObject report, String id) {
    return report.getJsonObject("replay").getJsonArray("mismatches").stream().map(JsonObject.class::cast)
      .filter(m -> m.getString("table").equals("pretrade_orders") && m.getString("id").equals(id))
      .map(m -> m.getString("field") + "=" + (m.getString("field").equals("(row)")
        ? m.getString("expected") + "/" + m.getString("found") : m.getString("expected"))).toList();
  }

  /** Policy "capped" (7203.T, at most 2 orders per strategy in 600 s), then two orders of the test trade's strategy. */
  String[] twoOrdersUnderACapOfTwo() {
    JsonObject cap = new JsonObject().put("rolling", new JsonArray().add(new JsonObject().put("per", "strategy")
      .put("window_seconds", 600).put("max_orders", 2)));
    assertThat(gw.call("PUT", "/api/v1/policies", admin, new JsonObject().put("policies", new JsonArray()
      .add(new JsonObject().put("name", "capped").put("match", new JsonObject().put("tickers", new JsonArray()
        .add("7203.T"))).put("limits", cap))).put("default", new JsonObject())).status()).isEqualTo(201);
    String[] ids = new String[2];
    for (int i = 0; i < 2; i++) {
      Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("quantity", i + 1));
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids[i] = r.json().getString("request_id");
    }
    return ids;
  }
}
