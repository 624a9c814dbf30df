package io.hitl.gateway.outbox;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * Short messages posted besides the request's own message: timeout, escalation and reminder notices (as a
 * reply to it where the platform allows), and notices about no single request, such as a Guardian lock.
 */
public final class Notices {
  /** The stage of an escalation entry that only warns of the coming deadline. */
  private static final String WARNING = "notice";
  /** Job kinds of a request that post a notice as well as updating its message. */
  public static final Set<String> REQUEST_NOTICES = Set.of("expired", "escalated", "reminder");

  private Notices() {
  }

  public static boolean postsNotice(String kind) {
    return REQUEST_NOTICES.contains(kind);
  }

  /**
   * The notice of a request's job. {@code details} is the journal payload the job carries (escalations:
   * stage, level, previous deadline, timeout action); the people it is for are added by each channel's layout.
   */
  public static String forRequest(String kind, MessageFacts f, Map<String, Object> details) {
    String what = f.title() + " (" + f.requestId() + ")";
    Map<String, Object> d = details == null ? Map.of() : details;
    switch (kind) {
      case "expired":
        return "⌛ Timed out: " + what + " had no decision before " + ChatText.utc(f.expiresAt()) + " and is now "
          + f.status() + (f.decisionReason() == null ? "" : " (" + f.decisionReason() + ")") + ".";
      case "escalated":
        if (WARNING.equals(d.get("stage"))) {
          return "⚠️ Deadline warning: " + what + " still needs a decision and times out at "
            + ChatText.utc(f.expiresAt()) + "; then " + consequence(d.get("timeout_action"))
            + ". The deadline has not moved.";
        }
        Instant previous = instant(d.get("previous_expires_at"));
        return "⏫ Escalated to level " + f.escalationLevel() + ": " + what + " still needs a decision; the deadline "
          + (previous == null ? "is now " : "moved from " + ChatText.utc(previous) + " to ")
          + ChatText.utc(f.expiresAt()) + ".";
      case "reminder":
        return "⏰ Reminder: " + what + " still awaits a decision; it expires " + ChatText.utc(f.expiresAt()) + ".";
      default:
        return "ℹ️ " + kind + ": " + what;
    }
  }

  private static String consequence(Object timeoutAction) {
    switch (String.valueOf(timeoutAction)) {
      case "escalate":
        return "it escalates to the next level (or expires after the last)";
      case "approve":
        return "the system approves it";
      default:
        return "it expires unapproved";
    }
  }

  private static Instant instant(Object iso) {
    try {
      return iso instanceof String ? Instant.parse((String) iso) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * One line on the request's state, posted as a new message where the original cannot be edited
   * (Slack incoming webhook without a bot token, once the click's response_url has run out).
   */
  public static String statusLine(MessageFacts f) {
    String state = f.pending()
      ? "awaiting a decision" + (f.escalationLevel() > 0 ? " (escalation level " + f.escalationLevel() + ")" : "")
      : f.outcomeLine();
    return f.icon() + " " + f.title() + " (" + f.requestId() + "): " + state;
  }

  /** A notice job without a request: its `text`, or a sentence for the known kinds. */
  public static String standalone(String kind, Map<String, Object> payload) {
    Object text = payload == null ? null : payload.get("text");
    if (text instanceof String && !((String) text).isBlank()) {
      return (String) text;
    }
    Object reason = payload == null ? null : payload.get("reason");
    if (reason == null && payload != null && payload.get("details") instanceof Map) {
      reason = ((Map<?, ?>) payload.get("details")).get("reason");
    }
    switch (kind == null ? "" : kind) {
      case "guardian.locked":
        return "🔒 Guardian LOCKED" + (reason == null ? "" : ": " + reason)
          + ". Pending requests were rejected; new requests and decisions are refused until it unlocks.";
      case "guardian.unlocked":
        return "🔓 Guardian unlocked" + (reason == null ? "" : ": " + reason) + ". Requests and decisions are accepted again.";
      default:
        return "ℹ️ HITL notice: " + kind;
    }
  }
}
