package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;
import static io.hitl.gateway.store.Json.plainMap;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Delivery side of the outbox: claiming due jobs, recording each attempt's outcome, listing and re-queueing.
 * Jobs are never deleted; a dead job stays 'failed' with its attempts and last error.
 */
public final class DeliveryStore {
  /** Key of the advisory lock that serializes claims across nodes (claims take milliseconds). */
  private static final long CLAIM_LOCK = 0x48544e59L;
  private static final String LOCK = "SELECT pg_advisory_xact_lock(" + CLAIM_LOCK + ")";
  private static final String MESSAGE_CHANNELS = "('slack', 'discord')";
  private static final String COLUMNS = "id, approval_id, channel, kind, payload, status, attempts, next_attempt_at, "
    + "last_error, created_at, updated_at, sent_at";
  /** Parameters for quiet channels in the claim: as many as there are channels, padded with '' (no channel's name). */
  static final int QUIET_SLOTS = 8;
  /** The claim for {@link #QUIET_SLOTS} quiet channels (more, never seen, get a statement of their own size). */
  private static final String CLAIM = claim(QUIET_SLOTS);

  /**
   * Due jobs, plus every other open job for the same chat message: one send renders the request's current
   * state for all of them. A message with a send in flight elsewhere (live lease) waits, so two nodes never
   * post or edit the same message at once. The rows to update are found through indexes (the due ones in time
   * order, the same message's by message): an {@code OR} of the two in the update's own condition made PostgreSQL
   * read the whole table on every claim, sent jobs included, which are never deleted (17 ms a claim at 100,000
   * jobs); the update checks again what made a row a target (a seed, or still pending), as the single condition did
   * for a row changed since the statement's snapshot. The quiet channels are one parameter each: PostgreSQL priced {@code = ANY($n)} over an array of
   * unknown length above its custom plans and planned the claim again every time.
   */
  static String claim(int quietSlots) {
    StringBuilder quiet = new StringBuilder();
    for (int i = 0; i < quietSlots; i++) {
      quiet.append(i == 0 ? "" : ", ").append('$').append(5 + i);
    }
    return "WITH seeds AS ("
      + " SELECT o.id FROM outbox o"
      + " WHERE o.status IN ('pending', 'sending') AND o.next_attempt_at <= $1 AND NOT (o.channel IN (" + quiet + "))"
      + " AND NOT (o.approval_id IS NOT NULL AND o.channel IN " + MESSAGE_CHANNELS + " AND EXISTS ("
      + "   SELECT 1 FROM outbox s WHERE s.approval_id = o.approval_id AND s.channel = o.channel"
      + "   AND s.status = 'sending' AND s.next_attempt_at > $1))"
      + " ORDER BY o.next_attempt_at, o.id LIMIT $2 FOR UPDATE SKIP LOCKED"
      + "), messages AS ("
      + " SELECT DISTINCT o.approval_id, o.channel FROM outbox o JOIN seeds ON seeds.id = o.id"
      + " WHERE o.approval_id IS NOT NULL AND o.channel IN " + MESSAGE_CHANNELS
      + "), targets AS ("
      + " SELECT id FROM seeds UNION SELECT o.id FROM outbox o JOIN messages m"
      + " ON o.approval_id = m.approval_id AND o.channel = m.channel WHERE o.status = 'pending'"
      + ") UPDATE outbox u SET status = 'sending', claim_token = $3, attempts = u.attempts + 1, next_attempt_at = $4,"
      + " updated_at = $1"
      + " WHERE u.id IN (SELECT id FROM targets) AND (u.status = 'pending' OR u.id IN (SELECT id FROM seeds))"
      + " RETURNING " + COLUMNS;
  }
  /** last_error is kept: a job delivered on its fourth attempt still shows what went wrong before. */
  private static final String DELIVERED = "UPDATE outbox SET status = 'sent', sent_at = $3, claim_token = NULL, "
    + "updated_at = $3 WHERE id = $1 AND claim_token = $2";
  private static final String RETRY_LATER = "UPDATE outbox SET status = 'pending', next_attempt_at = $3, last_error = $4, "
    + "claim_token = NULL, updated_at = $5 WHERE id = $1 AND claim_token = $2";
  private static final String FAILED = "UPDATE outbox SET status = 'failed', last_error = $3, claim_token = NULL, "
    + "updated_at = $4 WHERE id = $1 AND claim_token = $2";
  /** A job that may exist once per request and kind (see the unique index of V12); a repeat is dropped. */
  private static final String INSERT_ONCE = "INSERT INTO outbox (approval_id, channel, kind, payload, status, attempts, "
    + "next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', 0, $5, $5, $5) ON CONFLICT DO NOTHING";
  private static final String FIND = "SELECT " + COLUMNS + " FROM outbox WHERE id = $1";
  private static final String REQUEUE = "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, "
    + "updated_at = $2 WHERE id = $1 AND status = 'failed' RETURNING " + COLUMNS;

