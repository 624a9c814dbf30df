package io.hitl.gateway.pretrade;

import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.guard.Quote;
import io.hitl.gateway.core.pretrade.Breach;
import io.hitl.gateway.core.pretrade.Duplicates;
import io.hitl.gateway.core.pretrade.LimitCheck;
import io.hitl.gateway.core.pretrade.Limits;
import io.hitl.gateway.core.pretrade.Order;
import io.hitl.gateway.core.pretrade.RollingCap;
import io.hitl.gateway.core.pretrade.ScopeKind;
import io.hitl.gateway.core.pretrade.WindowTotals;
import io.hitl.gateway.store.PretradeStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The pre-trade limit check inside a create transaction: locks the order's window keys, reads the
 * totals and the latest duplicate from PostgreSQL, asks {@link LimitCheck}, and counts the order once
 * it is admitted. Every node reads and writes the same rows under the same locks, so windows are exact
 * across nodes.
 */
public final class PretradeGate {
  private final PretradeStore store = new PretradeStore();
  private final Duration quoteMaxAge;
  private final Clock clock;

  /** What the check found, and the time it judged at (read once the window keys were locked). */
  public record Verdict(List<Breach> breaches, Instant at) {
    public boolean admitted() {
      return breaches.isEmpty();
    }
  }

  public PretradeGate(Duration quoteMaxAge, Clock clock) {
    this.quoteMaxAge = quoteMaxAge;
    this.clock = clock;
  }

  /** The breached limits of {@code order}; the window keys stay locked until the transaction ends. */
  public Future<Verdict> check(SqlConnection conn, Order order, Limits limits, Quote quote) {
    Map<RollingCap, WindowTotals> totals = new HashMap<>();
    List<Instant> same = new ArrayList<>();
    Instant[] at = new Instant[1];
    // the clock is read once the keys are ours, so an order counted before us has an earlier time than ours
    Future<Void> f = store.lock(conn, new ArrayList<>(keys(order, limits))).map(v -> {
      at[0] = Times.micros(clock.instant());
      return null;
    });
    for (RollingCap cap : limits.rolling()) {
      f = f.compose(v -> store.totals(conn, cap.per() == ScopeKind.STRATEGY, cap.key(order), at[0].minus(cap.window()))
        .map(t -> {
          totals.put(cap, t);
          return null;
        }));
    }
    if (limits.duplicateWindow() != null) {
      f = f.compose(v -> store.latestSame(conn, Duplicates.key(order), at[0].minus(limits.duplicateWindow()))
        .map(l -> {
          same.addAll(l);
          return null;
        }));
    }
    return f.map(v -> new Verdict(LimitCheck.breaches(order, limits, new LimitCheck.Facts(quote, quoteMaxAge, same,
      totals, at[0])), at[0]));
  }

  /** Counts an order in every window and for duplicate checks; call in the transaction that checked it. */
  public Future<Void> count(SqlConnection conn, UUID approvalId, Order order, Instant at) {
    return store.insert(conn, approvalId, at, RollingCap.key(ScopeKind.STRATEGY, order),
      RollingCap.key(ScopeKind.ACCOUNT, order), Duplicates.key(order), order.notional());
  }

  /**
   * Counts an order that was authorised despite its breaches (a limit override), under the same locks as a
   * check, so a create checking the same windows at that moment sees it or waits for it.
   */
  public Future<Instant> countAuthorised(SqlConnection conn, UUID approvalId, Order order, Limits limits) {
    return store.lock(conn, new ArrayList<>(keys(order, limits))).compose(v -> {
      Instant at = Times.micros(clock.instant());
      return count(conn, approvalId, order, at).map(at);
    });
  }

  /** Takes an order out of the windows (before its edited form is checked in the same transaction). */
  public Future<Void> uncount(SqlConnection conn, UUID approvalId) {
    return store.delete(conn, approvalId);
  }

  /** The advisory-lock keys of an order under these limits, sorted so concurrent creates lock in one order. */
  private static TreeSet<String> keys(Order order, Limits limits) {
    TreeSet<String> keys = new TreeSet<>();
    for (RollingCap cap : limits.rolling()) {
      keys.add(cap.key(order));
    }
    if (limits.duplicateWindow() != null) {
      keys.add("duplicate:" + Duplicates.key(order));
    }
    return keys;
  }
}
