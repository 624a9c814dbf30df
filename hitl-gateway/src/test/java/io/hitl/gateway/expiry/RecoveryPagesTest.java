package io.hitl.gateway.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Recovery over several cursor pages, several checked at once: every pending row is counted once, the
 * overdue and tampered ones of every page are handed over exactly once (and only they), every other one is
 * armed for its own deadline, and a run waits for the slow hand-overs it started.
 */
class RecoveryPagesTest {
  static final int ROWS = Recovery.PAGE * 2 + Recovery.PAGE / 2 + 37;
  static TestGateway gw;
  static final Set<UUID> overdue = new HashSet<>();
  static final Set<UUID> tampered = new HashSet<>();
  static final Map<UUID, Instant> future = new HashMap<>();

  @BeforeAll
  static void seed() throws Exception {
    gw = TestGateway.start(TestDb.freshEmbedded(), RecoveryTest.SETTINGS);
    Instant now = Times.micros(gw.clock.instant());
    String sql = "INSERT INTO approvals (id, type, title, context, requested_by, status, required_approvals, "
      + "expires_at, escalation_level, row_hash, created_at) VALUES (?, ?, ?, ?::jsonb, ?, ?, 1, ?, 0, ?, ?)";
    try (Connection c = TestDb.jdbc(gw.dbUrl); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < ROWS; i++) {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("ticker", "RCV" + (i % 7));
        ctx.put("quantity", String.valueOf(1 + i));
        // a tenth overdue, the rest due over the next hours, so they fill later pages
        Instant expires = i % 10 == 0 ? now.minusSeconds(1 + i) : now.plusSeconds(3600 + i);
        Approval a = new Approval(UUID.randomUUID(), "TRADE_EXECUTION", "recovery " + i, null, ctx, null, "engine-1",
          null, null, null, null, ApprovalStatus.PENDING, 1, expires, null, 0, null, null, null, null, null, null,
          null, null, now).withRowHash();
        // every 401st row edited after hashing: tampered rows in every page
        boolean edited = i % 401 == 3;
        ps.setObject(1, a.id());
        ps.setString(2, a.type());
        ps.setString(3, edited ? a.title() + " (edited)" : a.title());
        ps.setString(4, new io.vertx.core.json.JsonObject(ctx).encode());
        ps.setString(5, a.requestedBy());
        ps.setString(6, a.status().name());
        ps.setTimestamp(7, Timestamp.from(a.expiresAt()));
        ps.setString(8, a.rowHash());
        ps.setTimestamp(9, Timestamp.from(a.createdAt()));
        ps.addBatch();
        if (edited) {
          tampered.add(a.id());
        } else if (i % 10 == 0) {
          overdue.add(a.id());
        } else {
          future.put(a.id(), a.expiresAt());
        }
      }
      ps.executeBatch();
    }
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void everyRowOfEveryPageIsCheckedOnceAndHandledByWhatItNeeds() throws Exception {
    Map<UUID, Instant> armed = new ConcurrentHashMap<>();
    List<UUID> handed = new CopyOnWriteArrayList<>();
    List<UUID> finished = new CopyOnWriteArrayList<>();
    var vertx = gw.gateway.vertx();
    Recovery recovery = new Recovery(vertx, gw.gateway.pool(), gw.clock, new RecoveryTest.MapScheduler(armed), id -> {
      handed.add(id);
      // a hand-over takes a while, as the approval service's does: the run must wait for it
      Promise<Void> p = Promise.promise();
      vertx.setTimer(5, t -> {
        finished.add(id);
        p.complete();
      });
      return p.future();
    }, null, gw.gateway.config().timeoutDefaults());
    Recovery.Summary s = recovery.run().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    assertThat(s.pending()).isEqualTo(ROWS);
    assertThat(s.tampered()).isEqualTo(tampered.size()).isGreaterThanOrEqualTo(ROWS / 401);
    assertThat(s.overdue()).isEqualTo(overdue.size());
    assertThat(s.armed()).isEqualTo(future.size());
    Set<UUID> expectedNow = new HashSet<>(tampered);
    expectedNow.addAll(overdue);
    assertThat(handed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedNow);
    assertThat(finished).containsExactlyInAnyOrderElementsOf(handed);
    assertThat(armed).isEqualTo(future);
  }

  @Test
  void recoveryLeavesNoConnectionOrTransactionOpen() throws Exception {
    Recovery recovery = new Recovery(gw.gateway.vertx(), gw.gateway.pool(), gw.clock,
      new RecoveryTest.MapScheduler(new ConcurrentHashMap<>()), id -> Future.succeededFuture(), null,
      gw.gateway.config().timeoutDefaults());
    recovery.run().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    List<String> open = new ArrayList<>();
    try (Connection c = TestDb.jdbc(gw.dbUrl); var rs = c.createStatement().executeQuery(
        "SELECT state FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
          + "AND state LIKE 'idle in transaction%'")) {
      while (rs.next()) {
        open.add(rs.getString(1));
      }
    }
    assertThat(open).isEmpty();
  }
}
