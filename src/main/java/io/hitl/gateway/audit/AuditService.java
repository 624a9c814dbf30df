package io.hitl.gateway.audit;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.JournalStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
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
  private final Pool pool;
  private final JournalStore journal = new JournalStore();
  private final ApprovalStore approvals = new ApprovalStore();

  public AuditService(Pool pool) {
    this.pool = pool;
  }

  public Future<List<JournalEntry>> query(UUID approvalId, int limit) {
    return approvalId == null ? journal.latest(pool, limit) : journal.byApproval(pool, approvalId, limit);
  }

  /** Result of a full verification. */
  public record Report(long journalChecked, Long firstBrokenSeq, String journalProblem, long approvalsChecked,
      List<UUID> approvalsInvalid) {
    public boolean valid() {
      return firstBrokenSeq == null && approvalsInvalid.isEmpty();
    }
  }

  public Future<Report> verify() {
    Promise<Report> p = Promise.promise();
    ChainState s = new ChainState();
    verifyJournal(s, p);
    return p.future().onSuccess(r -> {
      if (!r.valid()) {
        LOG.error("audit verification failed: journal broken at seq {} ({}), {} approval row(s) with bad hashes",
          r.firstBrokenSeq(), r.journalProblem(), r.approvalsInvalid().size());
      }
    });
  }

  private static final class ChainState {
    long after;
    String prev = Hashing.GENESIS;
    long checked;
    Long broken;
    String problem;
    UUID lastId = new UUID(0, 0);
    long approvalsChecked;
    final List<UUID> invalid = new ArrayList<>();
  }

  private void verifyJournal(ChainState s, Promise<Report> p) {
    journal.pageAfter(pool, s.after, BATCH).onFailure(p::fail).onSuccess(page -> {
      for (JournalEntry e : page) {
        s.checked++;
        String problem = null;
        if (e.seq() != s.after + 1) {
          problem = "seq " + e.seq() + " follows " + s.after + " (entries were removed)";
        } else if (!Hashing.same(e.prevHash(), s.prev)) {
          problem = "prev_hash does not match the entry before it (an entry was removed or reordered)";
        } else if (!Hashing.same(e.hash(), Hashing.chainHash(e.prevHash(), e.seq(), Hashing.contentHash(e)))) {
          problem = "content does not match its hash (the entry was edited)";
        }
        if (problem != null && s.broken == null) {
          s.broken = e.seq();
          s.problem = problem;
        }
        s.prev = e.hash();
        s.after = e.seq();
      }
      if (page.size() == BATCH) {
        verifyJournal(s, p);
      } else {
        journal.head(pool).onFailure(p::fail).onSuccess(head -> {
          if (s.broken == null && (head.seq() != s.after || !Hashing.same(head.hash(), s.prev))) {
            s.broken = s.after + 1;
            s.problem = "the journal ends at seq " + s.after + " but its head is at seq " + head.seq()
              + " (the newest entries were removed)";
          }
          verifyApprovals(s, p);
        });
      }
    });
  }

  private void verifyApprovals(ChainState s, Promise<Report> p) {
    approvals.pageById(pool, s.lastId, BATCH).onFailure(p::fail).onSuccess(rows -> {
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
        p.complete(new Report(s.checked, s.broken, s.problem, s.approvalsChecked, List.copyOf(s.invalid)));
      }
    });
  }
}
