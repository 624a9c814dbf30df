package io.hitl.gateway.approval;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.NewRequest;
import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.guard.Admission;
import io.hitl.gateway.core.guard.DecisionGuards;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.guard.MarketCheck;
import io.hitl.gateway.core.guard.PostTradeSnapshot;
import io.hitl.gateway.core.guard.Quote;
import io.hitl.gateway.core.guard.TradeLifecycle;
import io.hitl.gateway.core.guard.TradeState;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.pretrade.Order;
import io.hitl.gateway.core.pretrade.Scope;
import io.hitl.gateway.core.pretrade.ScopeKind;
import io.hitl.gateway.core.pretrade.SwitchEntries;
import io.hitl.gateway.core.replay.Difference;
import io.hitl.gateway.core.replay.SwitchReplay;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.pretrade.ScopedSwitches;
import io.hitl.gateway.store.AdmissionStore;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.GuardianStore;
import io.hitl.gateway.store.LockoutStore;
import io.hitl.gateway.store.QuoteStore;
import io.hitl.gateway.store.SwitchStore;
import io.hitl.gateway.store.TradeStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The trading guards inside the approval service's transactions: admission of creates, the facts
 * a decision is judged on, and what follows a terminal outcome (the trade's state, the post-trade
 * snapshot). The Guardian lock is always taken before any approval row, as the lock cascade does,
 * so the two never deadlock.
 */
final class TradeGuards {
  private final GatewayConfig config;
  private final QuoteSource remoteQuotes;
  private final Duration quoteMaxAge;
  private final AdmissionStore admission = new AdmissionStore();
  private final GuardianStore guardian = new GuardianStore();
  private final LockoutStore lockouts = new LockoutStore();
  private final QuoteStore quotes = new QuoteStore();
  private final TradeStore trades = new TradeStore();
  private final ApprovalStore approvals = new ApprovalStore();
  private final SwitchStore switches = new SwitchStore();

  TradeGuards(GatewayConfig config, QuoteSource remoteQuotes) {
    this.config = config;
    this.remoteQuotes = remoteQuotes;
    this.quoteMaxAge = Duration.ofSeconds(config.quoteMaxAgeSeconds);
  }

  /**
   * Rule 2 and the settings for a new request: the auto-approve reason, or null to wait for a human. A trade
   * is then checked against the scoped kill switches, read under their shared lock (after the Guardian's, the
   * order an engage takes them in), so none in scope commits after an engage commits. Every statement is sent
   * before any answer is awaited (pipelined): the connection runs them in the order sent, so each lock is held
   * before the reads behind it start, and a caller may send its own statements behind them; the answers are
   * then judged in that order, so a refusal and a failed statement are reported as when each waited for the last.
   * A trade's pre-trade window keys ({@code windowKeys}, sorted; none for other requests) are locked by the
   * statement that takes the switches' shared lock, right after it: one statement for both.
   */
  Future<String> admit(SqlConnection conn, NewRequest req, Instant now, List<String> windowKeys) {
    boolean trade = ApprovalTypes.TRADE_EXECUTION.equals(req.type());
    String ticker = trade ? (String) req.context().get("ticker") : null;
    Future<AdmissionStore.Facts> facts = admission.read(conn, ticker, now);
    Future<Void> switched = trade ? switchesAllow(conn, ScopedSwitches.orders(req.context()), windowKeys) : null;
    return facts.map(f -> Admission.admit(trade, f.guardian(), f.lockout(), f.settings(), config.hitlEnabled))
      .compose(admitted -> switched == null ? Future.succeededFuture(admitted) : switched.map(admitted));
  }

  /**
   * Fails with SEC-072 when an engaged switch's scope matches an order, or when the switch rows on the order's
   * scopes disagree with their last engage or lift in the journal (fail closed, as a Guardian row that disagrees
   * with its journal locks); a failed read fails the create (503). Its three statements (the shared lock, the
   * engaged switches, their last journal entries) are sent at once.
   */
  private Future<Void> switchesAllow(SqlConnection conn, List<Order> orders, List<String> windowKeys) {
    Set<Scope> scopes = new TreeSet<>(Scope.ORDER);
    for (Order o : orders) {
      for (ScopeKind k : ScopeKind.values()) {
        String v = k.valueOf(o);
        if (v != null && !v.isBlank()) {
          scopes.add(new Scope(k, Scope.normalize(k, v)));
        }
      }
    }
    Future<Void> locked = switches.shared(conn, windowKeys);
    Future<List<ScopedSwitch>> matching = switches.matching(conn, orders);
    Future<Map<Scope, JournalEntry>> lastChanges = scopes.isEmpty() ? null : switches.lastChanges(conn, scopes);
    return locked.compose(v -> matching).compose(found -> lastChanges == null ? Future.succeededFuture(found)
      : lastChanges.compose(last -> tampered(conn, scopes, found, last)).map(found))
      .compose(found -> {
        Optional<ScopedSwitch> stop = ScopedSwitches.stoppingSwitch(found, orders);
        return stop.isPresent() ? Future.failedFuture(ScopedSwitches.refusal(stop.get()))
          : Future.<Void>succeededFuture();
      });
  }

