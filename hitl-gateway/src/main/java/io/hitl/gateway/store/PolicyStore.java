package io.hitl.gateway.store;

import static io.hitl.gateway.store.Json.instant;
import static io.hitl.gateway.store.Json.json;
import static io.hitl.gateway.store.Json.odt;
import static io.hitl.gateway.store.Json.plainMap;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** SQL of the versioned policy documents. */
public final class PolicyStore {
  /** The newest version; its document only when it is not the version the caller already holds. */
  private static final String LATEST = "SELECT version, hash, md5(document::text) AS digest, xmin::text AS stamp, created_by, "
    + "created_at, CASE WHEN version = $1 THEN NULL ELSE document END AS document FROM policies ORDER BY version DESC LIMIT 1";
  private static final String BY_VERSION = "SELECT version, hash, md5(document::text) AS digest, xmin::text AS stamp, "
    + "created_by, created_at, document FROM policies WHERE version = $1";
  private static final String VERSIONS = "SELECT version, hash, md5(document::text) AS digest, xmin::text AS stamp, "
    + "created_by, created_at, NULL::jsonb AS document FROM policies ORDER BY version DESC LIMIT $1";
  private static final String ALL = "SELECT version, hash, md5(document::text) AS digest, xmin::text AS stamp, "
    + "created_by, created_at, document FROM policies WHERE version > $1 ORDER BY version LIMIT $2";
  /**
   * The newest version's number and row stamp, nothing else: what a create checks its cached document against.
   * The stamp is the row's xmin, the transaction that wrote it: an UPDATE (or a delete and insert) of the row
   * writes a new one, so a document changed in place under the same version is noticed without hashing it.
   */
  private static final String NEWEST_STAMP = "SELECT version, xmin::text AS stamp FROM policies ORDER BY version DESC "
    + "LIMIT 1";
  /** Serializes PUTs, so versions are consecutive and every PUT sees the one before it. */
  private static final String LOCK = "SELECT 1 FROM (SELECT pg_advisory_xact_lock(8008)) AS l";
  private static final String INSERT = "INSERT INTO policies (version, document, hash, created_by, created_at) "
    + "SELECT coalesce(max(version), 0) + 1, $1, $2, $3, $4 FROM policies RETURNING version";

  /**
   * One stored version; {@code document} is null when it was not asked for; {@code stamp} is the row's xmin
   * (see {@link #newestStamp}).
   */
  public record Version(int version, String hash, String digest, String stamp, String createdBy, Instant createdAt,
      Map<String, Object> document) {
  }

  /** The newest version's number and row stamp; version 0 and a null stamp while none was saved. */
  public record Stamp(int version, String stamp) {
    public static final Stamp NONE = new Stamp(0, null);
  }

  /** The newest version's number and row stamp (one index row, no document read or hashed). */
  public Future<Stamp> newestStamp(SqlClient c) {
    return c.preparedQuery(NEWEST_STAMP).execute().map(rs -> {
      var it = rs.iterator();
      if (!it.hasNext()) {
        return Stamp.NONE;
      }
      Row r = it.next();
      return new Stamp(r.getInteger("version"), r.getString("stamp"));
    });
  }

  /** The newest version (document included unless it is {@code knownVersion}), or null when none was saved. */
  public Future<Version> latest(SqlClient c, int knownVersion) {
    return c.preparedQuery(LATEST).execute(Tuple.of(knownVersion)).map(rs -> {
      var it = rs.iterator();
      return it.hasNext() ? version(it.next()) : null;
    });
  }

  public Future<Version> byVersion(SqlClient c, int version) {
    return c.preparedQuery(BY_VERSION).execute(Tuple.of(version)).map(rs -> {
      var it = rs.iterator();
      return it.hasNext() ? version(it.next()) : null;
    });
  }

  public Future<List<Version>> versions(SqlClient c, int limit) {
    return c.preparedQuery(VERSIONS).execute(Tuple.of(limit)).map(rs -> {
      List<Version> l = new ArrayList<>();
      rs.forEach(r -> l.add(version(r)));
      return l;
    });
  }

  /** Versions after {@code afterVersion}, oldest first, with their documents: a page of a full read. */
  public Future<List<Version>> pageAfter(SqlClient c, int afterVersion, int limit) {
    return c.preparedQuery(ALL).execute(Tuple.of(afterVersion, limit)).map(rs -> {
      List<Version> l = new ArrayList<>();
      rs.forEach(r -> l.add(version(r)));
      return l;
    });
  }

  /** Inserts the next version inside the caller's transaction; returns its number. */
  public Future<Integer> insert(SqlClient c, Map<String, Object> document, String hash, String createdBy,
      Instant at) {
    return c.query(LOCK).execute()
      .compose(v -> c.preparedQuery(INSERT).execute(Tuple.of(json(document), hash, createdBy, odt(at))))
      .map(rs -> rs.iterator().next().getInteger(0));
  }

  private static Version version(Row r) {
    return new Version(r.getInteger("version"), r.getString("hash"), r.getString("digest"), r.getString("stamp"),
      r.getString("created_by"),
      instant(r.getOffsetDateTime("created_at")), plainMap(r.getJsonObject("document")));
  }
}
