package io.hitl.gateway.pretrade;

import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.pretrade.Breach;
import io.hitl.gateway.core.pretrade.Duplicates;
import io.hitl.gateway.core.pretrade.LimitCheck;
import io.hitl.gateway.core.pretrade.LimitOverride;
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
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The pre-trade limit check inside a create transaction: locks the order's window keys (one statement, or one the
 * caller sends before) and reads the totals, the latest duplicate, the raises in force and the quote behind it
 * (one statement, pipelined), applies the raises and asks {@link LimitCheck}, and counts the order once it is
 * admitted (a new request's in the reading statement, taken out again when refused). Every node reads and
 * writes the same rows under the same locks, so windows are exact across nodes; nothing is cached in memory.
 * A window's total is kept per second in the database and changed only under its key's lock.
 */
public final class PretradeGate {
  private final PretradeStore store = new PretradeStore();
  private final Duration quoteMaxAge;
  private final Clock clock;

  /**
   * What the check found, the time it judged at (read once the window keys were locked) and the limits in
   * force at that time (the policy's, raised by unexpired overrides).
   */
  public record Verdict(List<Breach> breaches, Instant at, Limits limits) {
    public boolean admitted() {
      return breaches.isEmpty();
    }
  }

  public PretradeGate(Duration quoteMaxAge, Clock clock) {
    this.quoteMaxAge = quoteMaxAge;
    this.clock = clock;
  }

  /**
   * The breached limits of {@code order} under {@code limits} raised by the overrides journaled for
   * {@code policyName} (null: no raises apply); the window keys stay locked until the transaction ends.
   * The lock statement and the read are sent together without waiting (pipelined, one round trip, and none of
   * its own when the caller has statements in flight before them): the connection runs them in order, so the
   * read starts once the keys are ours and sees every order counted by a transaction that held them before.
   * The time judged at is read before sending, so an order counted before ours may carry a later time than
   * ours; each window still holds at most its cap: of any orders whose times fall within one window, the one
   * checked last counted all the others, since each has a time after the start of its window.
   */
  public Future<Verdict> check(SqlConnection conn, Order order, Limits limits, String policyName) {
    return check(conn, order, limits, policyName, null, false);
  }

  /**
   * {@link #check(SqlConnection, Order, Limits, String)} for a new request {@code approvalId}, its order counted
   * in the same statement as the reads (which do not see it): when the verdict admits the order it is counted,
   * at the verdict's time; when it does not, the count is taken out again before the verdict is returned. The
   * caller has locked the order's {@link #lockKeys} in this transaction already (its statements before these).
   */
  public Future<Verdict> checkCounting(SqlConnection conn, UUID approvalId, Order order, Limits limits,
      String policyName) {
    return check(conn, order, limits, policyName, approvalId, true).compose(v -> v.admitted()
      ? Future.succeededFuture(v) : store.delete(conn, approvalId).map(v));
  }

  private Future<Verdict> check(SqlConnection conn, Order order, Limits limits, String policyName, UUID counting,
      boolean locked) {
    List<String> targets = policyName == null ? List.of() : LimitOverride.targets(policyName, limits, order);
    String ticker = limits.collarPct() == null ? null : order.symbol();
    Instant at = Times.micros(clock.instant());
    List<PretradeStore.Window> strategies = new ArrayList<>();
    List<PretradeStore.Window> accounts = new ArrayList<>();
    for (RollingCap cap : limits.rolling()) {
      PretradeStore.Window w = new PretradeStore.Window(cap.key(order), at.minus(cap.window()));
      (cap.per() == ScopeKind.STRATEGY ? strategies : accounts).add(w);
    }
    Duration dup = limits.duplicateWindow();
    PretradeStore.Query q = new PretradeStore.Query(strategies, accounts, dup == null ? null : Duplicates.key(order),
      dup == null ? null : at.minus(dup), targets, at.minus(LimitOverride.MAX_RAISE), ticker);
    Future<Void> held = locked ? Future.succeededFuture() : store.lock(conn, lockKeys(order, limits));
    Future<PretradeStore.Facts> facts = store.facts(conn, q, counting == null ? null : counted(counting, order,
      limits, at));
    // a failed lock (time-out, deadlock) is the failure reported, not the aborted reads behind it
    return held.compose(v -> facts).map(f -> verdict(order, limits, policyName, f, at));
  }

  private Verdict verdict(Order order, Limits limits, String policyName, PretradeStore.Facts f, Instant at) {
    Limits inForce = limits;
    if (!f.raises().isEmpty()) {
      List<LimitOverride.Raise> raises = f.raises().stream().map(LimitOverride.Raise::of).filter(Objects::nonNull)
        .toList();
      inForce = LimitOverride.apply(limits, order, policyName, raises, at);
    }
    // the raises change a cap's figures, never its key or window, so the totals read for the policy's caps hold
    Map<RollingCap, WindowTotals> totals = new HashMap<>();
    int s = 0;
    int a = 0;
    for (RollingCap cap : inForce.rolling()) {
      totals.put(cap, cap.per() == ScopeKind.STRATEGY ? f.strategies().get(s++) : f.accounts().get(a++));
    }
    List<Instant> same = f.latestSame() == null ? List.of() : List.of(f.latestSame());
    return new Verdict(LimitCheck.breaches(order, inForce, new LimitCheck.Facts(f.quote(), quoteMaxAge, same, totals,
      at)), at, inForce);
  }

  /**
   * Counts an order in every window and for duplicate checks; call in the transaction that checked it under
   * {@code limits}, whose window keys it holds: the order is added to the kept seconds of those keys.
   */
  public Future<Void> count(SqlConnection conn, UUID approvalId, Order order, Limits limits, Instant at) {
    return store.insert(conn, counted(approvalId, order, limits, at));
  }

  /** An order's count: its window and duplicate keys, its notional and the keys it is kept under. */
  private static PretradeStore.Count counted(UUID approvalId, Order order, Limits limits, Instant at) {
    return new PretradeStore.Count(approvalId, at, RollingCap.key(ScopeKind.STRATEGY, order),
      RollingCap.key(ScopeKind.ACCOUNT, order), Duplicates.key(order), order.notional(), kept(order, limits));
  }

  /** Takes out the count of a new request that was counted with its check but not created after all. */
  public Future<Void> forget(SqlConnection conn, UUID approvalId) {
    return store.delete(conn, approvalId);
  }

  /**
   * Counts an order that was authorised despite its breaches (a limit override), under the same locks as a
   * check, so a create checking the same windows at that moment sees it or waits for it.
   */
  public Future<Instant> countAuthorised(SqlConnection conn, UUID approvalId, Order order, Limits limits) {
    return store.lock(conn, lockKeys(order, limits)).compose(v -> {
      Instant at = Times.micros(clock.instant());
      return count(conn, approvalId, order, limits, at).map(at);
    });
  }

  /**
   * Takes an order out of the windows before its edited form is checked in the same transaction: first the
   * window keys of both forms under {@code limits} (the original's are those its kept seconds belong to),
   * in one sorted statement, so the kept seconds change only under their key's lock.
   */
  public Future<Void> uncount(SqlConnection conn, UUID approvalId, Order original, Order edited, Limits limits) {
    TreeSet<String> both = keys(original, limits);
    both.addAll(keys(edited, limits));
    return store.lock(conn, new ArrayList<>(both)).compose(v -> store.delete(conn, approvalId));
  }

  /** The window keys an order is kept under: those of the caps in {@code limits} (their locks are held). */
  private static List<String> kept(Order order, Limits limits) {
    TreeSet<String> keys = new TreeSet<>();
    for (RollingCap cap : limits.rolling()) {
      keys.add(cap.key(order));
    }
    return new ArrayList<>(keys);
  }

  /** The advisory-lock keys of an order under these limits, sorted so concurrent creates lock in one order. */
  public static List<String> lockKeys(Order order, Limits limits) {
    return new ArrayList<>(keys(order, limits));
  }

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
