package io.hitl.gateway.history;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** History on the server: filters, a total, cursor pages that neither skip nor repeat, and the CSV of the filtered set. */
class HistoryApiTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String bob = gw.token("bob", "approver");
  static final String viewer = gw.token("vic", "viewer");
  static final String admin = gw.token("ops-admin", "admin");
  static final List<String> aliceApproved = new ArrayList<>();
  static final List<String> bobRejected = new ArrayList<>();

  @BeforeAll
  static void seed() {
    gw.get().quote("HIST", "99.99", "100.01");
    gw.get().quote("OTHR", "49.99", "50.01");
    for (int i = 0; i < 7; i++) {
      String id = trade("HIST", "100");
      decide(id, alice, "approve", null);
      aliceApproved.add(id);
    }
    for (int i = 0; i < 4; i++) {
      String id = trade("OTHR", "50");
      decide(id, bob, "reject", "outside the plan");
      bobRejected.add(id);
    }
    for (int i = 0; i < 3; i++) {
      Response r = gw.call("POST", "/api/v1/approvals", engine, Map.of("type", "CONFIG_UPDATE", "title", "config " + i));
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
  }

  static String trade(String ticker, String price) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker)
      .put("price", price));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static void decide(String id, String token, String decision, String reason) {
    JsonObject body = reason == null ? new JsonObject() : new JsonObject().put("reason", reason);
    Response r = gw.call("POST", "/api/v1/approvals/" + id + "/" + decision, token, body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static JsonObject search(String query) {
    Response r = gw.call("GET", "/api/v1/history?" + query, viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  static List<String> ids(JsonObject page) {
    List<String> l = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> l.add(((JsonObject) o).getString("request_id")));
    return l;
  }

  @Test
  void eachFilterNarrowsTheSetAndTheTotalCountsAllMatchesNotThePage() {
    JsonObject byApprover = search("approver=alice&limit=2");
    assertThat(byApprover.getLong("total")).isEqualTo(7);
    assertThat(byApprover.getJsonArray("items")).hasSize(2);
    assertThat(byApprover.getString("next_cursor")).isNotNull();
    assertThat(search("ticker=othr").getLong("total")).as("tickers match in any case").isEqualTo(4);
    assertThat(ids(search("status=rejected&limit=50"))).containsExactlyInAnyOrderElementsOf(bobRejected);
    assertThat(search("status=approved,rejected").getLong("total")).isEqualTo(11);
    assertThat(search("type=CONFIG_UPDATE").getLong("total")).isEqualTo(3);
    assertThat(search("type=CONFIG_UPDATE&status=pending").getLong("total")).isEqualTo(3);
    assertThat(search("approver=bob&ticker=HIST").getLong("total")).isZero();
    assertThat(search("from=2000-01-01&to=2000-12-31").getLong("total")).isZero();
    assertThat(search("from=2000-01-01").getLong("total")).isEqualTo(14);
    JsonObject filters = search("ticker=hist&status=approved").getJsonObject("filters");
    assertThat(filters.getString("ticker")).isEqualTo("HIST");
    assertThat(filters.getString("status")).isEqualTo("approved");
  }

  @Test
  void cursorPagesWalkTheWholeSetNewestFirstWithoutGapsOrRepeats() {
    List<String> seen = new ArrayList<>();
    List<String> created = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = search("limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.getLong("total")).isEqualTo(14);
      page.getJsonArray("items").forEach(o -> created.add(((JsonObject) o).getString("created_at")));
      seen.addAll(ids(page));
      cursor = page.getString("next_cursor");
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(4);
    assertThat(seen).hasSize(14).doesNotHaveDuplicates();
    List<String> newestFirst = new ArrayList<>(created);
    newestFirst.sort(java.util.Comparator.reverseOrder());
    assertThat(created).isEqualTo(newestFirst);
  }

  @Test
  void theCsvExportHoldsExactlyTheFilteredSetAndIsJournaled() {
    Response r = gw.call("GET", "/api/v1/history/export?approver=alice", viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("text/csv");
    String[] lines = r.body().split("\r\n");
    assertThat(lines[0]).startsWith("request_id,created_at,status,type,title,ticker");
    assertThat(lines).hasSize(8);
    Set<String> exported = new HashSet<>();
    for (int i = 1; i < lines.length; i++) {
      exported.add(lines[i].substring(0, 36));
      assertThat(lines[i]).contains(",approved,TRADE_EXECUTION,").contains(",alice,").endsWith(",ok");
    }
    assertThat(exported).containsExactlyInAnyOrderElementsOf(aliceApproved);
    JsonArray journal = gw.call("GET", "/api/v1/audit?limit=1000", admin, null).json().getJsonArray("entries");
    boolean recorded = journal.stream().map(o -> (JsonObject) o).anyMatch(e -> "history_exported".equals(e.getString("action"))
      && "vic".equals(e.getString("actor")) && "alice".equals(e.getJsonObject("payload").getString("approver")));
    assertThat(recorded).as("the export is in the journal with its filter").isTrue();
    JsonObject verify = gw.call("GET", "/api/v1/audit/verify", admin, null).json();
    assertThat(verify.getBoolean("valid")).as(verify.encode()).isTrue();
  }

  @Test
  void hostileOrUnknownParametersAreRefusedWithProblemJson() {
    for (String q : List.of("status=done", "type=drop%20table", "ticker=%27%3B--", "from=yesterday",
        "to=2026-13-45", "from=2026-12-02&to=2026-12-01", "limit=0", "limit=501", "limit=ten", "cursor=xyz",
        "statuss=approved", "approver=a%20b", "from=%2B999999-01-01T00:00:00Z", "status=approved&status=rejected")) {
      Response r = gw.call("GET", "/api/v1/history?" + q, viewer, null);
      assertThat(r.status()).as(q + " -> " + r.body()).isEqualTo(400);
      assertThat(r.header("Content-Type")).startsWith("application/problem+json");
      assertThat(r.json().getString("code")).isEqualTo("SEC-010");
      Response csv = gw.call("GET", "/api/v1/history/export?" + q, viewer, null);
      assertThat(csv.status()).as(q + " -> " + csv.body()).isEqualTo(400);
    }
    assertThat(gw.call("GET", "/api/v1/history/export?limit=5", viewer, null).status())
      .as("an export takes no page").isEqualTo(400);
    assertThat(gw.call("GET", "/api/v1/history", null, null).json().getString("code")).isEqualTo("SEC-001");
    Response noRole = gw.call("GET", "/api/v1/history", gw.token("nobody"), null);
    assertThat(noRole.status()).isEqualTo(403);
  }
}
