package io.hitl.gateway.chat;

import io.hitl.gateway.outbox.ChatText;

/** What a clicker is told privately (Slack ephemeral, Discord ephemeral) when a click does not decide. */
public final class ChatReplies {
  private ChatReplies() {
  }

  public static String unmapped(String platform, String userId) {
    return "⛔ Not allowed: your " + ChatText.channel(platform) + " user " + userId
      + " is not mapped to a HITL operator (SEC-090). Nothing was decided.";
  }

  public static String counted(String title) {
    return "👍 Your approval of " + title + " is counted; more approvals are needed.";
  }

  /** After a persona's box was ticked: what is still missing before Approve is open. */
  public static String acknowledged(String title, String persona, java.util.List<String> missing) {
    return "☑️ Acknowledged as " + persona + " on " + title + ". " + (missing.isEmpty()
      ? "Every acknowledgement is in; the request can be approved."
      : "Still needed before approval: " + String.join(", ", missing) + ".");
  }

  public static String reRequested(String title, String newId) {
    return "🔁 " + title + " was asked again as request " + newId + "; its message follows.";
  }

  public static String notHandled() {
    return "This button is not handled by HITL Gateway.";
  }

  /** A refusal of the approval service, by its SEC code. */
  public static String refusal(String code, String detail) {
    String d = detail == null ? "" : detail;
    switch (code == null ? "" : code) {
      case "SEC-090":
        return "⛔ Not allowed: " + d + " (SEC-090). Nothing was decided.";
      case "SEC-091":
        return "⛔ " + d + " (SEC-091). Nothing was decided.";
      case "SEC-012":
        return "ℹ️ Already decided: " + d + " (SEC-012).";
      case "SEC-013":
        return "⌛ Too late: " + d + " (SEC-013).";
      case "SEC-011":
        return "❓ Unknown request: " + d + " (SEC-011).";
      case "SEC-002":
        return "⛔ Not allowed: " + d + " (SEC-002). Nothing was changed.";
      case "SEC-060":
        return "⏳ Not yet: " + d + " (SEC-060).";
      case "SEC-030":
        return "⛔ " + d + " (SEC-030). Nothing was changed.";
      case "SEC-020":
      case "SEC-021":
        return "🔒 " + d + " (" + code + "). Nothing was decided.";
      default:
        return "⚠️ Your decision was not recorded: " + d + " (" + code + "). Try again or use the console.";
    }
  }
}
