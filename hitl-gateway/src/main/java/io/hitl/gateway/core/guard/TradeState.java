package io.hitl.gateway.core.guard;

/** SPEC §4 trade lifecycle states. */
public enum TradeState {
  PENDING, AWAITING_APPROVAL, ACCEPTED, REJECTED, FILLED, CLOSED, SETTLED
}
