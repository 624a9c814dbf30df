package io.hitl.gateway.switches;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A switch row changed behind the gateway's back (lifted, deleted, edited or inserted in SQL) disagrees with its
 * last journal entry; a create on that scope fails closed with SEC-072 naming the integrity failure, and only an
 * explicit engage and release through the gateway clears it.
 */
class ScopedSwitchTamperTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String admin = gw.token("carol", "admin");

  static String engage(String account) {
    Response r = gw.call("POST", "/api/v1/switches", admin, Map.of("scope", "account", "value", account, "reason",
      "suspected runaway"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("id");
  }

  static void release(String id) {
    Response r = gw.call("POST", "/api/v1/switches/" + id + "/release", admin, Map.of("reason", "cleared"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static Response create(String account, String tradeId) {
    return gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("account", account)
      .put("trade_id", tradeId));
  }

  static void sql(String statement) throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  static long count(String sql) throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Refused as tampered, nothing committed for the trade. */
  static void refusedAsTampered(String account, String tradeId, String field) throws Exception {
    Response r = create(account, tradeId);
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getString("code")).isEqualTo("SEC-072");
    assertThat(p.getString("detail")).contains("Integrity failure").contains("account " + account);
    assertThat(p.getString("scope")).isEqualTo("account");
    assertThat(p.getString("value")).isEqualTo(account);
    assertThat(p.getString("integrity_failure")).contains(field);
    assertThat(count("SELECT count(*) FROM approvals WHERE trade_id = '" + tradeId + "'")).isZero();
  }

  static void admitted(String account, String tradeId) {
    Response r = create(account, tradeId);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @Test
  void aSwitchLiftedInSqlStillStopsItsScopeUntilAnAdminEngagesAndReleasesIt() throws Exception {
    String id = engage("T-1");
    sql("UPDATE scoped_switches SET lifted_at = now(), lifted_by = 'dba', lift_reason = 'x' WHERE id = '" + id + "'");
    assertThat(gw.call("GET", "/api/v1/switches", admin, null).json().getJsonArray("items").encode())
      .doesNotContain(id);

    refusedAsTampered("T-1", "tamper-lift-1", "row");
    admitted("T-1b", "tamper-lift-other");

    release(engage("T-1"));
    admitted("T-1", "tamper-lift-2");
  }

  @Test
  void aSwitchDeletedInSqlStillStopsItsScope() throws Exception {
    String id = engage("T-2");
    sql("DELETE FROM scoped_switches WHERE id = '" + id + "'");
    refusedAsTampered("T-2", "tamper-delete-1", "row");
    release(engage("T-2"));
    admitted("T-2", "tamper-delete-2");
  }

  @Test
  void anEngagedSwitchWhoseFieldsWereEditedIsReportedAsTampered() throws Exception {
    String id = engage("T-3");
    sql("UPDATE scoped_switches SET reason = 'nothing to see' WHERE id = '" + id + "'");
    refusedAsTampered("T-3", "tamper-edit-1", "reason");
    release(id);
    admitted("T-3", "tamper-edit-2");
  }

  @Test
  void aSwitchInsertedInSqlWithoutHistoryIsReportedAsTampered() throws Exception {
    UUID id = UUID.randomUUID();
    sql("INSERT INTO scoped_switches (id, scope_kind, scope_value, reason, set_by, set_at, rejected) VALUES ('" + id
      + "', 'account', 'T-4', 'manual', 'dba', now(), 0)");
    refusedAsTampered("T-4", "tamper-insert-1", "lifted_at");
    release(id.toString());
    admitted("T-4", "tamper-insert-2");
  }
}
