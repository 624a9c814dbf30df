package io.hitl.gateway.market;

import io.hitl.gateway.outbox.Callbacks;
import io.hitl.gateway.outbox.JobPlan;

import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.guard.Quote;
import io.hitl.gateway.core.guard.Quotes;
import io.hitl.gateway.core.guard.TradeLifecycle;
import io.hitl.gateway.core.guard.TradeState;
import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.CallbackStore;
import io.hitl.gateway.store.JournalStore;
import io.hitl.gateway.store.Json;
import io.hitl.gateway.store.OutboxStore;
import io.hitl.gateway.store.QuoteStore;
import io.hitl.gateway.store.TradeStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Quotes in, and the engine-reported part of the trade lifecycle (FILLED, CLOSED, SETTLED). */
public final class TradeService {
  public static final int MAX_NOTE = 500;
  private static final Set<String> EVENT_FIELDS = Set.of("trade_id", "event", "price", "quantity", "note");

  private final Pool pool;
  private final Clock clock;
  private final QuoteStore quotes = new QuoteStore();
  private final TradeStore trades = new TradeStore();
  private final JournalStore reads = new JournalStore();
  private final Journal journal;
  private final ApprovalStore approvals = new ApprovalStore();
  private final CallbackStore callbacks = new CallbackStore();
  private final OutboxStore outbox = new OutboxStore();
  private final GatewayConfig config;
  private final JobPlan plan;

  public TradeService(Pool pool, Clock clock, GatewayConfig config, Journal journal) {
    this.pool = pool;
    this.journal = journal;
    this.clock = clock;
    this.config = config;
    this.plan = JobPlan.of(config);
  }

  public Instant now() {
    return Times.micros(clock.instant());
  }

