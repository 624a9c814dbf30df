package io.hitl.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Group commit inside the approval service: changes that queue behind a commit in flight commit
 * together, each in its own savepoint; one that is refused or fails rolls back alone.
 */
class GroupCommitTest {
  static TestGateway gw;

  @BeforeAll
  static void start() throws Exception {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE group_commit_probe (id int PRIMARY KEY)");
    }
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** A change that writes one probe row and one journal entry (an action without an event or outbox job). */
  private static Function<SqlConnection, Future<Change>> writes(int id, String tag) {
    return conn -> conn.preparedQuery("INSERT INTO group_commit_probe (id) VALUES ($1)").execute(Tuple.of(id))
      .map(rs -> Change.none().with(JournalEntry.of(null, tag, "group-commit-test", "probe_" + tag, null, null,
        Map.of("probe", id), "corr-" + tag, null, Instant.now()), null));
  }

  @Test
  void aRefusedChangeRollsBackAloneAndTheRestOfItsBatchCommits() throws Exception {
    ApprovalService service = new ApprovalService(gw.gateway.pool(), gw.gateway.config(), Clock.systemUTC(),
      (JsonObject ev) -> { });
    List<String> outcomes = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> all = new CompletableFuture<>();
    gw.gateway.vertx().getOrCreateContext().runOnContext(v -> {
      List<Future<Change>> calls = new ArrayList<>();
      // the first commits alone at once; the others queue behind it and go as one batch
      calls.add(service.tx(writes(1, "first")));
      calls.add(service.tx(writes(2, "kept-a")));
      calls.add(service.tx(conn -> writes(3, "refused").apply(conn).compose(c -> Future.failedFuture(
        new GatewayException(ErrorCode.SEC_012, "decided concurrently")))));
      calls.add(service.tx(writes(1, "duplicate-key")));
      calls.add(service.tx(writes(4, "kept-b")));
      for (int i = 0; i < calls.size(); i++) {
        int k = i;
        calls.get(i).onComplete(ar -> outcomes.add(k + ":" + (ar.succeeded() ? "ok"
          : ((GatewayException) ar.cause()).code().code())));
      }
      Future.join(calls).onComplete(ar -> all.complete(null));
    });
    all.get(60, TimeUnit.SECONDS);

    assertThat(outcomes).containsExactly("0:ok", "1:ok", "2:SEC-012", "3:SEC-500", "4:ok");
    Set<Integer> probes = new TreeSet<>();
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT id FROM group_commit_probe")) {
        while (rs.next()) {
          probes.add(rs.getInt(1));
        }
      }
      assertThat(probes).containsExactly(1, 2, 4);
      List<String> targets = new ArrayList<>();
      List<Long> seqs = new ArrayList<>();
      List<String> xids = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT target, seq, xmin::text FROM journal WHERE actor = 'group-commit-test'"
          + " ORDER BY seq")) {
        while (rs.next()) {
          targets.add(rs.getString(1));
          seqs.add(rs.getLong(2));
          xids.add(rs.getString(3));
        }
      }
      // journal order is call order; the refused and failed changes left no entry
      assertThat(targets).containsExactly("first", "kept-a", "kept-b");
      assertThat(seqs.get(2) - seqs.get(1)).isEqualTo(1);
      // the two that queued committed in one transaction, not in the first one's
      assertThat(xids.get(1)).isEqualTo(xids.get(2)).isNotEqualTo(xids.get(0));
    }
    assertChainVerifies();
  }

  /** Every link recomputed from the stored entries, the head at the last one; the audit endpoint agrees. */
  static void assertChainVerifies() throws Exception {
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      long expected = 0;
      String prev = "0".repeat(64);
      try (ResultSet rs = s.executeQuery("SELECT seq, prev_hash, hash FROM journal ORDER BY seq")) {
        while (rs.next()) {
          expected++;
          assertThat(rs.getLong(1)).as("seq without gaps").isEqualTo(expected);
          assertThat(rs.getString(2)).as("prev_hash of " + expected).isEqualTo(prev);
          prev = rs.getString(3);
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT seq, hash FROM journal_head")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(expected);
        assertThat(rs.getString(2)).isEqualTo(prev);
      }
    }
    TestGateway.Response verify = gw.call("GET", "/api/v1/audit/verify", gw.token("auditor", "viewer"), null);
    assertThat(verify.status()).as(verify.body()).isEqualTo(200);
    assertThat(verify.json().getBoolean("valid")).as(verify.body()).isTrue();
  }

  @Test
  void racingCreatesAndDecisionsOnFourInstancesKeepTheJournalWhole() throws Exception {
    String engine = gw.token("race-engine", "submitter");
    List<String> approvers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      approvers.add(gw.token("race-op-" + i, "approver"));
    }
    List<CompletableFuture<TestGateway.Response>> first = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      first.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(), Map.of()));
    }
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<TestGateway.Response> f : first) {
      TestGateway.Response r = f.get(120, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
      ids.add(r.json().getString("request_id"));
    }
    // decisions race each other (four per request, approve and reject) while more creates arrive
    List<CompletableFuture<TestGateway.Response>> decisions = new ArrayList<>();
    List<String> decided = new ArrayList<>();
    List<CompletableFuture<TestGateway.Response>> creates = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      for (String id : ids) {
        decisions.add(gw.callAsync("POST", "/api/v1/approvals/" + id + (round % 2 == 0 ? "/approve" : "/reject"),
          approvers.get(round), Map.of("reason", "race " + round), Map.of()));
        decided.add(id);
      }
      for (int i = 0; i < 30; i++) {
        creates.add(gw.callAsync("POST", "/api/v1/approvals/trade", engine, TestGateway.trade(), Map.of()));
      }
    }
    Map<String, Integer> winners = new java.util.HashMap<>();
    Map<String, String> outcome = new java.util.HashMap<>();
    int refusals = 0;
    for (int i = 0; i < decisions.size(); i++) {
      TestGateway.Response r = decisions.get(i).get(120, TimeUnit.SECONDS);
      if (r.status() == 200) {
        winners.merge(decided.get(i), 1, Integer::sum);
        outcome.put(decided.get(i), r.json().getString("status"));
      } else {
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.json().getString("code")).isEqualTo("SEC-012");
        refusals++;
      }
    }
    for (CompletableFuture<TestGateway.Response> f : creates) {
      TestGateway.Response r = f.get(120, TimeUnit.SECONDS);
      assertThat(r.status()).as(r.body()).isEqualTo(201);
    }
    assertThat(refusals).isEqualTo(ids.size() * 3);
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      for (String id : ids) {
        assertThat(winners.get(id)).as("winners of " + id).isEqualTo(1);
        // exactly one terminal entry, matching the row; the losing decisions wrote no state
        try (ResultSet rs = s.executeQuery("SELECT j.new_state, a.status FROM journal j JOIN approvals a ON a.id = "
            + "j.approval_id WHERE j.approval_id = '" + id + "' AND j.action IN ('approved', 'rejected')")) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo(rs.getString(2)).isEqualToIgnoringCase(outcome.get(id));
          assertThat(rs.next()).as("a second terminal entry for " + id).isFalse();
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM approvals WHERE status = 'PENDING' AND requested_by = "
          + "'race-engine'")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(creates.size());
      }
      // the point of the exercise: some transactions carried more than one request's change
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM (SELECT xmin::text FROM journal WHERE approval_id IS "
          + "NOT NULL GROUP BY 1 HAVING count(DISTINCT approval_id) > 1) t")) {
        rs.next();
        assertThat(rs.getInt(1)).as("transactions that committed several changes").isPositive();
      }
    }
    assertChainVerifies();
  }
}
