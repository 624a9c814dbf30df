package io.hitl.client.contract;

/** Event-bus addresses that services outside the gateway call or follow (docs/event-bus-client.md). */
public final class BusAddresses {
  public static final String APPROVALS_CREATE = "hitl.approvals.create";
  public static final String APPROVALS_DECIDE = "hitl.approvals.decide";
  public static final String APPROVALS_CANCEL = "hitl.approvals.cancel";
  public static final String APPROVALS_GET = "hitl.approvals.get";
  public static final String APPROVALS_LIST = "hitl.approvals.list";
  /** Published once per change after its commit. */
  public static final String EVENTS = "hitl.events";
  /** Guardian status from JVM services: {state: LOCKED|UNLOCKED, reason}. */
  public static final String GUARDIAN_STATUS = "guardian.status";
  /** Quotes published or sent by engines: {ticker, bid, ask, ts}. */
  public static final String MARKET_QUOTES = "market.quotes";
  /** Trade lifecycle reports from engines: {trade_id, event: FILLED|CLOSED|SETTLED}. */
  public static final String TRADES_EVENT = "hitl.trades.event";
  /** The gateway's address space; on a clustered bus every message to it must be authenticated. */
  public static final String PREFIX = "hitl.";

  private BusAddresses() {
  }
}
