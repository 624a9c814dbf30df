package io.hitl.gateway.audit;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ChainCheck;
import io.hitl.gateway.core.CheckpointCheck;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.replay.Difference;
import io.hitl.gateway.core.replay.GuardReplay;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.ArchiveStore;
import io.hitl.gateway.store.ArchiveStore.Anchor;
import io.hitl.gateway.store.JournalStore;
import io.hitl.gateway.store.PretradeStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the journal and proves it: every link of the hash chain and every approval row hash. */
public final class AuditService {
  private static final Logger LOG = LoggerFactory.getLogger(AuditService.class);
  private static final int BATCH = 1000;
  /** How many worker threads hash one page of the journal side by side: one per core. */
  private static final int HASH_SHARES = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final int MAX_REPORTED = 100;
  private final Vertx vertx;
  private final Pool pool;
  private final JournalStore journal = new JournalStore();
  private final Journal writer;
  private final ApprovalStore approvals = new ApprovalStore();
  private final ArchiveStore archive = new ArchiveStore();
  private final ApprovalReplay replay = new ApprovalReplay();

  private final Path checkpointDir;
  private final Map<String, PublicKey> trustedKeys;
  private final GuardTables guards = new GuardTables();
  private final PretradeStore pretrade = new PretradeStore();

  /** With {@code vertx}, archive files are read on a worker thread; without, on the caller's (offline use). */
  public AuditService(Vertx vertx, Pool pool) {
    this(vertx, pool, null, Map.of());
  }

  /** Also checks the chain against the checkpoints in {@code checkpointDir} signed by {@code trustedKeys}. */
  public AuditService(Vertx vertx, Pool pool, Path checkpointDir, Map<String, PublicKey> trustedKeys) {
    this.vertx = vertx;
    this.pool = pool;
    this.checkpointDir = checkpointDir;
    this.trustedKeys = Map.copyOf(trustedKeys);
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
      List<UUID> approvalsInvalid, int archivedSegments, boolean archiveFilesChecked, ApprovalReplay.Result replay,
      Checkpoints checkpoints, Guards guards, Long fromCheckpointSeq) {
    public boolean valid() {
      return firstBrokenSeq == null && approvalsInvalid.isEmpty() && replay.ok() && checkpoints.problems().isEmpty()
        && guards.differences().isEmpty();
    }
  }

  /**
   * The chain against its signed checkpoints: how many matched, how many lie in archived segments that were
   * not re-read, and every problem (a hash that differs, a checkpoint past the end, a bad signature).
   */
  public record Checkpoints(boolean configured, int matched, int notCompared, List<String> problems) {
  }

  /** The guard tables against their replay; {@code replayed} is false while archived history was not read. */
  public record Guards(boolean replayed, List<Difference> differences) {
  }

  /** Appends the audit_exported entry that records who exported what, before the export streams. */
  public Future<Void> recordExport(Clock clock, io.hitl.gateway.core.Actor actor, ExportQuery q, String correlationId) {
    JournalEntry e = actor.stamp(JournalEntry.of(null, "journal", actor.subject(), "audit_exported", null, null,
      q.describe(), correlationId, null, clock.instant()));
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
    return verify(archiveDir, false);
  }

  /**
   * As {@link #verify(Path)}; with {@code fromCheckpoint} the chain is checked only from the newest signed
   * checkpoint within the live journal (its entry must carry the signed hash and match its own content),
   * so the cost follows what was appended since. Without such a checkpoint the whole chain is checked.
   */
  public Future<Report> verify(Path archiveDir, boolean fromCheckpoint) {
    // one snapshot for anchors, journal, head and approvals: an append or a retention run that commits
    // meanwhile is not half seen (which would look like removed entries)
    return pool.getConnection().compose(conn -> conn.begin().compose(tx ->
        journal.snapshot(conn).compose(v -> verify(conn, archiveDir, fromCheckpoint))
          .eventually(tx::rollback))
      .eventually(conn::close))
      .onSuccess(r -> {
        if (!r.valid()) {
          LOG.error("audit verification failed: journal broken at seq {} ({}), {} approval row(s) with bad hashes, "
            + "{} difference(s) from the journal's replay, checkpoint problems {}, guard table differences {}",
            r.firstBrokenSeq(), r.journalProblem(), r.approvalsInvalid().size(), r.replay().mismatchCount(),
            r.checkpoints().problems(), r.guards().differences().stream().map(Difference::describe).toList());
        }
      });
  }

