package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.store.Json;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journal is the record: each tamper below is made directly in PostgreSQL as its superuser, triggers
 * disabled and the row hash recomputed with the documented algorithm, and each is named by verify's replay
 * and refused (SEC-080) on the next read or decision of that request.
 */
class ReplayTamperTest {
  TestGateway gw;
  String engine;
  String alice;
  String bob;
  String admin;

  @BeforeEach
  void start() {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
    engine = gw.token("engine-1", "submitter");
    alice = gw.token("alice", "approver", "viewer");
    bob = gw.token("bob", "approver", "viewer");
    admin = gw.token("root", "admin", "viewer");
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  void sql(String statement) throws SQLException {
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  long longOf(String query) throws SQLException {
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Recomputes a row's row_hash as the gateway does (SHA-256 over its canonical JSON), so only replay can tell. */
  void rehash(String id) throws SQLException {
    try (Connection c = TestDb.jdbc(gw.dbUrl);
        PreparedStatement q = c.prepareStatement("SELECT * FROM approvals WHERE id = ?::uuid")) {
      q.setString(1, id);
      Approval a;
      try (ResultSet r = q.executeQuery()) {
        r.next();
        a = new Approval(UUID.fromString(r.getString("id")), r.getString("type"), r.getString("title"),
          r.getString("description"), map(r.getString("context")), r.getString("trade_id"), r.getString("requested_by"),
          r.getString("correlation_id"), r.getString("idempotency_key"), map(r.getString("policy")),
          r.getString("policy_hash"), ApprovalStatus.valueOf(r.getString("status")), r.getInt("required_approvals"),
          at(r, "expires_at"), at(r, "escalate_at"), r.getInt("escalation_level"),
          r.getString("lineage_id") == null ? null : UUID.fromString(r.getString("lineage_id")), at(r, "decided_at"),
          r.getString("decided_by"), r.getString("decision_channel"), r.getString("decision_reason"),
          r.getString("decision_comment"), map(r.getString("overrides")), null, at(r, "created_at"),
          r.getLong("journal_seq"), r.getString("journal_hash"), r.getInt("row_hash_version")).withRowHash();
      }
      try (PreparedStatement u = c.prepareStatement("UPDATE approvals SET row_hash = ? WHERE id = ?::uuid")) {
        u.setString(1, a.rowHash());
        u.setString(2, id);
        u.executeUpdate();
      }
    }
  }

  static Map<String, Object> map(String json) {
    return json == null ? null : Json.plainMap(new JsonObject(json));
  }

  static Instant at(ResultSet r, String column) throws SQLException {
    OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  String create() {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  /** A trade under a policy that needs two distinct approvals. */
  String createTwoOfN() {
    JsonObject two = new JsonObject().put("name", "two-of-n").put("match", new JsonObject()
      .put("tickers", new JsonArray().add("TWO"))).put("required_approvals", 2);
    Response put = gw.call("PUT", "/api/v1/policies", admin, new JsonObject().put("policies", new JsonArray().add(two))
      .put("default", new JsonObject()));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    gw.quote("TWO", "2850.4", "2850.6");
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "TWO"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().getInteger("required_approvals")).isEqualTo(2);
    return r.json().getString("request_id");
  }

  JsonObject verify() {
    Response r = gw.call("GET", "/api/v1/audit/verify", alice, null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  /** The fields verify names for {@code id} (table, id prefix, field), after asserting the report is invalid. */
  List<String> named(JsonObject report, String id) {
    assertThat(report.getBoolean("valid")).isFalse();
    return report.getJsonObject("replay").getJsonArray("mismatches").stream().map(o -> (JsonObject) o)
      .filter(m -> m.getString("id").startsWith(id))
      .map(m -> m.getString("table") + ":" + m.getString("field")).toList();
  }

  /** The fields the integrity failures recorded for {@code id} name, as a later verify reports them. */
  List<String> recorded(JsonObject report, String id) {
    assertThat(report.getBoolean("valid")).isFalse();
    return report.getJsonObject("replay").getJsonArray("integrity_failures").stream().map(o -> (JsonObject) o)
      .filter(f -> f.getString("approval_id").equals(id))
      .flatMap(f -> f.getJsonArray("mismatches").stream().map(m -> ((JsonObject) m).getString("field"))).toList();
  }

  void refused(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-080");
  }

  @Test
  void anUntouchedGatewayReplaysToItsTables() {
    String a = create();
    gw.call("POST", "/api/v1/approvals/" + a + "/approve", alice, null);
    String b = create();
    gw.call("POST", "/api/v1/approvals/" + b + "/reject", bob, Map.of("reason", "no"));
    create();
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).as(report.encodePrettily()).isTrue();
    assertThat(report.getJsonObject("replay").getLong("approvals_replayed")).isEqualTo(3L);
  }

  @Test
  void acknowledgementRowsAreReplayedAndAForgedOneIsNamed() throws Exception {
    JsonObject personas = new JsonObject().put("name", "personas").put("match", new JsonObject()
      .put("tickers", new JsonArray().add("ACK"))).put("acknowledgements", new JsonArray()
      .add(new JsonObject().put("persona", "risk").put("users", new JsonArray().add("bob"))).add("legal"));
    assertThat(gw.call("PUT", "/api/v1/policies", admin, new JsonObject().put("policies", new JsonArray()
      .add(personas)).put("default", new JsonObject())).status()).isEqualTo(201);
    gw.quote("ACK", "2850.4", "2850.6");
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", "ACK")).json()
      .getString("request_id");
    Response ticked = gw.call("POST", "/api/v1/approvals/" + id + "/acknowledge", bob,
      new JsonObject().put("persona", "risk").put("comment", "limits checked"));
    assertThat(ticked.status()).as(ticked.body()).isEqualTo(200);
    JsonObject clean = verify();
    assertThat(clean.getBoolean("valid")).as(clean.encodePrettily()).isTrue();

    sql("UPDATE approval_acknowledgements SET acknowledged_by = 'mallory' WHERE approval_id = '" + id + "'");
    sql("INSERT INTO approval_acknowledgements (approval_id, persona, acknowledged_by, comment, created_at) VALUES ('"
      + id + "', 'legal', 'mallory', null, now())");
    assertThat(named(verify(), id)).contains("approval_acknowledgements:acknowledged_by",
      "approval_acknowledgements:(row)");
  }

  @Test
  void aDecidedRowEditedIsNamedAndRefusedAndStaysNamedAfterwards() throws Exception {
    String id = create();
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, Map.of("comment", "fine"));
    sql("UPDATE approvals SET decision_comment = 'edited' WHERE id = '" + id + "'");
    rehash(id);
    assertThat(named(verify(), id)).contains("approvals:decision_comment");
    refused(gw.call("GET", "/api/v1/approvals/" + id, alice, null));
    assertThat(recorded(verify(), id)).contains("decision_comment");
  }

  @Test
  void aPendingTradeQuantityEditedIsNamedAndTheRejectionDoesNotBlessIt() throws Exception {
    String id = create();
    Object quantity = gw.call("GET", "/api/v1/approvals/" + id, alice, null).json().getJsonObject("context")
      .getValue("quantity");
    sql("UPDATE approvals SET context = jsonb_set(context, '{quantity}', '\"100000\"') WHERE id = '" + id + "'");
    rehash(id);
    assertThat(named(verify(), id)).contains("approvals:context");
    refused(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null));
    JsonObject after = gw.call("GET", "/api/v1/approvals/" + id, alice, null).json();
    assertThat(after.getString("status")).isEqualTo("rejected");
    assertThat(after.getString("decision_reason")).isEqualTo("INTEGRITY_FAILURE");
    assertThat(after.getJsonObject("context").getValue("quantity")).isEqualTo(quantity);
    assertThat(recorded(verify(), id)).contains("context");
  }

  @Test
  void aPendingRowForgedToApprovedIsNeverServedAsApproved() throws Exception {
    String id = create();
    sql("UPDATE approvals SET status = 'APPROVED', decided_by = 'alice', decided_at = now(), "
      + "decision_channel = 'api' WHERE id = '" + id + "'");
    rehash(id);
    assertThat(named(verify(), id)).contains("approvals:status", "approvals:decided_by");
    refused(gw.call("GET", "/api/v1/approvals/" + id, engine, null));
    Response waited = gw.call("GET", "/api/v1/approvals/" + id + "/wait?timeout=0s", engine, null);
    assertThat(waited.body()).doesNotContain("\"approved\"");
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, engine, null).json().getString("status"))
      .isEqualTo("rejected");
  }

  @Test
  void anExtendedDeadlineIsNamedAndRefused() throws Exception {
    String id = create();
    sql("UPDATE approvals SET expires_at = expires_at + interval '1 day' WHERE id = '" + id + "'");
    rehash(id);
    assertThat(named(verify(), id)).contains("approvals:expires_at");
    refused(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null));
  }

