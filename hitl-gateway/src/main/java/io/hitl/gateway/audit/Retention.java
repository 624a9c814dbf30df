package io.hitl.gateway.audit;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.ChainCheck;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.store.ArchiveStore;
import io.hitl.gateway.store.ArchiveStore.Anchor;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.JournalStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves journal entries older than HITL_RETENTION_DAYS into NDJSON segment files. One node at a time
 * (a PostgreSQL advisory lock), oldest first, never past an entry of a request that is still pending:
 * the segment is written under a temporary name, fsynced and renamed, then its anchor is inserted and
 * the archived entries deleted in one transaction, which also journals a {@code journal_archived} entry.
 */
public final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  /** Entries per segment file at most. */
  public static final int SEGMENT_MAX = 50_000;
  private static final int PAGE = 1000;

  private final Vertx vertx;
  private final Pool pool;
  private final Clock clock;
  private final int days;
  private final Path dir;
  private final JournalStore journal = new JournalStore();
  private final Journal writer;
  private final ArchiveStore archive = new ArchiveStore();

  public Retention(Vertx vertx, Pool pool, GatewayConfig config, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.writer = Journal.on(vertx);
    this.clock = clock;
    this.days = config.retentionDays;
    this.dir = config.archiveDir;
  }

  /** Archives what is due; completes with the segments written (empty when another node holds the lock). */
  public Future<List<Anchor>> runOnce() {
    if (days == 0) {
      return Future.succeededFuture(List.of());
    }
    Instant cutoff = clock.instant().minus(Duration.ofDays(days));
    return pool.getConnection().compose(conn -> archive.tryLock(conn).compose(locked -> {
      if (!locked) {
        return Future.succeededFuture(List.<Anchor>of());
      }
      List<Anchor> written = new ArrayList<>();
      return next(conn, cutoff, written).map(v -> written).eventually(() -> archive.unlock(conn));
    }).eventually(conn::close)).onFailure(t -> LOG.error("journal retention failed: {}", t.getMessage()));
  }

  private Future<Void> next(SqlConnection conn, Instant cutoff, List<Anchor> written) {
    return archive.anchors(conn).compose(anchors -> {
      Anchor before = anchors.isEmpty() ? null : anchors.get(anchors.size() - 1);
      long after = before == null ? 0 : before.lastSeq();
      String prev = before == null ? Hashing.GENESIS : before.lastHash();
      return archive.archivableUntil(conn, after, cutoff).compose(until -> {
        long last = Math.min(until, after + SEGMENT_MAX);
        if (last <= after) {
          return Future.succeededFuture();
        }
        return segment(conn, new ChainCheck(after, prev), last, cutoff).compose(a -> {
          written.add(a);
          return next(conn, cutoff, written);
        });
      });
    });
  }

  private Future<Anchor> segment(SqlConnection conn, ChainCheck chain, long last, Instant cutoff) {
    long first = chain.lastSeq() + 1;
    String firstPrev = chain.lastHash();
    String name = ArchiveFiles.fileName(first, last);
    return vertx.executeBlocking(() -> new ArchiveFiles.SegmentWriter(dir, first), true).compose(writer ->
      copy(conn, writer, chain, last)
        .compose(v -> chain.ok() ? vertx.executeBlocking(() -> writer.finish(name), true)
          : Future.<String>failedFuture("the journal is broken at seq " + chain.brokenSeq() + " (" + chain.problem()
            + "); nothing is archived until verify passes"))
        .eventually(() -> vertx.executeBlocking(() -> {
          writer.close();
          return null;
        }, true)))
      .compose(sha -> {
        Anchor a = new Anchor(first, last, name, firstPrev, chain.lastHash(), sha, last - first + 1, cutoff,
          clock.instant());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("file", name);
        payload.put("first_seq", first);
        payload.put("last_seq", last);
        payload.put("last_hash", a.lastHash());
        payload.put("file_sha256", sha);
        JournalEntry note = JournalEntry.of(null, "journal", "retention", "journal_archived", null, null, payload,
          null, null, clock.instant());
        Journal.Unit unit = writer.unit(conn);
        return conn.begin().compose(tx -> archive.insert(conn, a)
          .compose(v -> archive.deleteArchived(conn, first, last))
          .compose(n -> n == a.entries() ? unit.append(note)
            : Future.failedFuture("expected to remove " + a.entries() + " entries, removed " + n))
          .compose(v -> tx.commit())
          .onSuccess(v -> unit.committed())
          .onFailure(t -> tx.rollback())
          .map(v -> {
            LOG.info("archived journal seq {}..{} to {} (sha256 {})", first, last, name, sha);
            return a;
          }));
      });
  }

  /** Copies entries after the chain's position up to {@code last} into the file, checking every link. */
  private Future<Void> copy(SqlConnection conn, ArchiveFiles.SegmentWriter writer, ChainCheck chain, long last) {
    return journal.pageAfter(conn, chain.lastSeq(), PAGE).compose(page -> {
      List<JournalEntry> part = page.stream().filter(e -> e.seq() <= last).toList();
      part.forEach(chain::accept);
      if (part.isEmpty()) {
        if (chain.lastSeq() != last) {
          chain.fail(chain.lastSeq() + 1, "entries up to seq " + last + " are missing");
        }
        return Future.succeededFuture();
      }
      return vertx.executeBlocking(() -> {
        writer.write(part);
        return null;
      }, true).compose(v -> chain.lastSeq() >= last || !chain.ok() ? Future.<Void>succeededFuture()
        : copy(conn, writer, chain, last));
    });
  }
}
