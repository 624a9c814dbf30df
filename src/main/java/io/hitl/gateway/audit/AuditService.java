package io.hitl.gateway.audit;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ChainCheck;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.ArchiveStore;
import io.hitl.gateway.store.ArchiveStore.Anchor;
import io.hitl.gateway.store.JournalStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the journal and proves it: every link of the hash chain and every approval row hash. */
public final class AuditService {
  private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
  private static final int BATCH = 1000;
  private static final int MAX_REPORTED = 100;
  private final Vertx vertx;
  private final Pool pool;
  private final JournalStore journal = new JournalStore();
  private final Journal writer;
  private final ApprovalStore approvals = new ApprovalStore();
  private final ArchiveStore archive = new ArchiveStore();

  /** With {@code vertx}, archive files are read on a worker thread; without, on the caller's (offline use). */
  public AuditService(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.writer = vertx == null ? Journal.unannounced() : Journal.on(vertx);
  }

  public Future<List<JournalEntry>> query(UUID approvalId, int limit) {
    return approvalId == null ? journal.latest(pool, limit) : journal.byApproval(pool, approvalId, limit);
  }

  /**
   * Result of a full verification. {@code archivedSegments} anchors were crossed; {@code archiveFilesChecked}
   * says whether their files were re-read too.
   */
  public record Report(long journalChecked, Long firstBrokenSeq, String journalProblem, long approvalsChecked,
      List<UUID> approvalsInvalid, int archivedSegments, boolean archiveFilesChecked) {
    public boolean valid() {
      return firstBrokenSeq == null && approvalsInvalid.isEmpty();
    }
  }

  /** Appends the audit_exported entry that records who exported what, before the export streams. */
  public Future<Void> recordExport(Clock clock, String actor, ExportQuery q, String correlationId) {
    JournalEntry e = JournalEntry.of(null, "journal", actor, "audit_exported", null, null, q.describe(),
      correlationId, null, clock.instant());
    return writer.inTransaction(pool, tx -> tx.append(e)).mapEmpty();
  }

  /** Verifies the live journal, starting from the newest archive anchor (the files are not read). */
  public Future<Report> verify() {
    return verify(null);
  }

  /**
   * Verifies the chain of anchors, then (with {@code archiveDir}) every archived segment file, then the
   * live journal from where the archive ends, then every approval row hash.
   */
  public Future<Report> verify(Path archiveDir) {
    // one snapshot for anchors, journal, head and approvals: an append or a retention run that commits
    // meanwhile is not half seen (which would look like removed entries)
    return pool.getConnection().compose(conn -> conn.begin().compose(tx ->
        journal.snapshot(conn).compose(v -> verify(conn, archiveDir))
          .eventually(tx::rollback))
      .eventually(conn::close))
      .onSuccess(r -> {
        if (!r.valid()) {
          LOG.error("audit verification failed: journal broken at seq {} ({}), {} approval row(s) with bad hashes",
            r.firstBrokenSeq(), r.journalProblem(), r.approvalsInvalid().size());
        }
      });
  }

  private Future<Report> verify(SqlConnection conn, Path archiveDir) {
    Promise<Report> p = Promise.promise();
    ChainState s = new ChainState(conn);
    archive.anchors(conn).compose(anchors -> {
      s.anchors = anchors.size();
      s.filesChecked = archiveDir != null && !anchors.isEmpty();
      Future<Void> f = Future.succeededFuture();
      for (Anchor a : anchors) {
        f = f.compose(v -> crossAnchor(s.chain, a, archiveDir));
      }
      return f;
    }).onFailure(p::fail).onSuccess(v -> verifyJournal(s, p));
    return p.future();
  }

  private Future<Void> crossAnchor(ChainCheck chain, Anchor a, Path archiveDir) {
    if (a.firstSeq() != chain.lastSeq() + 1 || !Hashing.same(a.firstPrevHash(), chain.lastHash())) {
      chain.fail(a.firstSeq(), "archived segment " + a.fileName() + " does not continue the chain before it "
        + "(an anchor was removed or changed)");
    }
    if (archiveDir == null) {
      chain.skipTo(a.lastSeq(), a.lastHash());
      return Future.succeededFuture();
    }
    if (vertx == null) {
      ArchiveFiles.verify(archiveDir, a, chain);
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      ArchiveFiles.verify(archiveDir, a, chain);
      return null;
    }, true).mapEmpty();
  }

  private static final class ChainState {
    final SqlClient db;
    final ChainCheck chain = ChainCheck.fromGenesis();
    int anchors;
    boolean filesChecked;
    UUID lastId = new UUID(0, 0);
    long approvalsChecked;
    final List<UUID> invalid = new ArrayList<>();

    ChainState(SqlClient db) {
      this.db = db;
    }
  }

  private void verifyJournal(ChainState s, Promise<Report> p) {
    journal.pageAfter(s.db, s.chain.lastSeq(), BATCH).onFailure(p::fail).onSuccess(page -> {
      for (JournalEntry e : page) {
        s.chain.accept(e);
      }
      if (page.size() == BATCH) {
        verifyJournal(s, p);
      } else {
        journal.head(s.db).onFailure(p::fail).onSuccess(head -> {
          if (head.seq() != s.chain.lastSeq() || !Hashing.same(head.hash(), s.chain.lastHash())) {
            s.chain.fail(s.chain.lastSeq() + 1, "the journal ends at seq " + s.chain.lastSeq()
              + " but its head is at seq " + head.seq() + " (the newest entries were removed)");
          }
          verifyApprovals(s, p);
        });
      }
    });
  }

  private void verifyApprovals(ChainState s, Promise<Report> p) {
    approvals.pageById(s.db, s.lastId, BATCH).onFailure(p::fail).onSuccess(rows -> {
      for (Approval a : rows) {
        s.approvalsChecked++;
        if (!a.integrityOk() && s.invalid.size() < MAX_REPORTED) {
          s.invalid.add(a.id());
        }
        s.lastId = a.id();
      }
      if (rows.size() == BATCH) {
        verifyApprovals(s, p);
      } else {
        p.complete(new Report(s.chain.checked(), s.chain.brokenSeq(), s.chain.problem(), s.approvalsChecked,
          List.copyOf(s.invalid), s.anchors, s.filesChecked));
      }
    });
  }
}