  @Test
  void aDecidedRowReAttributedIsNamedRefusedAndWrittenBackAsTheJournalSays() throws Exception {
    String id = create();
    gw.call("POST", "/api/v1/approvals/" + id + "/reject", bob, Map.of("reason", "no"));
    sql("UPDATE approvals SET decided_by = 'mallory' WHERE id = '" + id + "'");
    rehash(id);
    assertThat(named(verify(), id)).contains("approvals:decided_by");
    refused(gw.call("GET", "/api/v1/approvals/" + id, alice, null));
    assertThat(gw.call("GET", "/api/v1/approvals/" + id, alice, null).json().getString("decided_by")).isEqualTo("bob");
    assertThat(recorded(verify(), id)).contains("decided_by");
  }

  @Test
  void aForgedVoteDoesNotCountTowardsTheQuorum() throws Exception {
    String id = createTwoOfN();
    sql("INSERT INTO approval_votes (approval_id, approver, decision, channel, comment, created_at, approval_created_at) "
      + "SELECT id, 'bob', 'APPROVE', 'api', null, now(), created_at FROM approvals WHERE id = '" + id + "'");
    assertThat(named(verify(), id)).contains("approval_votes:(row)");
    refused(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null));
    JsonObject after = gw.call("GET", "/api/v1/approvals/" + id, alice, null).json();
    assertThat(after.getString("status")).isEqualTo("rejected");
    assertThat(longOf("SELECT count(*) FROM approval_votes WHERE approval_id = '" + id + "'")).isZero();
  }

  /**
   * A vote's copy of its request's created_at files the request in the voter's history; moved, the request would
   * show up under another time (or not at all) in a history searched by approver and period.
   */
  @Test
  void aVoteFiledUnderAnotherTimeIsNamedRefusedAndWrittenBack() throws Exception {
    String id = createTwoOfN();
    Response voted = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    assertThat(voted.status()).as(voted.body()).isEqualTo(200);
    assertThat(verify().getBoolean("valid")).isTrue();
    sql("UPDATE approval_votes SET approval_created_at = approval_created_at - interval '30 days' WHERE approval_id = '"
      + id + "'");
    assertThat(named(verify(), id)).containsExactly("approval_votes:approval_created_at");
    refused(gw.call("GET", "/api/v1/approvals/" + id, alice, null));
    assertThat(longOf("SELECT count(*) FROM approval_votes v JOIN approvals a ON a.id = v.approval_id WHERE a.id = '"
      + id + "' AND v.approval_created_at = a.created_at")).isEqualTo(1);
    assertThat(recorded(verify(), id)).contains("approval_created_at");
  }

  @Test
  void aDeletedVoteIsNamedAndRefused() throws Exception {
    String id = createTwoOfN();
    Response voted = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    assertThat(voted.status()).as(voted.body()).isEqualTo(200);
    sql("DELETE FROM approval_votes WHERE approval_id = '" + id + "'");
    assertThat(named(verify(), id)).contains("approval_votes:(row)");
    refused(gw.call("POST", "/api/v1/approvals/" + id + "/approve", bob, null));
  }

  @Test
  void anEditedJournalEntryIsNamedAndRefused() throws Exception {
    String id = create();
    sql("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
    sql("UPDATE journal SET payload = jsonb_set(payload, '{row,context,quantity}', '\"1\"') WHERE approval_id = '"
      + id + "' AND action = 'created'");
    JsonObject report = verify();
    assertThat(report.getJsonObject("journal").getValue("first_invalid_seq")).isNotNull();
    assertThat(named(report, id)).contains("approvals:(journal)");
    refused(gw.call("GET", "/api/v1/approvals/" + id, alice, null));
  }

  @Test
  void aDeletedMiddleEntryIsNamedAndRefused() throws Exception {
    String id = create();
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    create();
    sql("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
    sql("DELETE FROM journal WHERE approval_id = '" + id + "' AND action = 'approved'");
    JsonObject report = verify();
    assertThat(report.getJsonObject("journal").getValue("first_invalid_seq")).isNotNull();
    assertThat(named(report, id)).contains("approvals:status", "approval_votes:(row)");
    refused(gw.call("GET", "/api/v1/approvals/" + id, alice, null));
  }

  @Test
  void aTruncatedTailIsNamedAndRefused() throws Exception {
    String id = create();
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    sql("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
    sql("DELETE FROM journal WHERE seq >= (SELECT seq FROM journal WHERE approval_id = '" + id
      + "' AND action = 'approved')");
    JsonObject report = verify();
    assertThat(report.getJsonObject("journal").getString("problem")).contains("newest entries were removed");
    assertThat(named(report, id)).contains("approvals:status", "approvals:journal_seq");
    refused(gw.call("GET", "/api/v1/approvals/" + id, alice, null));
  }
}
