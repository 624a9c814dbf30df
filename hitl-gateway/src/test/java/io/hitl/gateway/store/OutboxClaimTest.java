package io.hitl.gateway.store;

import static io.hitl.gateway.support.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.support.TestDb;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A claim takes the due jobs, and the other open jobs of the same chat message, without reading the jobs already
 * sent: those are never deleted, so a claim that read them all (it did, through an {@code OR} in its update) costs
 * more with every message the gateway ever posted. Checked on a table of 40,000 sent jobs: the claim is right (due
 * jobs and their message's siblings, none of a quiet channel, none of a message with a send in flight) and reads
 * fewer buffers than half the table's pages.
 */
class OutboxClaimTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @Test
  void aClaimFindsItsJobsThroughIndexesWhateverTheSentJobsBehindIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    String url = TestDb.freshEmbedded();
    Database db = Database.start(GatewayConfig.of(Map.of("HITL_DB_URL", url)));
    db.migrate();
    Pool pool = db.pool(vertx, 1, true, 4, "outbox-claim-test");
    try {
      UUID message = UUID.randomUUID();
      UUID leased = UUID.randomUUID();
      long first;
      long sibling;
      long webhook;
      long quiet;
      long waiting;
      try (Connection c = TestDb.jdbc(url); Statement s = c.createStatement()) {
        s.execute("INSERT INTO outbox (approval_id, channel, kind, payload, status, attempts, next_attempt_at, created_at, "
          + "updated_at, sent_at) SELECT gen_random_uuid(), 'slack', 'approval.created', '{\"text\":\"posted\"}', 'sent', "
          + "1, now() - interval '1 day', now() - interval '1 day', now() - interval '1 day', now() - interval '1 day' "
          + "FROM generate_series(1, 40000)");
        first = job(s, message, "slack", "pending", "2026-12-07T11:59:00Z");
        sibling = job(s, message, "slack", "pending", "2026-12-07T13:00:00Z");
        webhook = job(s, null, "webhook", "pending", "2026-12-07T11:59:30Z");
        quiet = job(s, UUID.randomUUID(), "discord", "pending", "2026-12-07T11:58:00Z");
        job(s, leased, "slack", "sending", "2026-12-07T12:00:30Z");
        waiting = job(s, leased, "slack", "pending", "2026-12-07T11:57:00Z");
        s.execute("ANALYZE outbox");
      }
      DeliveryStore store = new DeliveryStore();
      UUID token = UUID.randomUUID();
      List<Long> claimed = new ArrayList<>();
      await(store.claim(pool, NOW, 10, NOW.plusSeconds(30), token, List.of("discord"))).forEach(j -> {
        claimed.add(j.id());
        assertThat(j.status()).isEqualTo("sending");
      });
      assertThat(claimed).as("due jobs and the same message's open job, no quiet channel, no message in flight")
        .containsExactlyInAnyOrder(first, sibling, webhook).doesNotContain(quiet, waiting);

      // the same claim again, explained: what it reads does not grow with the sent jobs
      Tuple params = Tuple.of(NOW.atOffset(ZoneOffset.UTC), 10, UUID.randomUUID(), NOW.plusSeconds(30)
        .atOffset(ZoneOffset.UTC));
      for (int i = 0; i < DeliveryStore.QUIET_SLOTS; i++) {
        params.addString(i == 0 ? "discord" : "");
      }
      io.vertx.sqlclient.SqlConnection conn = await(pool.getConnection());
      JsonObject plan;
      try {
        io.vertx.sqlclient.Transaction tx = await(conn.begin());
        Row r = await(conn.preparedQuery("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "
          + DeliveryStore.claim(DeliveryStore.QUIET_SLOTS)).execute(params)).iterator().next();
        await(tx.rollback());
        Object v = r.getValue(0);
        plan = (v instanceof JsonArray ? (JsonArray) v : new JsonArray(v.toString())).getJsonObject(0);
      } finally {
        conn.close();
      }
      JsonObject top = plan.getJsonObject("Plan");
      long buffers = top.getLong("Shared Hit Blocks", 0L) + top.getLong("Shared Read Blocks", 0L);
      long pages = await(pool.query("SELECT relpages FROM pg_class WHERE relname = 'outbox'").execute())
        .iterator().next().getLong(0);
      assertThat(pages).as("pages of 40,000 sent jobs").isGreaterThan(300);
      assertThat(buffers).as("buffers a claim reads, against the table's " + pages + " pages; plan: " + plan.encode())
        .isLessThan(pages / 2);
    } finally {
      await(pool.close());
      await(vertx.close());
    }
  }

  private static long job(Statement s, UUID approval, String channel, String status, String next) throws Exception {
    try (var rs = s.executeQuery("INSERT INTO outbox (approval_id, channel, kind, payload, status, attempts, "
        + "next_attempt_at, created_at, updated_at) VALUES (" + (approval == null ? "NULL" : "'" + approval + "'")
        + ", '" + channel + "', 'approval.created', '{}', '" + status + "', 0, '" + next + "', '" + next + "', '" + next
        + "') RETURNING id")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
