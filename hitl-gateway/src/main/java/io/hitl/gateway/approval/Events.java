package io.hitl.gateway.approval;

import io.hitl.gateway.core.guard.GuardEntries;
import java.util.Map;

/** Journal actions and the `hitl.events` event each one is published as. */
public final class Events {
  static final String CREATED = "created";
  static final String APPROVED = "approved";
  static final String REJECTED = "rejected";
  static final String VOTE = "vote";
  static final String EXPIRED = "expired";
  static final String CANCELLED = "cancelled";
  static final String INTEGRITY_FAILURE = "integrity_failure";
  static final String ESCALATED = "escalated";
  static final String REMINDER = "reminder";
  static final String GUARDIAN_LOCKED = "guardian_locked";
  static final String GUARDIAN_UNLOCKED = "guardian_unlocked";
  static final String SELF_APPROVAL = "self_approval";
  static final String ACKNOWLEDGED = "acknowledged";
  /** Audited only: the parameters an approval with edits changed. */
  static final String EDITS_APPLIED = "edits_applied";
  /** Audited only: on a request asked again, the id of the new request. */
  static final String RE_REQUESTED = "re_requested";

  private static final Map<String, String> EVENT_OF = Map.ofEntries(
    Map.entry(CREATED, "created"),
    Map.entry(APPROVED, "decided"),
    Map.entry(REJECTED, "decided"),
    Map.entry(VOTE, "vote"),
    Map.entry(EXPIRED, "expired"),
    Map.entry(CANCELLED, "cancelled"),
    Map.entry(INTEGRITY_FAILURE, "integrity.alert"),
    Map.entry(ESCALATED, "escalated"),
    Map.entry(REMINDER, "reminder"),
    Map.entry(GUARDIAN_LOCKED, "guardian.locked"),
    Map.entry(GUARDIAN_UNLOCKED, "guardian.unlocked"),
    Map.entry(GuardEntries.GUARDIAN_INTEGRITY_FAILURE, "integrity.alert"));

  /** Policy events: a break-glass self-approval is broadcast; a persona's acknowledgement shows progress. */
  private static final Map<String, String> POLICY_EVENT_OF = Map.of(
    SELF_APPROVAL, "self_approval",
    ACKNOWLEDGED, "acknowledged");

  private Events() {
  }

  /** The published event name of a journal action, or null for actions that are only audited. */
  public static String eventOf(String action) {
    String event = EVENT_OF.get(action);
    return event != null ? event : POLICY_EVENT_OF.get(action);
  }
}
