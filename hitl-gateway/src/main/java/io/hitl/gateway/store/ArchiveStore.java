package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.odt;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Anchors of archived journal segments (journal_archive) and the retention job's queries. */
public final class ArchiveStore {
  /** Key of the PostgreSQL advisory lock that lets one node at a time run the retention job. */
  public static final long RETENTION_LOCK = 0x4849544c_52455431L;
  private static final String COLUMNS = "first_seq, last_seq, file_name, first_prev_hash, last_hash, file_sha256, "
    + "entries, cutoff, archived_at";
  private static final String ALL = "SELECT " + COLUMNS + " FROM journal_archive ORDER BY first_seq";
  private static final String INSERT = "INSERT INTO journal_archive (" + COLUMNS + ") "
    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
  private static final String LAST_ARCHIVED = "SELECT coalesce(max(last_seq), 0) FROM journal_archive";
  /**
   * The first entry after $1 that must stay: written at or after the cutoff, or about a request that
   * is still pending. Everything before it (and after $1) may be archived.
   */
  private static final String FIRST_KEPT = "SELECT coalesce("
    + "(SELECT min(seq) FROM journal j WHERE seq > $1 AND (created_at >= $2 OR EXISTS "
    + "(SELECT 1 FROM approvals a WHERE a.id = j.approval_id AND a.status = 'PENDING'))), "
    + "(SELECT max(seq) + 1 FROM journal WHERE seq > $1), $1 + 1)";
  private static final String DELETE = "DELETE FROM journal WHERE seq BETWEEN $1 AND $2";
  private static final String TRY_LOCK = "SELECT pg_try_advisory_lock($1)";
  private static final String UNLOCK = "SELECT pg_advisory_unlock($1)";

  /** One archived segment: the file, its entries' seq range, the chain at both ends and the file's sha256. */
  public record Anchor(long firstSeq, long lastSeq, String fileName, String firstPrevHash, String lastHash,
      String fileSha256, long entries, Instant cutoff, Instant archivedAt) {
  }

  public Future<List<Anchor>> anchors(SqlClient c) {
    return c.query(ALL).execute().map(rs -> {
      List<Anchor> l = new ArrayList<>();
      for (Row r : rs) {
        l.add(new Anchor(r.getLong("first_seq"), r.getLong("last_seq"), r.getString("file_name"),
          r.getString("first_prev_hash"), r.getString("last_hash"), r.getString("file_sha256"), r.getLong("entries"),
          instant(r.getOffsetDateTime("cutoff")), instant(r.getOffsetDateTime("archived_at"))));
      }
      return l;
    });
  }

  public Future<Void> insert(SqlConnection c, Anchor a) {
    return c.preparedQuery(INSERT).execute(Tuple.from(new Object[] {
      a.firstSeq(), a.lastSeq(), a.fileName(), a.firstPrevHash(), a.lastHash(), a.fileSha256(), a.entries(),
      odt(a.cutoff()), odt(a.archivedAt())
    })).mapEmpty();
  }

  /** The newest archived seq, 0 when nothing was archived. */
  public Future<Long> lastArchived(SqlClient c) {
    return c.query(LAST_ARCHIVED).execute().map(rs -> rs.iterator().next().getLong(0));
  }

  /** The newest seq after {@code afterSeq} that may be archived (== afterSeq when none may). */
  public Future<Long> archivableUntil(SqlClient c, long afterSeq, Instant cutoff) {
    return c.preparedQuery(FIRST_KEPT).execute(Tuple.of(afterSeq, odt(cutoff)))
      .map(rs -> rs.iterator().next().getLong(0) - 1);
  }

  /** Deletes archived entries; allowed by the journal trigger only once their anchor exists. */
  public Future<Integer> deleteArchived(SqlConnection c, long firstSeq, long lastSeq) {
    return c.preparedQuery(DELETE).execute(Tuple.of(firstSeq, lastSeq)).map(rs -> rs.rowCount());
  }

  public Future<Boolean> tryLock(SqlConnection c) {
    return c.preparedQuery(TRY_LOCK).execute(Tuple.of(RETENTION_LOCK)).map(rs -> rs.iterator().next().getBoolean(0));
  }

  public Future<Void> unlock(SqlConnection c) {
    return c.preparedQuery(UNLOCK).execute(Tuple.of(RETENTION_LOCK)).mapEmpty();
  }
}
