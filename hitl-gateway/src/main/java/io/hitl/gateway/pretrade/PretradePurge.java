package io.hitl.gateway.pretrade;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.PretradeStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the counted orders and kept window seconds that no check reads any more: those counted more than
 * HITL_PRETRADE_KEEP_HOURS ago, which is at least an hour past the longest rolling or duplicate window a policy may
 * declare, so no window total and no duplicate check changes. Without it both tables grow with every counted order,
 * and so does PostgreSQL's estimate of a window's partial second, which decides whether it keeps the facts statement's
 * plan. The time is cut to a whole second, so a second's row and its orders go by the same rule.
 *
 * <p>Batches of {@link #BATCH} rows of each table, one transaction each, one node at a time (a transaction-scoped
 * advisory lock; a node that does not get it leaves the run to the one that has). Rows are found by reading each
 * table in order, with no index on the time: one would cost every counted order an entry (a BRIN index on each table
 * leaned toward a dearer checked create in the bench's A/B). The first transaction that removes
 * anything also journals a {@value PretradeStore#PURGED_ACTION} entry with that time, so verify knows which rows may
 * be absent: a row counted later that goes missing is still named, and the time itself cannot be moved without
 * breaking the journal's chain.
 */
public final class PretradePurge {
  private static final Logger LOG = LoggerFactory.getLogger(PretradePurge.class);
  /** Rows of each table removed per transaction at most. */
  static final int BATCH = 10_000;
  private static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock($1)";
  private static final long LOCK_KEY = 0x505552474500L;

  /** What one run removed, and the time it removed rows before. */
  public record Result(Instant before, long orders, long seconds) {
  }

  private final Pool pool;
  private final Journal journal;
  private final Clock clock;
  private final Duration keep;
  private final PretradeStore store = new PretradeStore();

  public PretradePurge(Pool pool, Journal journal, Clock clock, int keepHours) {
    this.pool = pool;
    this.journal = journal;
    this.clock = clock;
    this.keep = Duration.ofHours(keepHours);
  }

  /** Removes every row due now, batch by batch; completes with what was removed (nothing when another node purges). */
  public Future<Result> runOnce() {
    Instant before = clock.instant().minus(keep).truncatedTo(ChronoUnit.SECONDS);
    return batch(before, new Result(before, 0, 0)).onSuccess(r -> {
      if (r.orders() + r.seconds() > 0) {
        LOG.info("purged {} counted order(s) and {} kept second(s) from before {}", r.orders(), r.seconds(),
          Times.format(before));
      }
    }).onFailure(t -> LOG.error("pre-trade purge failed: {}", t.getMessage()));
  }

  /** One batch's transaction, then the next while a table had a full batch; a node without the lock stops. */
  private Future<Result> batch(Instant before, Result sofar) {
    boolean journaled = sofar.orders() + sofar.seconds() > 0;
    return journal.inTransaction(pool, unit -> unit.conn().preparedQuery(TRY_LOCK).execute(Tuple.of(LOCK_KEY))
      .compose(rs -> !rs.iterator().next().getBoolean(0) ? Future.<Result>succeededFuture()
        : store.purgeOrders(unit.conn(), before, BATCH).compose(orders -> store.purgeSeconds(unit.conn(),
          before.getEpochSecond(), BATCH).map(seconds -> new Result(before, orders, seconds)))
        .compose(n -> journaled || n.orders() + n.seconds() == 0 ? Future.succeededFuture(n)
          : unit.append(entry(before)).map(n))))
      .compose(n -> {
        if (n == null) {
          return Future.succeededFuture(sofar);
        }
        Result now = new Result(before, sofar.orders() + n.orders(), sofar.seconds() + n.seconds());
        return n.orders() < BATCH && n.seconds() < BATCH ? Future.succeededFuture(now) : batch(before, now);
      });
  }

  private JournalEntry entry(Instant before) {
    return JournalEntry.of(null, "pretrade", "retention", PretradeStore.PURGED_ACTION, null, null,
      Map.of(PretradeStore.PURGED_BEFORE_KEY, Times.format(before)), null, null, clock.instant());
  }
}