  /** Fails with the integrity refusal for the first scope (in scope order) whose switch row disagrees with its journal. */
  private Future<Void> tampered(SqlConnection conn, Set<Scope> scopes, List<ScopedSwitch> found,
      Map<Scope, JournalEntry> last) {
    Map<Scope, ScopedSwitch> engaged = new HashMap<>();
    found.stream().filter(ScopedSwitch::engaged).forEach(s -> engaged.put(s.scope(), s));
    for (Scope scope : scopes) {
      JournalEntry entry = last.get(scope);
      List<Difference> d = SwitchReplay.scopeAgainstLast(scope, engaged.get(scope), entry);
      if (d.isEmpty()) {
        continue;
      }
      if (entry == null) {
        // an engaged row without a live entry: its engage may have been archived; it stops the order either way
        ScopedSwitch row = engaged.get(scope);
        return switches.archived(conn).compose(archived -> Future.failedFuture(archived
          ? ScopedSwitches.refusal(row) : ScopedSwitches.tampered(row, d.get(0).describe())));
      }
      ScopedSwitch stated = SwitchEntries.ENGAGED.equals(entry.action()) ? SwitchReplay.fromPayload(entry)
        : engaged.get(scope);
      return Future.failedFuture(ScopedSwitches.tampered(stated, d.get(0).describe()));
    }
    return Future.succeededFuture();
  }

  /**
   * Taken in every decision transaction after the Guardian's lock and before the request's row lock, the order
   * an engage takes them in: a decision waits while a switch is being engaged and then sees it.
   */
  Future<Void> switchesShared(SqlConnection conn) {
    return switches.shared(conn);
  }

  /**
   * The engaged switch that stops the order an approval would send ({@code context}: the request's, or its final
   * parameters after edits); empty for other request types. The caller holds {@link #switchesShared}.
   */
  Future<Optional<ScopedSwitch>> stoppedBy(SqlConnection conn, Approval a, Map<String, Object> context) {
    if (!a.isTrade()) {
      return Future.succeededFuture(Optional.empty());
    }
    List<Order> orders = ScopedSwitches.orders(context);
    return switches.matching(conn, orders).map(found -> ScopedSwitches.stoppingSwitch(found, orders));
  }

  /** Asks the remote quote source before an approval of a trade, outside any transaction (it may be slow). */
  Future<Void> prefetch(SqlClient pool, UUID id, Decision d) {
    if (remoteQuotes == null || d != Decision.APPROVE) {
      return Future.succeededFuture();
    }
    return approvals.find(pool, id).compose(a -> {
      String ticker = a == null || a.status() != ApprovalStatus.PENDING ? null : DecisionGuards.tickerOf(a);
      return ticker == null ? Future.<Void>succeededFuture() : remoteQuotes.refresh(ticker);
    }).recover(t -> Future.succeededFuture());
  }

  /** Taken first in every decision transaction and switch engage: the shared Guardian lock, then the state. */
  Future<GuardianState> guardianShared(SqlConnection conn) {
    return guardian.shared(conn);
  }

  Future<DecisionGuards> decisionFacts(SqlConnection conn, GuardianState g, Approval a, Decision d, Instant now) {
    String ticker = DecisionGuards.tickerOf(a);
    if (ticker == null || d != Decision.APPROVE) {
      return Future.succeededFuture(new DecisionGuards(g, null, null, quoteMaxAge, config.slippageMaxPercent));
    }
    // both reads sent together (one round trip)
    Future<Lockout> lockout = lockouts.activeFor(conn, ticker, now);
    Future<Quote> quote = quotes.latest(conn, ticker);
    return lockout.compose(l -> quote.map(q -> new DecisionGuards(g, l, q, quoteMaxAge, config.slippageMaxPercent)));
  }

