package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SPEC I5: tampering with an approval row or the journal in SQL is detected. */
class IntegrityTest {
  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.embedded();
  final String engine = gw.token("engine-1", "submitter");
  final String alice = gw.token("alice", "approver", "viewer");

  void sql(String statement) throws SQLException {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  JsonObject verify() {
    Response r = gw.call("GET", "/api/v1/audit/verify", alice, null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  @Test
  void anEditedPendingRowIsRefusedWithSec080RejectedAndAlerted() throws Exception {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    assertThat(verify().getBoolean("valid")).isTrue();
    sql("UPDATE approvals SET context = jsonb_set(context, '{quantity}', '\"100000\"') WHERE id = '" + id + "'");

    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).isFalse();
    assertThat(report.getJsonObject("approvals").getJsonArray("invalid_ids")).containsExactly(id);

    Response r = gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-080");

    JsonObject after = gw.call("GET", "/api/v1/approvals/" + id, alice, null).json();
    assertThat(after.getString("status")).isEqualTo("rejected");
    assertThat(after.getString("decision_reason")).isEqualTo("INTEGRITY_FAILURE");
    assertThat(after.getString("decision_channel")).isEqualTo("system");
    JsonArray trail = gw.call("GET", "/api/v1/audit?approval_id=" + id, alice, null).json().getJsonArray("entries");
    JsonObject alert = trail.stream().map(o -> (JsonObject) o).filter(e -> e.getString("action")
      .equals("integrity_failure")).findFirst().orElseThrow();
    assertThat(alert.getString("error_code")).isEqualTo("SEC-080");
    assertThat(alert.getJsonObject("payload").getString("stored_row_hash")).isNotEqualTo(
      alert.getJsonObject("payload").getString("computed_row_hash"));
  }

  @Test
  void readingATamperedRowIsSec080() throws Exception {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    sql("UPDATE approvals SET requested_by = 'someone-else' WHERE id = '" + id + "'");
    Response r = gw.call("GET", "/api/v1/approvals/" + id, alice, null);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.json().getString("code")).isEqualTo("SEC-080");
    JsonObject listed = gw.call("GET", "/api/v1/approvals?status=rejected", alice, null).json();
    assertThat(listed.getJsonArray("items").getJsonObject(0).getString("decision_reason")).isEqualTo("INTEGRITY_FAILURE");
  }

  @Test
  void anEditedJournalEntryFailsVerification() throws Exception {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    assertThat(verify().getBoolean("valid")).isTrue();

    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement()) {
      assertThat(c.createStatement().executeUpdate("UPDATE journal SET actor = 'bob' WHERE seq = 2 AND false")).isZero();
      try {
        s.execute("UPDATE journal SET actor = 'bob' WHERE action = 'approved'");
        throw new AssertionError("the append-only trigger should refuse an edit");
      } catch (SQLException expected) {
        assertThat(expected.getMessage()).contains("append-only");
      }
      s.execute("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
      s.execute("UPDATE journal SET actor = 'bob' WHERE action = 'approved'");
    }
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).isFalse();
    long approvedSeq = gw.call("GET", "/api/v1/audit?approval_id=" + id, alice, null).json().getJsonArray("entries")
      .stream().map(o -> (JsonObject) o).filter(e -> e.getString("action").equals("approved")).findFirst()
      .orElseThrow().getLong("seq");
    assertThat(report.getJsonObject("journal").getLong("first_invalid_seq")).isEqualTo(approvedSeq);
    assertThat(report.getJsonObject("journal").getString("problem")).contains("edited");
  }

  @Test
  void aDeletedJournalEntryFailsVerification() throws Exception {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    gw.call("POST", "/api/v1/approvals/" + id + "/reject", alice, Map.of("reason", "no"));
    gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    sql("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
    sql("DELETE FROM journal WHERE seq = 2");
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).isFalse();
    assertThat(report.getJsonObject("journal").getLong("first_invalid_seq")).isEqualTo(3L);
    assertThat(report.getJsonObject("journal").getString("problem")).contains("removed");
  }

  @Test
  void removingTheNewestEntriesFailsVerificationAgainstTheHead() throws Exception {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    assertThat(verify().getBoolean("valid")).isTrue();
    sql("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
    sql("DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)");
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).isFalse();
    assertThat(report.getJsonObject("journal").getString("problem")).contains("newest entries were removed");
  }

  @Test
  void sequenceNumbersHaveNoGapsEvenWhenTransactionsAreRefused() throws Exception {
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("price", "NaN"));
    gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    JsonArray entries = gw.call("GET", "/api/v1/audit?limit=100", alice, null).json().getJsonArray("entries");
    for (int i = 0; i < entries.size(); i++) {
      assertThat(entries.getJsonObject(i).getLong("seq")).isEqualTo((long) entries.size() - i);
    }
    assertThat(verify().getBoolean("valid")).isTrue();
  }
}
