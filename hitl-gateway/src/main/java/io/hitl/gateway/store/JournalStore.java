package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.json;
import static io.hitl.gateway.store.Json.odt;
import static io.hitl.gateway.store.Json.plainMap;

import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The audit journal. Each append updates the one-row journal_head in the same statement: its row lock
 * serializes appends (seq order is commit order, without gaps) and the new link is
 * sha256(prev_hash | seq | content_hash), the same expression {@link Hashing#chainHash} computes.
 */
public final class JournalStore {
  private static final String APPEND = "WITH h AS (UPDATE journal_head SET prev_hash = hash, seq = seq + 1, "
    + "hash = encode(sha256(convert_to(hash || '|' || (seq + 1) || '|' || $11, 'UTF8')), 'hex') "
    + "WHERE id = 1 RETURNING seq, prev_hash, hash) "
    + "INSERT INTO journal (seq, approval_id, target, actor, action, previous_state, new_state, payload, "
    + "correlation_id, error_code, created_at, prev_hash, hash) "
    + "SELECT h.seq, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, h.prev_hash, h.hash FROM h "
    + "RETURNING seq, prev_hash, hash";
  private static final String HEAD = "SELECT seq, hash FROM journal_head WHERE id = 1";
  private static final String HEAD_FOR_UPDATE = HEAD + " FOR UPDATE";
  private static final String INSERT = "INSERT INTO journal (seq, approval_id, target, actor, action, previous_state, "
    + "new_state, payload, correlation_id, error_code, created_at, prev_hash, hash) "
    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
  private static final String MOVE_HEAD = "UPDATE journal_head SET seq = $1, prev_hash = $2, hash = $3 WHERE id = 1";
  private static final String COLUMNS = "seq, approval_id, target, actor, action, previous_state, new_state, payload, "
    + "correlation_id, error_code, prev_hash, hash, created_at";
  private static final String BY_APPROVAL = "SELECT " + COLUMNS + " FROM journal WHERE approval_id = $1 "
    + "ORDER BY seq LIMIT $2";
  private static final String LATEST = "SELECT " + COLUMNS + " FROM journal ORDER BY seq DESC LIMIT $1";
  private static final String PAGE_AFTER = "SELECT " + COLUMNS + " FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2";
  private static final String BY_APPROVAL_AFTER = "SELECT " + COLUMNS + " FROM journal WHERE approval_id = $1 "
    + "AND seq > $2 ORDER BY seq LIMIT $3";
  private static final String MAX_SEQ = "SELECT coalesce(max(seq), 0) FROM journal";
  private static final String EXPORT = "SELECT " + COLUMNS + " FROM journal "
    + "WHERE ($1::timestamptz IS NULL OR created_at >= $1) AND ($2::timestamptz IS NULL OR created_at < $2) "
    + "AND ($3::text IS NULL OR action = $3) ORDER BY seq";

  /**
   * Appends entries in order inside the caller's transaction; returns them with seq and hashes.
   * Call it last in the transaction: the head row stays locked until commit.
   */
  public Future<List<JournalEntry>> append(SqlConnection c, List<JournalEntry> entries) {
    Future<List<JournalEntry>> f = Future.succeededFuture(new ArrayList<>());
    for (JournalEntry e : entries) {
      f = f.compose(done -> appendOne(c, e).map(saved -> {
        done.add(saved);
        return done;
      }));
    }
    return f;
  }

  /**
   * Appends many entries, in order, with one pass over the head: the head row is locked and read, the
   * links are computed here ({@link Hashing#chainHash}, as the one-statement append computes them in SQL),
   * then the entries are inserted as one batch and the head moved once. Three round trips whatever the
   * count, against one per entry; same seqs and hashes as appending them one by one. Call it last in
   * the transaction, like {@link #append}.
   */
  public Future<List<JournalEntry>> appendAll(SqlConnection c, List<JournalEntry> entries) {
    if (entries.size() <= 1) {
      return append(c, entries);
    }
    // a prepared statement the connection keeps: as a simple query it was planned for every batch (about 49 µs)
    return c.preparedQuery(HEAD_FOR_UPDATE).execute().compose(rs -> {
      Row head = rs.iterator().next();
      long seq = head.getLong("seq");
      String prev = head.getString("hash");
      String before = head.getString("hash");
      List<JournalEntry> saved = new ArrayList<>(entries.size());
      List<Tuple> rows = new ArrayList<>(entries.size());
      for (JournalEntry e : entries) {
        seq++;
        String hash = Hashing.chainHash(prev, seq, Hashing.contentHash(e));
        rows.add(Tuple.from(new Object[] {
          seq, e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(), e.newState(), json(e.payload()),
          e.correlationId(), e.errorCode(), odt(e.createdAt()), prev, hash
        }));
        saved.add(new JournalEntry(seq, e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(),
          e.newState(), e.payload(), e.correlationId(), e.errorCode(), prev, hash, e.createdAt()));
        before = prev;
        prev = hash;
      }
      long last = seq;
      String lastPrev = before;
      String lastHash = prev;
      // both go out together (the client pipelines them); the transaction fails if either does
      Future<?> inserted = c.preparedQuery(INSERT).executeBatch(rows);
      Future<?> moved = c.preparedQuery(MOVE_HEAD).execute(Tuple.of(last, lastPrev, lastHash));
      return Future.all(inserted, moved).map(saved);
    });
  }

  private Future<JournalEntry> appendOne(SqlClient c, JournalEntry e) {
    return c.preparedQuery(APPEND).execute(Tuple.from(new Object[] {
      e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(), e.newState(), json(e.payload()),
      e.correlationId(), e.errorCode(), odt(e.createdAt()), Hashing.contentHash(e)
    })).map(rs -> {
      Row r = rs.iterator().next();
      return new JournalEntry(r.getLong("seq"), e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(),
        e.newState(), e.payload(), e.correlationId(), e.errorCode(), r.getString("prev_hash"), r.getString("hash"),
        e.createdAt());
    });
  }

  /** The newest link as the head remembers it: {seq, hash}. */
  public Future<Head> head(SqlClient c) {
    return c.query(HEAD).execute().map(rs -> {
      Row r = rs.iterator().next();
      return new Head(r.getLong("seq"), r.getString("hash"));
    });
  }

  public record Head(long seq, String hash) {
  }

  public Future<List<JournalEntry>> byApproval(SqlClient c, UUID approvalId, int limit) {
    return c.preparedQuery(BY_APPROVAL).execute(Tuple.of(approvalId, limit)).map(JournalStore::entries);
  }

  public Future<List<JournalEntry>> latest(SqlClient c, int limit) {
    return c.preparedQuery(LATEST).execute(Tuple.of(limit)).map(JournalStore::entries);
  }

  public Future<List<JournalEntry>> pageAfter(SqlClient c, long afterSeq, int limit) {
    return c.preparedQuery(PAGE_AFTER).execute(Tuple.of(afterSeq, limit)).map(JournalStore::entries);
  }

  /** Entries of one request after a seq, for a stream that resumes. */
  public Future<List<JournalEntry>> byApprovalAfter(SqlClient c, UUID approvalId, long afterSeq, int limit) {
    return c.preparedQuery(BY_APPROVAL_AFTER).execute(Tuple.of(approvalId, afterSeq, limit)).map(JournalStore::entries);
  }

  /** Makes the transaction just begun on {@code c} one read-only, repeatable-read snapshot. */
  public Future<Void> snapshot(SqlConnection c) {
    return c.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute().mapEmpty();
  }

  /** The seq of the newest committed entry, 0 when the journal is empty. */
  public Future<Long> maxSeq(SqlClient c) {
    return c.query(MAX_SEQ).execute().map(rs -> rs.iterator().next().getLong(0));
  }

  /**
   * The matching entries in seq order through a cursor that fetches {@code fetch} rows at a time; call it
   * inside a transaction on {@code c} (PostgreSQL cursors live in one) and close the stream when done.
   */
  public Future<RowStream<Row>> stream(SqlConnection c, Instant from, Instant to, String action, int fetch) {
    return c.prepare(EXPORT).map(ps -> ps.createStream(fetch, Tuple.of(odt(from), odt(to), action)));
  }

  private static List<JournalEntry> entries(Iterable<Row> rows) {
    List<JournalEntry> l = new ArrayList<>();
    for (Row r : rows) {
      l.add(entry(r));
    }
    return l;
  }

  /** One journal row as an entry. */
  public static JournalEntry entry(Row r) {
    return new JournalEntry(r.getLong("seq"), r.getUUID("approval_id"), r.getString("target"), r.getString("actor"),
      r.getString("action"), r.getString("previous_state"), r.getString("new_state"),
      plainMap(r.getJsonObject("payload")), r.getString("correlation_id"), r.getString("error_code"),
      r.getString("prev_hash"), r.getString("hash"), instant(r.getOffsetDateTime("created_at")));
  }
}
