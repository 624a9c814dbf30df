package io.hitl.gateway.approval;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.core.pretrade.Breach;
import io.hitl.gateway.core.pretrade.CountedOrder;
import io.hitl.gateway.core.pretrade.LimitOverride;
import io.hitl.gateway.core.pretrade.Limits;
import io.hitl.gateway.core.pretrade.Order;
import io.hitl.gateway.core.pretrade.OrderDigest;
import io.hitl.gateway.core.pretrade.PretradePolicy;
import io.hitl.gateway.pretrade.PretradeGate;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The pre-trade gate inside the approval write path: a trade request under a policy with limits is
 * checked in its create transaction (limits raised by earlier overrides in force), an admitted order is
 * counted in the windows, an approved limit-override counts its order and journals its grant, and an
 * approval with edits checks the edited order again.
 */
final class PretradeChecks {
  private final PretradeGate gate;

  /** One order checked against the limits in force for it, and what the gate found. */
  record Checked(Order order, Limits limits, PretradeGate.Verdict verdict) {
    boolean admitted() {
      return verdict.admitted();
    }
  }

  PretradeChecks(Duration quoteMaxAge, Clock clock) {
    this.gate = new PretradeGate(quoteMaxAge, clock);
  }

  /** The pre-trade policy a request of {@code type} is held to; null for other types or a policy without limits. */
  static PretradePolicy of(String type, PretradePolicy policyLimits) {
    return ApprovalTypes.TRADE_EXECUTION.equals(type) ? policyLimits : null;
  }

  /** The order's breaches under {@code p}'s limits and the raises in force; the window keys stay locked. */
  Future<Checked> check(SqlConnection conn, String policyName, PretradePolicy p, Order order) {
    return gate.check(conn, order, p.limits(), policyName).map(v -> new Checked(order, v.limits(), v));
  }

  /**
   * The check of new request {@code approvalId}'s order, which is counted with it when admitted (one statement
   * less than checking and then counting) and not counted when it breaches a limit.
   */
  Future<Checked> checkCounting(SqlConnection conn, UUID approvalId, String policyName, PretradePolicy p,
      Order order) {
    return gate.checkCounting(conn, approvalId, order, p.limits(), policyName)
      .map(v -> new Checked(order, v.limits(), v));
  }

  /** Takes out the count of a new request checked by {@link #checkCounting} that was not created after all. */
  Future<Void> forget(SqlConnection conn, UUID approvalId) {
    return gate.forget(conn, approvalId);
  }

  /** Counts an admitted order in its windows. */
  Future<Void> count(SqlConnection conn, UUID approvalId, Checked c) {
    return gate.count(conn, approvalId, c.order(), c.limits(), c.verdict().at());
  }

  /** SEC-052: the order breaches a limit and nobody may override it; the problem lists the breaches. */
  static GatewayException breached(List<Breach> breaches, String what) {
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("breaches", LimitOverride.snapshot(breaches, Instant.EPOCH).get("breaches"));
    StringBuilder detail = new StringBuilder(what);
    for (Breach b : breaches) {
      detail.append(" ").append(b.limit()).append(": ").append(b.detail()).append(".");
    }
    return new GatewayException(ErrorCode.SEC_052, detail.toString(), ext);
  }

  /**
   * The grant that approves an override request {@code a}: its order counted in the windows (it will be
   * sent; {@code countOrder} false when an edited order was counted instead) and the journal entries of the
   * grant and of each raise.
   */
  Future<List<JournalEntry>> granted(SqlConnection conn, Approval a, LimitOverride.Grant grant, List<Breach> breaches,
      boolean countOrder, String by, String corr, Instant now) {
    PretradePolicy p = PolicySnapshot.pretrade(a.policy());
    String policyName = PolicySnapshot.name(a.policy());
    Order order = Order.fromContext(a.context());
    Future<Instant> counted = p == null || !countOrder ? Future.succeededFuture(now)
      : gate.countAuthorised(conn, a.id(), order, p.limits());
    return counted.map(at -> {
      List<LimitOverride.Raise> raises = LimitOverride.raises(grant, breaches, order, policyName, now);
      List<JournalEntry> out = new ArrayList<>();
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("grant", grant.kind());
      payload.put("order_digest", OrderDigest.of(order));
      payload.put("breached", breaches.stream().map(Breach::limit).toList());
      if (grant.raises()) {
        payload.put("raise_seconds", grant.seconds());
        payload.put("raises", raises.stream().map(LimitOverride.Raise::payload).toList());
      }
      if (p != null && countOrder) {
        payload.put(CountedOrder.COUNTED_AT, Times.format(at));
      }
      out.add(JournalEntry.of(a.id(), a.id().toString(), by, LimitOverride.GRANTED_ACTION, null, null, payload, corr,
        null, now));
      for (LimitOverride.Raise r : raises) {
        Map<String, Object> rp = r.payload();
        rp.put("approval_id", a.id().toString());
        out.add(JournalEntry.of(a.id(), r.target(), by, LimitOverride.RAISED_ACTION, null, null, rp, corr, null, now));
      }
      return out;
    });
  }

  /**
   * An approval with edits of a request held to limits: the request's own count is taken out and the edited
   * order checked as a new one; a breach refuses the approval (SEC-052, rolled back with it), else the
   * edited order is counted in place of the original, at the time returned (null: no limits, nothing counted).
   */
  Future<Instant> edited(SqlConnection conn, Approval a, Map<String, Object> finalParameters) {
    PretradePolicy p = PolicySnapshot.pretrade(a.policy());
    if (p == null || !ApprovalTypes.TRADE_EXECUTION.equals(a.type())) {
      return Future.succeededFuture();
    }
    Order order = Order.fromContext(finalParameters);
    return gate.uncount(conn, a.id(), Order.fromContext(a.context()), order, p.limits())
      .compose(v -> check(conn, PolicySnapshot.name(a.policy()), p, order))
      .compose(c -> c.admitted() ? count(conn, a.id(), c).map(c.verdict().at())
        : Future.failedFuture(breached(c.verdict().breaches(), "The edited order breaches a pre-trade limit.")));
  }

  /** The journal entry of an edited order counted in place of the original at {@code at}, for verify. */
  static JournalEntry recounted(Approval a, Map<String, Object> finalParameters, Instant at, String by, String corr,
      Instant now) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put(CountedOrder.COUNTED_AT, Times.format(at));
    payload.put(CountedOrder.ORDER_DIGEST, OrderDigest.of(Order.fromContext(finalParameters)));
    return JournalEntry.of(a.id(), a.id().toString(), by, CountedOrder.RECOUNTED_ACTION, null, null, payload, corr,
      null, now);
  }
}
