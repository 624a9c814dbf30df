package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ChainCheck;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /api/v1/audit/export over real HTTP: formats, filters, roles, refusals and the export's own entry. */
class AuditExportTest {
  final MutableClock clock = new MutableClock();
  @RegisterExtension
  final GatewayExtension gw = GatewayExtension.embedded().clock(clock);
  final String engine = gw.token("engine-1", "submitter");
  final String viewer = gw.token("carol", "viewer");

  List<JournalEntry> ndjson(Response r) {
    return Arrays.stream(r.body().split("\n")).filter(l -> !l.isEmpty()).map(ExportLines::parse).toList();
  }

  long exportsJournaled() throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl()); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM journal WHERE action = 'audit_exported'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void ndjsonExportHoldsTheWholeChainAndRecordsWhoExported() {
    String alice = gw.token("alice", "approver");
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null).status()).isEqualTo(200);

    Response r = gw.call("GET", "/api/v1/audit/export", viewer, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/x-ndjson");
    List<JournalEntry> entries = ndjson(r);
    ChainCheck chain = ChainCheck.fromGenesis();
    entries.forEach(chain::accept);
    assertThat(chain.ok()).as(chain.problem()).isTrue();
    assertThat(entries.get(0).seq()).isEqualTo(1);
    assertThat(entries).extracting(JournalEntry::action).contains("created", "approved");
    JournalEntry exported = entries.get(entries.size() - 1);
    assertThat(exported.action()).isEqualTo("audit_exported");
    assertThat(exported.actor()).isEqualTo("carol");
    assertThat(exported.payload()).containsEntry("format", "ndjson");

    JsonObject verify = gw.call("GET", "/api/v1/audit/verify", viewer, null).json();
    assertThat(verify.getBoolean("valid")).isTrue();
  }

  @Test
  void filtersSelectByActionAndByTimeWithFromInclusiveAndToExclusive() {
    gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    clock.advance(Duration.ofHours(1));
    gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());

    List<JournalEntry> created = ndjson(gw.call("GET", "/api/v1/audit/export?action=created", viewer, null));
    assertThat(created).hasSize(2).allMatch(e -> e.action().equals("created"));
    Instant c1 = created.get(0).createdAt();
    Instant c2 = created.get(1).createdAt();
    assertThat(c2).isAfter(c1);

    List<JournalEntry> first = ndjson(gw.call("GET", "/api/v1/audit/export?action=created&from=" + c1 + "&to=" + c2,
      viewer, null));
    assertThat(first).extracting(JournalEntry::seq).containsExactly(created.get(0).seq());
    List<JournalEntry> second = ndjson(gw.call("GET", "/api/v1/audit/export?action=created&from=" + c2, viewer, null));
    assertThat(second).extracting(JournalEntry::seq).containsExactly(created.get(1).seq());
    List<JournalEntry> after = ndjson(gw.call("GET", "/api/v1/audit/export?from=" + c2.plusNanos(1000), viewer, null));
    assertThat(after).extracting(JournalEntry::action).doesNotContain("created");
  }

  @Test
  void csvHasAHeaderAndOneRowPerEntry() {
    gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade());
    Response r = gw.call("GET", "/api/v1/audit/export?format=csv&action=created", viewer, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/csv");
    assertThat(r.header("Content-Disposition")).contains("journal.csv");
    String[] lines = r.body().split("\r\n");
    assertThat(lines[0]).isEqualTo(String.join(",", ExportLines.CSV_COLUMNS));
    assertThat(lines).hasSize(2);
    assertThat(lines[1]).contains(",created,");
  }

  @Test
  void badParametersAreSec010ProblemsWithNoBodyAndNoJournalEntry() throws Exception {
    for (String query : List.of("from=yesterday", "to=2026-13-01T00:00:00Z", "format=xml", "action=DROP%20TABLE",
        "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")) {
      Response r = gw.call("GET", "/api/v1/audit/export?" + query, viewer, null);
      assertThat(r.status()).as(query).isEqualTo(400);
      assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
      assertThat(r.json().getString("correlation_id")).isNotBlank();
    }
    assertThat(exportsJournaled()).isZero();
  }

  @Test
  void onlyReadersOfTheJournalMayExport() throws Exception {
    Response r = gw.call("GET", "/api/v1/audit/export", engine, null);
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().getString("code")).isEqualTo("SEC-002");
    assertThat(gw.call("GET", "/api/v1/audit/export", null, null).status()).isEqualTo(401);
    assertThat(exportsJournaled()).isZero();
    assertThat(gw.call("GET", "/api/v1/audit/export", gw.token("root", "admin"), null).status()).isEqualTo(200);
    assertThat(gw.call("GET", "/api/v1/audit/export", gw.token("ann", "approver"), null).status()).isEqualTo(200);
    assertThat(exportsJournaled()).isEqualTo(2);
  }
}