  /** One outbox row. */
  public record Job(long id, UUID approvalId, String channel, String kind, Map<String, Object> payload, String status,
      int attempts, Instant nextAttemptAt, String lastError, Instant createdAt, Instant updatedAt, Instant sentAt) {
  }

  /**
   * Claims due jobs until {@code leaseUntil}, none of the channels in {@code quiet} (a service there asked to
   * wait); the token proves the claim when the outcome is written.
   */
  public Future<List<Job>> claim(Pool pool, Instant now, int limit, Instant leaseUntil, UUID token,
      List<String> quiet) {
    int slots = Math.max(QUIET_SLOTS, quiet.size());
    Tuple params = Tuple.of(odt(now), limit, token, odt(leaseUntil));
    for (int i = 0; i < slots; i++) {
      params.addString(i < quiet.size() ? quiet.get(i) : "");
    }
    String sql = slots == QUIET_SLOTS ? CLAIM : claim(slots);
    return pool.withTransaction(c -> c.preparedQuery(LOCK).execute()
      .compose(x -> c.preparedQuery(sql).execute(params))
      .map(DeliveryStore::jobs));
  }

  public Future<Boolean> delivered(SqlClient c, long id, UUID token, Instant now) {
    return c.preparedQuery(DELIVERED).execute(Tuple.of(id, token, odt(now))).map(rs -> rs.rowCount() == 1);
  }

  public Future<Boolean> retryLater(SqlClient c, long id, UUID token, Instant at, String error, Instant now) {
    return c.preparedQuery(RETRY_LATER).execute(Tuple.of(id, token, odt(at), error, odt(now)))
      .map(rs -> rs.rowCount() == 1);
  }

  public Future<Boolean> failed(SqlClient c, long id, UUID token, String error, Instant now) {
    return c.preparedQuery(FAILED).execute(Tuple.of(id, token, error, odt(now))).map(rs -> rs.rowCount() == 1);
  }

  /** Marks a job failed and, if that took, adds a follow-up job that exists at most once (true when added). */
  public Future<Boolean> failedWithFollowUp(Pool pool, long id, UUID token, String error, Instant now,
      OutboxStore.Job followUp) {
    return pool.withTransaction(c -> failed(c, id, token, error, now).compose(marked -> !marked
      ? Future.succeededFuture(false)
      : c.preparedQuery(INSERT_ONCE).execute(Tuple.of(followUp.approvalId(), followUp.channel(), followUp.kind(),
        Json.json(followUp.payload()), odt(now))).map(rs -> rs.rowCount() == 1)));
  }

  public Future<Job> find(SqlClient c, long id) {
    return c.preparedQuery(FIND).execute(Tuple.of(id)).map(rs -> {
      List<Job> l = jobs(rs);
      return l.isEmpty() ? null : l.get(0);
    });
  }

  /** A dead job back to pending with a fresh set of attempts; null when the job is not 'failed'. */
  public Future<Job> requeueFailed(SqlClient c, long id, Instant now) {
    return c.preparedQuery(REQUEUE).execute(Tuple.of(id, odt(now))).map(rs -> {
      List<Job> l = jobs(rs);
      return l.isEmpty() ? null : l.get(0);
    });
  }

  /** Newest first; {@code before} is the id of the last row of the previous page. */
  public Future<List<Job>> list(SqlClient c, String status, String channel, UUID approvalId, Long before, int limit) {
    List<Object> params = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM outbox WHERE true");
    if (status != null) {
      params.add(status);
      sql.append(" AND status = $").append(params.size());
    }
    if (channel != null) {
      params.add(channel);
      sql.append(" AND channel = $").append(params.size());
    }
    if (approvalId != null) {
      params.add(approvalId);
      sql.append(" AND approval_id = $").append(params.size());
    }
    if (before != null) {
      params.add(before);
      sql.append(" AND id < $").append(params.size());
    }
    params.add(limit);
    sql.append(" ORDER BY id DESC LIMIT $").append(params.size());
    return c.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(DeliveryStore::jobs);
  }

  private static List<Job> jobs(RowSet<Row> rs) {
    List<Job> l = new ArrayList<>();
    for (Row r : rs) {
      l.add(new Job(r.getLong("id"), r.getUUID("approval_id"), r.getString("channel"), r.getString("kind"),
        plainMap(r.getJsonObject("payload")), r.getString("status"), r.getInteger("attempts"),
        instant(r.getOffsetDateTime("next_attempt_at")), r.getString("last_error"),
        instant(r.getOffsetDateTime("created_at")), instant(r.getOffsetDateTime("updated_at")),
        instant(r.getOffsetDateTime("sent_at"))));
    }
    return l;
  }
}
