package io.hitl.gateway.core.guard;

import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * SPEC §4: PENDING → AWAITING_APPROVAL → ACCEPTED | REJECTED, ACCEPTED → FILLED → CLOSED → SETTLED.
 * Every other pair, staying in the same state included, is refused with SEC-030.
 */
public final class TradeLifecycle {
  private static final Map<TradeState, EnumSet<TradeState>> NEXT = new EnumMap<>(TradeState.class);

  static {
    for (TradeState s : TradeState.values()) {
      NEXT.put(s, EnumSet.noneOf(TradeState.class));
    }
    NEXT.get(TradeState.PENDING).add(TradeState.AWAITING_APPROVAL);
    NEXT.get(TradeState.AWAITING_APPROVAL).addAll(EnumSet.of(TradeState.ACCEPTED, TradeState.REJECTED));
    NEXT.get(TradeState.ACCEPTED).add(TradeState.FILLED);
    NEXT.get(TradeState.FILLED).add(TradeState.CLOSED);
    NEXT.get(TradeState.CLOSED).add(TradeState.SETTLED);
  }

  public static final String JOURNAL_ACTION = "trade_state";
  public static final String REFUSED_ACTION = "trade_transition_refused";

  /** The states engines report; ACCEPTED and REJECTED follow the approval decision only. */
  public static final Set<TradeState> REPORTED = EnumSet.of(TradeState.FILLED, TradeState.CLOSED, TradeState.SETTLED);

  private TradeLifecycle() {
  }

  public static boolean allowed(TradeState from, TradeState to) {
    return NEXT.get(from).contains(to);
  }

  public static Set<TradeState> next(TradeState from) {
    return EnumSet.copyOf(NEXT.get(from));
  }

  /** The journal entry of a transition; the trade id is the target so the audit trail can be filtered by trade. */
  public static JournalEntry entry(UUID approvalId, String tradeId, String ticker, TradeState from, TradeState to,
      String actor, String corr, Instant at, Map<String, Object> details) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("trade_id", tradeId);
    payload.put("ticker", ticker);
    payload.putAll(details);
    return JournalEntry.of(approvalId, tradeId, actor, JOURNAL_ACTION, from.name(), to.name(), payload, corr, null, at);
  }

  public static void require(String tradeId, TradeState from, TradeState to) {
    if (allowed(from, to)) {
      return;
    }
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("trade_id", tradeId);
    ext.put("previous_state", from.name());
    ext.put("new_state", to.name());
    throw new GatewayException(ErrorCode.SEC_030, "Trade " + tradeId + " cannot move from " + from + " to " + to
      + (NEXT.get(from).isEmpty() ? " (" + from + " is final)" : " (next: " + NEXT.get(from) + ")"), ext);
  }
}