  /** A trade request opens its trade: PENDING → AWAITING_APPROVAL. */
  Future<Change> opened(SqlConnection conn, Change c, Approval a, String actor, String corr, Instant now) {
    if (!a.isTrade()) {
      return Future.succeededFuture(c);
    }
    String tradeId = tradeId(a);
    TradeLifecycle.require(tradeId, TradeState.PENDING, TradeState.AWAITING_APPROVAL);
    Map<String, Object> ctx = a.context();
    TradeStore.Trade t = new TradeStore.Trade(tradeId, a.id(), DecisionGuards.tickerOf(a), (String) ctx.get("action"),
      Decimals.parse(ctx.get("quantity")), Decimals.parse(ctx.get("price")), TradeState.AWAITING_APPROVAL, now, now);
    return trades.insert(conn, t).map(inserted -> inserted
      ? c.with(TradeLifecycle.entry(a.id(), tradeId, t.ticker(), TradeState.PENDING, TradeState.AWAITING_APPROVAL,
        actor, corr, now, Map.of()), c.approval())
      : c);
  }

  /** After a terminal write: the trade follows the decision, and an approved trade gets its snapshot. */
  Future<Change> decided(SqlConnection conn, Change c, Approval done, String corr, Instant now) {
    if (!done.isTrade()) {
      return Future.succeededFuture(c);
    }
    TradeState to = done.status() == ApprovalStatus.APPROVED ? TradeState.ACCEPTED : TradeState.REJECTED;
    // the quote for an accepted trade's snapshot is read with the trade's row (one round trip): the ticker is the
    // request's, which is the trade's
    String ticker = DecisionGuards.tickerOf(done);
    Future<TradeStore.Trade> locked = trades.byApprovalForUpdate(conn, done.id());
    Future<Quote> quote = to == TradeState.ACCEPTED && ticker != null ? quotes.latest(conn, ticker) : null;
    return locked.compose(t -> {
      if (t == null || t.state() != TradeState.AWAITING_APPROVAL) {
        return Future.succeededFuture(c);
      }
      // the row is locked and awaits approval, so the move succeeds: an accepted trade's snapshot goes out with it
      Future<Boolean> move = trades.move(conn, t.tradeId(), t.state(), to, now);
      String snapshotCorr = corr != null ? corr : done.correlationId();
      Future<Void> snapshot = to != TradeState.ACCEPTED ? Future.succeededFuture()
        : (quote != null && t.ticker().equals(ticker) ? quote : quotes.latest(conn, t.ticker()))
          .compose(q -> trades.insertSnapshot(conn, PostTradeSnapshot.of(done, t.tradeId(), q, now, snapshotCorr)));
      return move.compose(ok -> ok
        ? snapshot.map(v -> c.with(TradeLifecycle.entry(done.id(), t.tradeId(), t.ticker(), t.state(), to,
          done.decidedBy(), corr, now, Map.of()), done))
        : Future.failedFuture(new GatewayException(ErrorCode.SEC_012, "Trade " + t.tradeId()
          + " changed concurrently")));
    });
  }

  /** Trades without an engine-given trade_id are known by their request id. */
  static String tradeId(Approval a) {
    return a.tradeId() != null ? a.tradeId() : a.id().toString();
  }

  Future<TradeStore.Trade> trade(SqlClient c, UUID approvalId) {
    return trades.byApproval(c, approvalId);
  }

  /** The market check of each pending trade request among {@code rows} at {@code now}, by request id. */
  Future<Map<UUID, MarketCheck>> market(SqlClient c, List<Approval> rows, Instant now) {
    List<Approval> trades = rows.stream().filter(a -> a.status() == ApprovalStatus.PENDING && a.isTrade()).toList();
    Set<String> tickers = new TreeSet<>();
    trades.forEach(a -> {
      String t = DecisionGuards.tickerOf(a);
      if (t != null) {
        tickers.add(t);
      }
    });
    return quotes.latest(c, tickers).map(q -> {
      Map<UUID, MarketCheck> m = new HashMap<>();
      for (Approval a : trades) {
        String t = DecisionGuards.tickerOf(a);
        MarketCheck check = t == null ? null
          : MarketCheck.of(a.context(), q.get(t), now, quoteMaxAge, config.slippageMaxPercent);
        if (check != null) {
          m.put(a.id(), check);
        }
      }
      return m;
    });
  }

  Future<PostTradeSnapshot> snapshot(SqlClient c, UUID approvalId) {
    return trades.snapshot(c, approvalId);
  }
}