  /** Stores a quote; the answer says whether it is now the latest for its ticker. */
  public Future<Stored> quote(Map<String, Object> body, String source) {
    Quote q;
    try {
      q = Quotes.parse(body, null, source, now());
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return quotes.upsert(pool, q).map(latest -> new Stored(q, latest)).recover(DbFailures::fail);
  }

  public record Stored(Quote quote, boolean latest) {
  }

  public Future<TradeStore.Trade> trade(String tradeId, Actor actor) {
    if (!actor.canRead()) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_002, "A role is required to read trades"));
    }
    return trades.find(pool, tradeId).recover(DbFailures::fail).compose(t -> t == null
      ? Future.failedFuture(notFound(tradeId)) : Future.succeededFuture(t));
  }

  /** The state changes of a trade, oldest first, from the journal. */
  public Future<List<JournalEntry>> history(TradeStore.Trade t) {
    return reads.byApproval(pool, t.approvalId(), 1000).map(entries -> entries.stream()
      .filter(e -> TradeLifecycle.JOURNAL_ACTION.equals(e.action())).toList()).recover(DbFailures::fail);
  }

  /** An engine's report; a transition SPEC §4 does not allow is refused with SEC-030 and audited. */
  public Future<TradeStore.Trade> report(Map<String, Object> body, Actor actor, String corr) {
    Event ev;
    try {
      actor.require(Role.SUBMITTER, "report trade events");
      ev = event(body);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Instant now = now();
    return journal.inTransaction(pool, tx -> trades.findForUpdate(tx.conn(), ev.tradeId).compose(t -> {
      if (t == null) {
        return Future.failedFuture(notFound(ev.tradeId));
      }
      TradeLifecycle.require(t.tradeId(), t.state(), ev.to);
      JournalEntry e = actor.stamp(TradeLifecycle.entry(t.approvalId(), t.tradeId(), t.ticker(), t.state(), ev.to,
        actor.subject(), corr, now, ev.details));
      return trades.move(tx.conn(), t.tradeId(), t.state(), ev.to, now)
        .compose(moved -> followUps(tx.conn(), t, ev, e, now))
        .compose(jobs -> outbox.insert(tx.conn(), jobs, now))
        .compose(moved -> tx.append(e))
        .map(saved -> new TradeStore.Trade(t.tradeId(), t.approvalId(), t.ticker(), t.side(), t.quantity(), t.price(),
          ev.to, t.createdAt(), now));
    })).recover(t -> refused(t, ev, actor, corr, now));
  }

  /**
   * The follow-ups of a reported trade state, committed with it (SPEC I3): the request's chat messages are
   * brought up to date (they show the trade state), and the request's callback_url hears the event.
   */
  private Future<List<OutboxStore.Job>> followUps(SqlConnection conn, TradeStore.Trade t, Event ev, JournalEntry e,
      Instant now) {
    return approvals.find(conn, t.approvalId()).compose(a -> {
      List<OutboxStore.Job> jobs = new ArrayList<>();
      if (a == null) {
        return Future.succeededFuture(jobs);
      }
      String kind = "trade." + ev.to.name().toLowerCase(Locale.ROOT);
      List<String> named = PolicySnapshot.channels(a.policy());
      for (OutboxStore.Job j : plan.jobs(kind, TradeLifecycle.JOURNAL_ACTION, e.actor(), Times.format(now),
          e.correlationId(), Json.plainMap(ApprovalJson.approval(a, now).getMap()))) {
        if (named == null || named.contains(j.channel())) {
          j.payload().put("details", e.payload());
          jobs.add(j);
        }
      }
      if (!config.callbacksEnabled()) {
        return Future.succeededFuture(jobs);
      }
      return callbacks.find(conn, a.id()).map(url -> {
        if (url != null) {
          jobs.add(Callbacks.trade(url, a, ev.to.name(), ev.details, now, e.correlationId()));
        }
        return jobs;
      });
    });
  }

  private Future<TradeStore.Trade> refused(Throwable t, Event ev, Actor actor, String corr, Instant now) {
    if (!(t instanceof GatewayException) || ((GatewayException) t).code() != ErrorCode.SEC_030) {
      return DbFailures.fail(t);
    }
    GatewayException g = (GatewayException) t;
    return trades.find(pool, ev.tradeId).compose(trade -> {
      Map<String, Object> payload = new LinkedHashMap<>(ev.details);
      payload.put("trade_id", ev.tradeId);
      payload.put("detail", g.detail());
      String from = String.valueOf(g.extensions().get("previous_state"));
      JournalEntry e = actor.stamp(JournalEntry.of(trade.approvalId(), ev.tradeId, actor.subject(),
        TradeLifecycle.REFUSED_ACTION, from, ev.to.name(), payload, corr, ErrorCode.SEC_030.code(), now));
      return journal.inTransaction(pool, tx -> tx.append(e));
    }).transform(ignored -> Future.failedFuture(g));
  }

  private record Event(String tradeId, TradeState to, Map<String, Object> details) {
  }

  private static Event event(Map<String, Object> body) {
    Map<String, String> errors = new LinkedHashMap<>();
    Set<String> unknown = new TreeSet<>(body.keySet());
    unknown.removeAll(EVENT_FIELDS);
    unknown.forEach(f -> errors.put(f, "unknown field"));
    Object id = body.get("trade_id");
    if (!(id instanceof String) || ((String) id).isBlank() || ((String) id).length() > 128) {
      errors.put("trade_id", "must be the trade id (1-128 characters)");
    }
    TradeState to = null;
    Object e = body.get("event");
    if (e instanceof String) {
      try {
        to = TradeState.valueOf(((String) e).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException ignored) {
        to = null;
      }
    }
    if (to == null || !TradeLifecycle.REPORTED.contains(to)) {
      errors.put("event", "must be FILLED, CLOSED or SETTLED");
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("event", to == null ? null : to.name());
    for (String f : List.of("price", "quantity")) {
      Object v = body.get(f);
      if (v != null) {
        BigDecimal d = v instanceof Boolean ? null : Decimals.parse(v);
        if (d == null || d.signum() <= 0 || !Decimals.fits(d)) {
          errors.put(f, "must be a positive decimal number");
        } else {
          details.put(f, Decimals.text(d));
        }
      }
    }
    try {
      String note = RequestValidator.optionalText(body.get("note"), "note", MAX_NOTE);
      if (note != null) {
        details.put("note", note);
      }
    } catch (GatewayException ex) {
      errors.put("note", "must be a string of at most " + MAX_NOTE + " characters");
    }
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return new Event((String) id, to, details);
  }

  private static GatewayException notFound(String tradeId) {
    return new GatewayException(ErrorCode.SEC_011, "No trade " + tradeId);
  }
}
