package io.hitl.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.store.SearchStore;
import io.hitl.gateway.support.GatewayExtension;
import io.hitl.gateway.support.TestGateway;
import io.hitl.gateway.support.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The approver filter reads two disjoint legs (requests the approver decided; requests the approver voted on and
 * someone else decided), merged newest first; and the total is exact up to {@link SearchStore#COUNT_CAP} matches,
 * "at least" the cap past it.
 */
class HistorySearchLegsTest {
  @RegisterExtension
  static final GatewayExtension gw = GatewayExtension.embedded();
  static final String engine = gw.token("engine-1", "submitter");
  static final String alice = gw.token("alice", "approver");
  static final String bob = gw.token("bob", "approver");
  static final String carol = gw.token("carol", "approver");
  static final String viewer = gw.token("vic", "viewer");
  static final String admin = gw.token("ops-admin", "admin");
  /** Alice voted, carol's second approval decided them. */
  static final List<String> carolDecided = new ArrayList<>();
  /** Alice voted, bob's reject decided them. */
  static final List<String> bobVetoed = new ArrayList<>();
  /** Single-approval requests alice decided. */
  static final List<String> aliceDecided = new ArrayList<>();

  @BeforeAll
  static void seed() {
    JsonObject two = new JsonObject().put("name", "two-of-n").put("match", new JsonObject()
      .put("tickers", new JsonArray().add("QRM"))).put("required_approvals", 2);
    Response put = gw.call("PUT", "/api/v1/policies", admin, new JsonObject().put("policies", new JsonArray().add(two))
      .put("default", new JsonObject()));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    gw.quote("QRM", "99.99", "100.01");
    gw.quote("SOLO", "99.99", "100.01");
    for (int i = 0; i < 5; i++) {
      String id = trade("QRM");
      decide(id, alice, "approve");
      if (i % 2 == 0) {
        decide(id, carol, "approve");
        carolDecided.add(id);
      } else {
        decide(id, bob, "reject");
        bobVetoed.add(id);
      }
      String solo = trade("SOLO");
      decide(solo, alice, "approve");
      aliceDecided.add(solo);
    }
  }

  static String trade(String ticker) {
    Response r = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade().put("ticker", ticker)
      .put("price", "100"));
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().getString("request_id");
  }

  static void decide(String id, String token, String decision) {
    Response r = gw.call("POST", "/api/v1/approvals/" + id + "/" + decision, token,
      decision.equals("reject") ? Map.of("reason", "outside the plan") : null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
  }

  static JsonObject search(String query) {
    Response r = gw.call("GET", "/api/v1/history?" + query, viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().containsKey("integrity_failures")).as(r.body()).isFalse();
    return r.json();
  }

  static List<String> ids(JsonObject page) {
    List<String> l = new ArrayList<>();
    page.getJsonArray("items").forEach(o -> l.add(((JsonObject) o).getString("request_id")));
    return l;
  }

  @Test
  void anApproverMatchesWhatTheyDecidedAndWhatTheyVotedOnWithoutRepeats() {
    List<String> all = new ArrayList<>(aliceDecided);
    all.addAll(carolDecided);
    all.addAll(bobVetoed);
    JsonObject first = search("approver=alice");
    assertThat(first.getLong("total")).isEqualTo(10);
    assertThat(first.getBoolean("total_exact")).isTrue();
    assertThat(ids(first)).containsExactlyInAnyOrderElementsOf(all);
    // carol's second approval decided them: her vote and her decision name the same requests, each listed once
    JsonObject carol = search("approver=carol");
    assertThat(ids(carol)).containsExactlyInAnyOrderElementsOf(carolDecided);
    assertThat(carol.getLong("total")).isEqualTo(carolDecided.size());
    assertThat(ids(search("approver=bob"))).containsExactlyInAnyOrderElementsOf(bobVetoed);
    assertThat(ids(search("approver=alice&status=rejected"))).containsExactlyInAnyOrderElementsOf(bobVetoed);
    assertThat(ids(search("approver=alice&ticker=solo"))).containsExactlyInAnyOrderElementsOf(aliceDecided);
    assertThat(search("approver=nobody").getLong("total")).isZero();
  }

  @Test
  void cursorPagesOfAnApproverWalkBothLegsNewestFirstWithoutGapsOrRepeats() {
    List<String> seen = new ArrayList<>();
    List<String> created = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = search("approver=alice&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.getLong("total")).isEqualTo(10);
      page.getJsonArray("items").forEach(o -> created.add(((JsonObject) o).getString("created_at")));
      seen.addAll(ids(page));
      cursor = page.getString("next_cursor");
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(pages).isEqualTo(4);
    assertThat(seen).hasSize(10).doesNotHaveDuplicates();
    List<String> newestFirst = new ArrayList<>(created);
    newestFirst.sort(Comparator.reverseOrder());
    assertThat(created).isEqualTo(newestFirst);
  }

  @Test
  void pagesOfAnApproverWhoDecidedWhatTheyVotedOnHoldEachRequestOnce() throws Exception {
    try (java.sql.Connection c = io.hitl.gateway.support.TestDb.jdbc(gw.get().dbUrl);
         java.sql.ResultSet rs = c.createStatement().executeQuery(
           "SELECT count(*) FROM approval_votes v JOIN approvals a ON a.id = v.approval_id "
             + "WHERE v.approver = 'carol' AND a.decided_by = 'carol'")) {
      rs.next();
      assertThat(rs.getLong(1)).as("carol's requests are in both legs: decided by her and voted on by her")
        .isEqualTo(carolDecided.size());
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = search("approver=carol&limit=1" + (cursor == null ? "" : "&cursor=" + cursor));
      seen.addAll(ids(page));
      cursor = page.getString("next_cursor");
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(carolDecided);
    Response csv = gw.call("GET", "/api/v1/history/export?approver=carol", viewer, null);
    assertThat(csv.status()).as(csv.body()).isEqualTo(200);
    List<String> exported = new ArrayList<>();
    String[] lines = csv.body().split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      exported.add(lines[i].substring(0, 36));
    }
    assertThat(exported).containsExactlyInAnyOrderElementsOf(carolDecided);
  }

  @Test
  void theExportOfAnApproverHoldsBothLegsNewestFirst() {
    Response r = gw.call("GET", "/api/v1/history/export?approver=alice", viewer, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String[] lines = r.body().split("\r\n");
    List<String> exported = new ArrayList<>();
    List<String> created = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      exported.add(lines[i].substring(0, 36));
      created.add(lines[i].split(",")[1]);
    }
    assertThat(exported).hasSize(10).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(
      ids(search("approver=alice")));
    List<String> newestFirst = new ArrayList<>(created);
    newestFirst.sort(Comparator.reverseOrder());
    assertThat(created).isEqualTo(newestFirst);
  }

  @Test
  void aTotalPastTheCapSaysAtLeastAndTheFirstPageIsStillWhole() {
    List<CompletableFuture<Response>> inFlight = new ArrayList<>();
    int made = 0;
    while (made < SearchStore.COUNT_CAP + 1) {
      for (int i = 0; i < 16 && made < SearchStore.COUNT_CAP + 1; i++, made++) {
        inFlight.add(gw.callAsync("POST", "/api/v1/approvals", engine,
          Map.of("type", "MANUAL_INTERVENTION", "title", "bulk " + made), Map.of()));
      }
      inFlight.forEach(f -> assertThat(f.join().status()).as(f.join().body()).isEqualTo(201));
      inFlight.clear();
    }
    JsonObject over = search("type=MANUAL_INTERVENTION&limit=500");
    assertThat(over.getLong("total")).isEqualTo(SearchStore.COUNT_CAP);
    assertThat(over.getBoolean("total_exact")).isFalse();
    assertThat(over.getJsonArray("items")).hasSize(500);
    assertThat(over.getString("next_cursor")).isNotNull();
    JsonObject under = search("type=MANUAL_INTERVENTION&to=" + over.getJsonArray("items").getJsonObject(499).getString("created_at"));
    assertThat(under.getBoolean("total_exact")).as("%s", under.getLong("total")).isTrue();
    assertThat(under.getLong("total")).as("the 501 older than the 500th newest, less any created in the same microsecond")
      .isBetween(400L, 501L);
  }
}
