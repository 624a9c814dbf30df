package io.hitl.gateway.bus;

import io.hitl.gateway.core.Decimals;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.guard.ApprovalSettings;
import io.hitl.gateway.core.guard.GuardianState;
import io.hitl.gateway.core.guard.Lockout;
import io.hitl.gateway.core.guard.PostTradeSnapshot;
import io.hitl.gateway.core.guard.Quote;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.store.TradeStore;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Locale;

/** JSON views of the trading guards, in the style of {@link ApprovalJson}: snake_case, decimals as strings. */
public final class GuardJson {
  private GuardJson() {
  }

  public static JsonObject guardian(GuardianState g) {
    return new JsonObject()
      .put("state", g.stateName().toLowerCase(Locale.ROOT))
      .put("reason", g.reason())
      .put("source", g.source().json())
      .put("changed_by", g.changedBy())
      .put("changed_at", Times.format(g.changedAt()))
      .put("blocked_by_guardian", g.blockedByGuardian())
      .put("locks", g.locks());
  }

  public static JsonObject scopedSwitch(ScopedSwitch s) {
    return new JsonObject()
      .put("id", s.id().toString())
      .put("scope", s.scope().kind().json())
      .put("value", s.scope().value())
      .put("state", s.engaged() ? "engaged" : "released")
      .put("reason", s.reason())
      .put("set_by", s.setBy())
      .put("set_at", Times.format(s.setAt()))
      .put("rejected", s.rejected())
      .put("released_at", Times.format(s.liftedAt()))
      .put("released_by", s.liftedBy())
      .put("release_reason", s.liftReason());
  }

  public static JsonObject lockout(Lockout l) {
    return new JsonObject()
      .put("id", l.id().toString())
      .put("ticker", l.ticker())
      .put("reason", l.reason())
      .put("source", l.source().json())
      .put("created_by", l.createdBy())
      .put("created_at", Times.format(l.createdAt()))
      .put("until", Times.format(l.until()))
      .put("removed_at", Times.format(l.removedAt()))
      .put("removed_by", l.removedBy())
      .put("removed_reason", l.removedReason());
  }

  /** {@code hitlEnabledByDefault} is HITL_ENABLED, shown as the effective value while the row follows it. */
  public static JsonObject settings(ApprovalSettings s, boolean hitlEnabledByDefault) {
    return new JsonObject()
      .put("trading_mode", s.tradingMode().json())
      .put("auto_approve_paper", s.autoApprovePaper())
      .put("require_approval_for_live", s.requireApprovalForLive())
      .put("hitl_enabled", s.hitlEnabled(hitlEnabledByDefault))
      .put("hitl_enabled_source", s.hitlEnabled() == null ? "environment" : "settings")
      .put("updated_by", s.updatedBy())
      .put("updated_at", Times.format(s.updatedAt()));
  }

  public static JsonObject quote(Quote q) {
    return new JsonObject()
      .put("ticker", q.ticker())
      .put("bid", text(q.bid()))
      .put("ask", text(q.ask()))
      .put("mid", text(q.mid()))
      .put("spread", text(q.spread()))
      .put("ts", Times.format(q.quotedAt()))
      .put("received_at", Times.format(q.receivedAt()))
      .put("source", q.source());
  }

  public static JsonObject trade(TradeStore.Trade t) {
    if (t == null) {
      return null;
    }
    return new JsonObject()
      .put("trade_id", t.tradeId())
      .put("request_id", t.approvalId().toString())
      .put("ticker", t.ticker())
      .put("side", t.side())
      .put("quantity", text(t.quantity()))
      .put("price", text(t.price()))
      .put("state", t.state().name())
      .put("created_at", Times.format(t.createdAt()))
      .put("updated_at", Times.format(t.updatedAt()));
  }

  public static JsonObject snapshot(PostTradeSnapshot s) {
    if (s == null) {
      return null;
    }
    return new JsonObject()
      .put("trade_id", s.tradeId())
      .put("ticker", s.ticker())
      .put("side", s.side())
      .put("requested_price", text(s.requestedPrice()))
      .put("bid", text(s.bid()))
      .put("ask", text(s.ask()))
      .put("spread", text(s.spread()))
      .put("mid", text(s.mid()))
      .put("reference_price", text(s.referencePrice()))
      .put("latency_ms", s.latencyMs())
      .put("price_deviation_pct", s.priceDeviationPct() == null ? null
        : Decimals.scaled(s.priceDeviationPct()).toPlainString())
      .put("quote_source", s.quoteSource())
      .put("quoted_at", Times.format(s.quotedAt()))
      .put("correlation_id", s.correlationId())
      .put("created_at", Times.format(s.createdAt()));
  }

  private static String text(BigDecimal d) {
    return d == null ? null : Decimals.text(d);
  }
}
