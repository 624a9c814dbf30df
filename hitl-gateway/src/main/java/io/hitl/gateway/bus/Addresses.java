package io.hitl.gateway.bus;

import io.hitl.client.contract.BusAddresses;

/** Event-bus addresses (docs/architecture.md); those clients use are the client library's contract. */
public final class Addresses {
  public static final String APPROVALS_CREATE = BusAddresses.APPROVALS_CREATE;
  public static final String APPROVALS_DECIDE = BusAddresses.APPROVALS_DECIDE;
  public static final String APPROVALS_CANCEL = BusAddresses.APPROVALS_CANCEL;
  public static final String APPROVALS_GET = BusAddresses.APPROVALS_GET;
  public static final String APPROVALS_LIST = BusAddresses.APPROVALS_LIST;
  /** Internal: apply what is due for one request now (deadline, escalation notice, reminder). */
  public static final String APPROVALS_EXPIRE = "hitl.approvals.expire";
  /** Admin: handle every overdue pending request now. */
  public static final String APPROVALS_CLEANUP = "hitl.approvals.cleanup";
  /** Per node: fire the timers due by the clock now and report the timer table. */
  public static final String EXPIRY_SWEEP = "hitl.expiry.sweep";
  /** Approver or persona: tick a persona's acknowledgement box on a pending request. */
  public static final String APPROVALS_ACKNOWLEDGE = "hitl.approvals.acknowledge";
  /** Requester or admin: ask a rejected or expired request again, linked by lineage. */
  public static final String APPROVALS_REREQUEST = "hitl.approvals.rerequest";
  /** Approver: one decision for many requests, each through the normal decide path. */
  public static final String APPROVALS_BULK_DECIDE = "hitl.approvals.bulk-decide";
  public static final String POLICIES_GET = "hitl.policies.get";
  public static final String POLICIES_PUT = "hitl.policies.put";
  public static final String POLICIES_VERSIONS = "hitl.policies.versions";
  public static final String POLICIES_DRY_RUN = "hitl.policies.dry-run";
  /** Published after a new policy version commits: {version, hash}; every node reloads. */
  public static final String POLICIES_CHANGED = "hitl.policies.changed";
  public static final String AUDIT_QUERY = "hitl.audit.query";
  public static final String AUDIT_VERIFY = "hitl.audit.verify";
  public static final String AUDIT_EXPORT = "hitl.audit.export";
  /** Reader: one filtered page of request history with its total. */
  public static final String HISTORY_SEARCH = "hitl.history.search";
  /** Reader: checks and journals a history export before the HTTP layer streams it. */
  public static final String HISTORY_EXPORT = "hitl.history.export";
  /** Reader: the JSON Schemas of a request type's body and allowed edits. */
  public static final String SCHEMAS_GET = "hitl.schemas.get";
  public static final String EVENTS = BusAddresses.EVENTS;
  /** Published after commit with the seqs of journal entries that have no event, so stream readers skip them. */
  public static final String JOURNAL_APPENDED = "hitl.journal.appended";
  public static final String NOTIFY_LIST = "hitl.notify.list";
  public static final String NOTIFY_RETRY = "hitl.notify.retry";
  /** Published to make every notifier look for due outbox jobs now. */
  public static final String NOTIFY_WAKE = "hitl.notify.wake";
  public static final String CHAT_SLACK = "hitl.chat.slack";
  public static final String CHAT_DISCORD = "hitl.chat.discord";
  /** A signed Slack slash command (`/hitl-switch`), raw as the HTTP verticle received it. */
  public static final String CHAT_SLACK_COMMAND = "hitl.chat.slack.command";
  public static final String CHAT_LINK = "hitl.chat.link";
  /** Guardian status from JVM services: {state: LOCKED|UNLOCKED, reason}. */
  public static final String GUARDIAN_STATUS = BusAddresses.GUARDIAN_STATUS;
  public static final String GUARDIAN_GET = "hitl.guardian.get";
  public static final String GUARDIAN_LOCK = "hitl.guardian.lock";
  public static final String GUARDIAN_UNLOCK = "hitl.guardian.unlock";
  public static final String LOCKOUTS_LIST = "hitl.lockouts.list";
  /** Manual lockouts (admin) and system ones (news_shock, cooldown) from JVM services. */
  public static final String LOCKOUTS_CREATE = "hitl.lockouts.create";
  public static final String LOCKOUTS_REMOVE = "hitl.lockouts.remove";
  /** Reader: the engaged scoped kill switches ({history: true} adds the released ones). */
  public static final String SWITCHES_LIST = "hitl.switches.list";
  /** Admin: engage a kill switch on {scope, value, reason}; pending trades in scope are rejected with it. */
  public static final String SWITCHES_ENGAGE = "hitl.switches.engage";
  /** Admin: release an engaged kill switch {id, reason}. */
  public static final String SWITCHES_RELEASE = "hitl.switches.release";
  /** Submitter: open an engine session {heartbeat_timeout_seconds} for cancel-on-disconnect. */
  public static final String SESSIONS_OPEN = "hitl.sessions.open";
  /** Submitter: a heartbeat {id} of the caller's session; a lapsed one answers SEC-073 with what was cancelled. */
  public static final String SESSIONS_HEARTBEAT = "hitl.sessions.heartbeat";
  /**
   * Owner: close a session {id, cancel_pending?}; its pending requests are cancelled only with cancel_pending true.
   * Closing an ended session answers it unchanged.
   */
  public static final String SESSIONS_CLOSE = "hitl.sessions.close";
  /** Owner or admin: a session {id} with the requests its lapse or close cancelled. */
  public static final String SESSIONS_GET = "hitl.sessions.get";
  /** Per node, admin: lapse the sessions overdue by the clock now. */
  public static final String SESSIONS_SWEEP = "hitl.sessions.sweep";
  public static final String SETTINGS_GET = "hitl.settings.approval.get";
  public static final String SETTINGS_PUT = "hitl.settings.approval.put";
  /** Quotes published by engines: {ticker, bid, ask, ts}. */
  public static final String MARKET_QUOTES = BusAddresses.MARKET_QUOTES;
  public static final String QUOTES_PUT = "hitl.market.quotes.put";
  /** Trade lifecycle reports from engines: {trade_id, event: FILLED|CLOSED|SETTLED}. */
  public static final String TRADES_EVENT = BusAddresses.TRADES_EVENT;
  public static final String TRADES_GET = "hitl.trades.get";
  /** The gateway's address space; on a clustered bus every message to it must be authenticated. */
  public static final String PREFIX = BusAddresses.PREFIX;

  private Addresses() {
  }
}