  private Future<Report> verify(SqlConnection conn, Path archiveDir, boolean fromCheckpoint) {
    Promise<Report> p = Promise.promise();
    ChainState s = new ChainState(conn);
    s.fromCheckpoint = fromCheckpoint;
    blocking(() -> checkpointDir == null ? new CheckpointCheck(List.of(), List.of())
      : CheckpointFiles.read(checkpointDir, trustedKeys)).compose(cps -> {
        s.checkpoints = cps;
        return archive.anchors(conn);
      }).compose(anchors -> {
      s.anchors = anchors.size();
      s.filesChecked = archiveDir != null && !anchors.isEmpty();
      Future<Void> f = Future.succeededFuture();
      for (Anchor a : anchors) {
        s.archivedThrough = Math.max(s.archivedThrough, a.lastSeq());
        f = f.compose(v -> crossAnchor(s, a, archiveDir));
      }
      return s.fromCheckpoint && archiveDir == null ? f.compose(v -> startAtCheckpoint(s)) : f;
    }).onFailure(p::fail).onSuccess(v -> verifyJournal(s, p));
    return p.future();
  }

  /**
   * Moves the walk to the newest signed checkpoint past the archive: the entry at its seq must carry the
   * signed hash and match its own link, then the chain continues from it. Checkpoints before it are not
   * compared; the guard tables, which need the whole history, are not replayed.
   */
  private Future<Void> startAtCheckpoint(ChainState s) {
    CheckpointCheck.Signed newest = s.checkpoints.newestAbove(s.chain.lastSeq());
    if (newest == null) {
      return Future.succeededFuture();
    }
    long seq = newest.checkpoint().seq();
    return journal.pageAfter(s.db, seq - 1, 1).map(page -> {
      JournalEntry e = page.isEmpty() ? null : page.get(0);
      if (e == null || e.seq() != seq || !Hashing.same(e.hash(), newest.checkpoint().hash())
          || !Hashing.same(e.hash(), Hashing.chainHash(e.prevHash(), e.seq(), Hashing.contentHash(e)))) {
        // the anchor does not hold: the whole chain is walked, and the checkpoint is reported where it fails
        return null;
      }
      s.checkpoints.skipped(s.chain.lastSeq(), seq);
      s.checkpoints.at(seq, e.hash());
      s.chain.skipTo(seq, e.hash());
      s.startedAt = seq;
      s.guardsComplete = false;
      return null;
    });
  }

