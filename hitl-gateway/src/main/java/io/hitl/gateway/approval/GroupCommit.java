package io.hitl.gateway.approval;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.Transactions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The transactions of the approval write path. One change: its work, then its outbox jobs, then its
 * journal entries (last: they hold the chain lock), then the rows linked to their entries. Group commit:
 * a change that arrives while this instance has a transaction committing waits, and the changes that
 * waited commit together in the next transaction (see {@link #group}). An idle instance commits a change
 * at once, alone, exactly as without batching: no timer, no added latency. Entries are appended through
 * {@link Journal}, which announces them after commit.
 */
final class GroupCommit {
  private static final int DEADLOCK_TRIES = 3;
  private static final String BATCH_LOCK_WAIT = "100ms";

  private final Pool pool;
  private final Deadline deadline;
  private final int max;
  private final OutboxPlan outbox;
  private final EventPublisher events;
  private final Journal journal;
  private final ApprovalStore approvals = new ApprovalStore();
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private boolean committing;
  /** The event-loop thread this instance's changes run on (calls from elsewhere commit alone), and a context on it. */
  private Thread batchThread;
  private Context batchContext;
  /** The requests the changes of the batch in flight have written so far (null outside a batch). */
  private Set<UUID> batchTouched;

  GroupCommit(Pool pool, Deadline deadline, int max, OutboxPlan outbox, Journal journal, EventPublisher events) {
    this.pool = pool;
    this.journal = journal;
    this.deadline = deadline;
    this.max = max;
    this.outbox = outbox;
    this.events = events;
  }

  /** True when an earlier change of the batch in flight wrote {@code id}: its entries are appended only at the end. */
  boolean writtenInBatch(UUID id) {
    return batchTouched != null && Thread.currentThread() == batchThread && batchTouched.contains(id);
  }

  /** The change {@code work} builds, committed (alone or with others) and published; a refusal it carries fails it. */
  Future<Change> run(Function<SqlConnection, Future<Change>> work) {
    return deadline.bound(work, this::queued);
  }

  private Future<Change> queued(Function<SqlConnection, Future<Change>> work) {
    Context ctx = Vertx.currentContext();
    // each bus message runs on its own (duplicated) context; they share the verticle's event-loop thread
    if (max <= 1 || ctx == null || !ctx.isEventLoopContext()
        || (batchThread != null && batchThread != Thread.currentThread())) {
      return alone(work);
    }
    if (batchThread == null) {
      batchThread = Thread.currentThread();
      batchContext = ctx;
    }
    if (committing) {
      Waiting w = new Waiting(work, ctx, Promise.promise());
      waiting.add(w);
      return w.done().future();
    }
    committing = true;
    return alone(work).andThen(ar -> flushWaiting());
  }

  /** After a commit: the changes that queued up meanwhile go next, as one transaction (one alone as usual). */
  private void flushWaiting() {
    if (Thread.currentThread() != batchThread) {
      batchContext.runOnContext(v -> flushWaiting());
      return;
    }
    if (waiting.isEmpty()) {
      committing = false;
      return;
    }
    List<Waiting> batch = new ArrayList<>();
    while (!waiting.isEmpty() && batch.size() < max) {
      batch.add(waiting.poll());
    }
    Future<?> done = batch.size() == 1 ? alone(batch.get(0).work()).andThen(batch.get(0)::complete) : group(batch);
    done.onComplete(ar -> flushWaiting());
  }

  private Future<Change> alone(Function<SqlConnection, Future<Change>> work) {
    return commitAlone(work, DEADLOCK_TRIES).recover(DbFailures::fail).compose(c -> {
      events.publish(c);
      return c.refusal() != null ? Future.failedFuture(c.refusal()) : Future.succeededFuture(c);
    });
  }

  /**
   * The transaction of one change. A batch holds the rows of several requests, so a change can lose a
   * deadlock against another instance's batch (PostgreSQL aborts one side): it is run again, a few times.
   */
  private Future<Change> commitAlone(Function<SqlConnection, Future<Change>> work, int tries) {
    int[] jobs = {0};
    return Transactions.run(pool, deadline.millis(), conn -> work.apply(conn).compose(c -> outboxCounted(conn, c, jobs)
      .compose(v -> c.steps().isEmpty() ? Future.succeededFuture(c) : journal.unit(conn).append(c.entries())
        .map(c::saved))
      .compose(saved -> approvals.link(conn, saved.links().values()).map(saved))))
      .andThen(ar -> wakeIfAdded(ar.succeeded(), jobs))
      .recover(t -> DbFailures.deadlocked(t) && tries > 1 ? commitAlone(work, tries - 1) : Future.failedFuture(t));
  }

  /**
   * Several changes in one transaction. Each runs in its own savepoint with its outbox jobs, so a change
   * that is refused (a conditional write lost, a SEC refusal, a statement error) is rolled back alone and
   * fails only its own caller. The journal entries of the changes that stood are appended last, in queue
   * order, with one pass over the head (seq stays gap-free and in commit order, the chain as verify
   * expects); journal, state and outbox commit together (SPEC I1/I3). After commit each change publishes
   * its events and completes its caller, in order. If the transaction itself fails, every caller fails
   * with that error, as each would have alone; nothing of the batch is committed. A change that lost a
   * deadlock, waited too long for a lock held elsewhere, or found a request an earlier change of the batch
   * wrote (its savepoint rolled back) is run again alone.
   */
  private Future<Void> group(List<Waiting> batch) {
    int n = batch.size();
    Change[] stood = new Change[n];
    Throwable[] refused = new Throwable[n];
    boolean[] rerun = new boolean[n];
    int[] jobs = {0};
    // BEGIN/COMMIT by hand: the client's own transaction API treats a statement error inside it as fatal
    // and rolls back at the end, even after the savepoint has recovered the transaction.
    // A change of a batch waits for another transaction's lock at most BATCH_LOCK_WAIT: two batches holding
    // each other's rows would otherwise stall every change queued behind them until the deadlock check.
    Future<Void> committed = pool.withConnection(conn -> conn.query("BEGIN; SET LOCAL lock_timeout = '"
        + BATCH_LOCK_WAIT + "'; " + Transactions.bounds(deadline.millis())).execute().compose(begun -> {
      Future<Void> f = Future.succeededFuture();
      batchTouched = new HashSet<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        f = f.compose(v -> inSavepoint(conn, "change_" + k, batch.get(k).work(), jobs).transform(ar -> {
          if (ar.succeeded() && ar.result().next() != Change.Next.ALONE) {
            stood[k] = ar.result();
            batchTouched.addAll(ar.result().touched());
            return Future.<Void>succeededFuture();
          }
          if (ar.succeeded()) {
            rerun[k] = true;
          } else {
            refused[k] = ar.cause();
          }
          return conn.query("ROLLBACK TO SAVEPOINT change_" + k).execute().<Void>mapEmpty();
        }));
      }
      // the journal head is waited for as long as it takes, as by a lone change
      return f.andThen(v -> batchTouched = null).compose(v -> conn.query("SET LOCAL lock_timeout = 0").execute())
        .compose(v -> appendAll(conn, stood));
    }).compose(v -> conn.query("COMMIT").execute().<Void>mapEmpty()
        .recover(err -> Future.<Void>failedFuture(DbFailures.atCommit(err))))
      .recover(err -> conn.query("ROLLBACK").execute().transform(ignored -> Future.<Void>failedFuture(err))));
    return committed.andThen(ar -> wakeIfAdded(ar.succeeded(), jobs)).transform(ar -> {
      for (int i = 0; i < n; i++) {
        Waiting w = batch.get(i);
        if (ar.failed() && DbFailures.deadlocked(ar.cause())) {
          alone(w.work()).onComplete(w::complete);
        } else if (ar.failed()) {
          w.complete(DbFailures.fail(ar.cause()));
        } else if (stood[i] != null) {
          Change c = stood[i];
          events.publish(c);
          w.complete(c.refusal() != null ? Future.failedFuture(c.refusal()) : Future.succeededFuture(c));
        } else if (rerun[i] || DbFailures.deadlocked(refused[i]) || DbFailures.lockWaitTooLong(refused[i])) {
          alone(w.work()).onComplete(w::complete);
        } else {
          w.complete(DbFailures.fail(refused[i]));
        }
      }
      return Future.succeededFuture();
    });
  }

  /** The change of one request, planned under a lock its batch took. */
  record Planned(UUID id, Function<SqlConnection, Future<Change>> work) {
  }

  /**
   * Changes planned together, in one transaction of their own (not queued behind this instance's batch):
   * {@code plan} takes their locks and reads what they need in a few statements, then their works run side
   * by side, their statements pipelined on the one connection; their entries are appended in one pass in plan
   * order and their rows linked in one statement. No savepoints: all or nothing. A work that fails, is
   * refused or would need to run alone fails the whole transaction, and nothing of it is committed; the
   * caller then handles each request on its own. After commit each change publishes its events, in plan
   * order. Every work is awaited before the transaction ends, so no statement of one can follow the rollback
   * that another's failure caused.
   */
  Future<Map<UUID, Change>> together(Function<SqlConnection, Future<List<Planned>>> plan) {
    List<UUID> ids = new ArrayList<>();
    List<Change> done = new ArrayList<>();
    int[] jobs = {0};
    return Transactions.run(pool, deadline.millis(), conn -> plan.apply(conn).compose(items -> {
      List<Future<Change>> works = new ArrayList<>();
      for (Planned p : items) {
        ids.add(p.id());
        Future<Change> work;
        try {
          work = p.work().apply(conn);
        } catch (RuntimeException e) {
          work = Future.failedFuture(e);
        }
        works.add(work.compose(c -> c.refusal() != null || c.next() != Change.Next.ANSWER
          ? Future.<Change>failedFuture(new IllegalStateException("request " + p.id() + " cannot be batched"))
          : outboxCounted(conn, c, jobs)));
      }
      return Future.join(works).compose(all -> {
        Change[] stood = works.stream().map(Future::result).toArray(Change[]::new);
        boolean none = works.stream().allMatch(f -> f.result().steps().isEmpty());
        return (none ? Future.<Void>succeededFuture() : appendAll(conn, stood)).map(v -> {
          done.addAll(List.of(stood));
          return (Void) null;
        });
      });
    })).andThen(ar -> wakeIfAdded(ar.succeeded(), jobs)).recover(DbFailures::fail).map(v -> {
      Map<UUID, Change> m = new LinkedHashMap<>();
      for (int i = 0; i < done.size(); i++) {
        events.publish(done.get(i));
        m.put(ids.get(i), done.get(i));
      }
      return m;
    });
  }

  /** The entries of the changes that stood, appended in one pass; each change gets its stored entries back. */
  private Future<Void> appendAll(SqlConnection conn, Change[] stood) {
    List<JournalEntry> all = new ArrayList<>();
    for (Change c : stood) {
      if (c != null) {
        all.addAll(c.entries());
      }
    }
    return journal.unit(conn).appendAll(all).compose(saved -> {
      int at = 0;
      Map<UUID, io.hitl.gateway.core.Approval> links = new LinkedHashMap<>();
      for (int i = 0; i < stood.length; i++) {
        if (stood[i] != null) {
          int size = stood[i].steps().size();
          stood[i] = stood[i].saved(saved.subList(at, at + size));
          at += size;
          links.putAll(stood[i].links());
        }
      }
      return approvals.link(conn, links.values());
    });
  }

  /** The outbox jobs of {@code c} inserted, and counted into {@code jobs[0]}; {@code c} once they are. */
  private Future<Change> outboxCounted(SqlConnection conn, Change c, int[] jobs) {
    return outbox.insert(conn, c).map(added -> {
      jobs[0] += added;
      return c;
    });
  }

  /**
   * After a transaction ended: the notifiers are woken when it committed outbox jobs ({@code jobs[0]}, counted as
   * they were written; a change rolled back to its savepoint may leave the count high, which costs one empty claim).
   */
  private void wakeIfAdded(boolean committed, int[] jobs) {
    if (committed && jobs[0] > 0) {
      journal.outboxAdded();
    }
  }

  /**
   * The work and its outbox jobs after a savepoint, the jobs counted into {@code jobs}; the savepoint goes out with
   * the work's first statement.
   */
  private Future<Change> inSavepoint(SqlConnection conn, String name, Function<SqlConnection, Future<Change>> work,
      int[] jobs) {
    Future<?> savepoint = conn.query("SAVEPOINT " + name).execute();
    Future<Change> worked;
    try {
      worked = work.apply(conn);
    } catch (RuntimeException e) {
      worked = Future.failedFuture(e);
    }
    // the work's outcome counts once the savepoint is known to exist (it was sent first)
    return worked.transform(ar -> savepoint.transform(sp -> sp.failed() ? Future.<Change>failedFuture(sp.cause())
        : ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.<Change>failedFuture(ar.cause())))
      .compose(c -> c.next() == Change.Next.ALONE ? Future.succeededFuture(c) : outboxCounted(conn, c, jobs));
  }

  /** A change waiting for this instance's commit in flight, and the context its caller continues on. */
  private record Waiting(Function<SqlConnection, Future<Change>> work, Context caller, Promise<Change> done) {
    void complete(AsyncResult<Change> ar) {
      caller.runOnContext(v -> {
        if (ar.succeeded()) {
          done.complete(ar.result());
        } else {
          done.fail(ar.cause());
        }
      });
    }
  }
}