  private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    return blocking(work, true);
  }

  /** On a worker thread, beside other such work (not queued behind it). */
  private <T> Future<T> blockingUnordered(java.util.concurrent.Callable<T> work) {
    return blocking(work, false);
  }

  private <T> Future<T> blocking(java.util.concurrent.Callable<T> work, boolean ordered) {
    if (vertx == null) {
      try {
        return Future.succeededFuture(work.call());
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
    }
    return vertx.executeBlocking(work, ordered);
  }

  private Future<Void> crossAnchor(ChainState s, Anchor a, Path archiveDir) {
    ChainCheck chain = s.chain;
    if (a.firstSeq() != chain.lastSeq() + 1 || !Hashing.same(a.firstPrevHash(), chain.lastHash())) {
      chain.fail(a.firstSeq(), "archived segment " + a.fileName() + " does not continue the chain before it "
        + "(an anchor was removed or changed)");
    }
    if (archiveDir == null) {
      s.checkpoints.skipped(chain.lastSeq(), a.lastSeq());
      s.checkpoints.at(a.lastSeq(), a.lastHash());
      s.guardsComplete = false;
      chain.skipTo(a.lastSeq(), a.lastHash());
      return Future.succeededFuture();
    }
    return blocking(() -> {
      ArchiveFiles.verify(archiveDir, a, chain, e -> s.accepted(e));
      return null;
    }).mapEmpty();
  }

  private static final class ChainState {
    final SqlClient db;
    final ChainCheck chain = ChainCheck.fromGenesis();
    int anchors;
    long archivedThrough;
    boolean filesChecked;
    UUID lastId = new UUID(0, 0);
    long approvalsChecked;
    final List<UUID> invalid = new ArrayList<>();
    CheckpointCheck checkpoints;
    final GuardReplay replay = new GuardReplay();
    boolean guardsComplete = true;
    Guards guards;
    boolean fromCheckpoint;
    Long startedAt;
    /** The latest time a journaled purge removed counted orders before (null: none did). */
    Instant purgedBefore;

    ChainState(SqlClient db) {
      this.db = db;
    }

    /** An entry the chain check has taken: held against the checkpoints and folded into the guard replay. */
    void accepted(JournalEntry e) {
      checkpoints.at(e.seq(), e.hash());
      replay.apply(e);
    }
  }

  private void verifyJournal(ChainState s, Promise<Report> p) {
    verifyPage(s, p, journal.pageAfter(s.db, s.chain.lastSeq(), BATCH));
  }

  /**
   * One page of the live journal: the next page is asked for before this one is checked (the database reads
   * it while the gateway hashes), and the entries' own hashes are computed on worker threads, a share of the
   * page each, side by side; the links, the order and the replay are then checked here, entry by entry.
   */
  private void verifyPage(ChainState s, Promise<Report> p, Future<List<JournalEntry>> asked) {
    asked.onFailure(p::fail).onSuccess(page -> {
      Future<List<JournalEntry>> next = page.size() == BATCH
        ? journal.pageAfter(s.db, page.get(page.size() - 1).seq(), BATCH) : null;
      ownHashes(page).onFailure(p::fail).onSuccess(matches -> {
        for (int i = 0; i < page.size(); i++) {
          s.chain.accept(page.get(i), "", matches[i]);
          s.accepted(page.get(i));
        }
        if (next != null) {
          verifyPage(s, p, next);
        } else {
          endOfJournal(s, p);
        }
      });
    });
  }

  /** {@link ChainCheck#ownHashMatches} of every entry of a page, computed in {@link #HASH_SHARES} shares at once. */
  private Future<boolean[]> ownHashes(List<JournalEntry> page) {
    boolean[] matches = new boolean[page.size()];
    int share = Math.max(1, (page.size() + HASH_SHARES - 1) / HASH_SHARES);
    List<Future<Object>> shares = new ArrayList<>();
    for (int from = 0; from < page.size(); from += share) {
      int start = from;
      int end = Math.min(page.size(), from + share);
      shares.add(blockingUnordered(() -> {
        for (int i = start; i < end; i++) {
          matches[i] = ChainCheck.ownHashMatches(page.get(i));
        }
        return null;
      }));
    }
    return Future.all(shares).map(matches);
  }

  private void endOfJournal(ChainState s, Promise<Report> p) {
    journal.head(s.db).onFailure(p::fail).onSuccess(head -> {
      if (head.seq() != s.chain.lastSeq() || !Hashing.same(head.hash(), s.chain.lastHash())) {
        s.chain.fail(s.chain.lastSeq() + 1, "the journal ends at seq " + s.chain.lastSeq()
          + " but its head is at seq " + head.seq() + " (the newest entries were removed)");
      }
      s.checkpoints.end(Math.max(head.seq(), s.chain.lastSeq()));
      verifyGuards(s, p);
    });
  }

  private void verifyGuards(ChainState s, Promise<Report> p) {
    // read once for both comparisons: rows counted before the latest journaled purge may be gone
    pretrade.purgedBefore(s.db).onFailure(p::fail).onSuccess(before -> {
      s.purgedBefore = before;
      compareGuards(s, p);
    });
  }

  private void compareGuards(ChainState s, Promise<Report> p) {
    if (!s.guardsComplete) {
      s.guards = new Guards(false, List.of());
      verifyApprovals(s, p);
      return;
    }
    guards.compare(s.db, s.replay, s.purgedBefore).onFailure(p::fail).onSuccess(d -> {
      s.guards = new Guards(true, List.copyOf(d.subList(0, Math.min(d.size(), MAX_REPORTED))));
      verifyApprovals(s, p);
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
        // the approvals and votes re-derived from the journal by the approval machine and compared
        replay.run(s.db, s.archivedThrough, s.purgedBefore).onFailure(p::fail).onSuccess(r -> p.complete(new Report(s.chain.checked(),
          s.chain.brokenSeq(), s.chain.problem(), s.approvalsChecked, List.copyOf(s.invalid), s.anchors,
          s.filesChecked, r, new Checkpoints(checkpointDir != null, s.checkpoints.matched(),
            s.checkpoints.notCompared(), s.checkpoints.problems()), s.guards, s.startedAt)));
      }
    });
  }
}
