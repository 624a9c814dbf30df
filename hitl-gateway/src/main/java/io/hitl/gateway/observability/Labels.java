package io.hitl.gateway.observability;

import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.ErrorCode;
import java.util.List;
import java.util.Locale;

/**
 * The label values of the domain metrics. Each function maps free input (types, reasons, channels, paths)
 * onto a small fixed set, so no request can create a new time series.
 */
public final class Labels {
  public static final String OTHER = "other";
  public static final String OTHER_TYPE = "OTHER";

  public static final String MANUAL = "manual";
  public static final String TIMEOUT = "timeout";
  public static final String GUARDIAN = "guardian";
  public static final String INTEGRITY = "integrity";
  public static final String SLIPPAGE = "slippage";
  public static final String NO_QUOTE = "no_quote";
  public static final String DISABLED = "disabled";
  public static final String SYSTEM = "system";

  public static final List<String> TYPES = withOther(ApprovalTypes.BUILT_IN, OTHER_TYPE);
  public static final List<String> REJECTION_REASONS = List.of(MANUAL, TIMEOUT, GUARDIAN, INTEGRITY, SLIPPAGE,
    NO_QUOTE, SYSTEM);
  public static final List<String> APPROVAL_REASONS = List.of(MANUAL, TIMEOUT, DISABLED, SYSTEM);
  public static final List<String> OUTCOMES = List.of("approved", "rejected", "expired", "cancelled");
  public static final List<String> NOTIFY_CHANNELS = List.of("slack", "discord", "webhook", "callback", "email", OTHER);
  public static final List<String> OPERATIONS = List.of("create", "decide", "cancel", "get", "list", "expire",
    "cleanup", OTHER);
  public static final List<String> TIMED_OPERATIONS = List.of("create", "decide", "cancel");
  /** Where the Guardian blocked: pending requests rejected by a lock, and creates or decisions refused (SEC-020). */
  public static final List<String> GUARDIAN_STAGES = List.of("cascade", "create", "decision");

  private static final String API = "/api/v1/approvals";

  private Labels() {
  }

  /** A built-in approval type as is; anything else (custom types) as OTHER. */
  public static String type(String type) {
    return type != null && ApprovalTypes.known(type) ? type : OTHER_TYPE;
  }

  /** The terminal outcome of a status as the API spells it; null for a request still pending or unknown. */
  public static String outcome(String status) {
    if (status == null) {
      return null;
    }
    String s = status.toLowerCase(Locale.ROOT);
    return OUTCOMES.contains(s) ? s : null;
  }

  /**
   * Why a request was rejected or expired: the system reason codes by name, a person's decision as manual
   * (their free-text reason is not a label), any other system decision as system.
   */
  public static String rejectionReason(String reason, String channel) {
    String r = reason == null ? "" : reason.toUpperCase(Locale.ROOT);
    if (r.equals("HITL_TIMEOUT") || r.startsWith("HITL_TIMEOUT_")) {
      return TIMEOUT;
    }
    if (r.startsWith("GUARDIAN")) {
      return GUARDIAN;
    }
    if (r.startsWith("INTEGRITY")) {
      return INTEGRITY;
    }
    if (r.startsWith("SLIPPAGE")) {
      return SLIPPAGE;
    }
    if (r.startsWith("NO_QUOTE") || r.startsWith("NO_FRESH_QUOTE")) {
      return NO_QUOTE;
    }
    return isSystem(channel) ? SYSTEM : MANUAL;
  }

  /** True for an outcome a deadline produced: an expiry, or an approval or rejection by the timeout action. */
  public static boolean byTimer(String outcome, String reason) {
    return "expired".equals(outcome)
      || reason != null && reason.toUpperCase(Locale.ROOT).startsWith("HITL_TIMEOUT") && outcome != null;
  }

  /** Why a request was approved: by a person, by the timeout action, with HITL disabled, or another system rule. */
  public static String approvalReason(String reason, String channel) {
    if (!isSystem(channel)) {
      return MANUAL;
    }
    String r = reason == null ? "" : reason.toUpperCase(Locale.ROOT);
    if (r.startsWith("HITL_TIMEOUT")) {
      return TIMEOUT;
    }
    if (r.equals("HITL_DISABLED")) {
      return DISABLED;
    }
    return SYSTEM;
  }

  /** The rejection reason a refused decision counts under, or null when the refusal is not a price guard's. */
  public static String refusedDecisionReason(ErrorCode code) {
    if (code == ErrorCode.SEC_050) {
      return SLIPPAGE;
    }
    if (code == ErrorCode.SEC_051) {
      return NO_QUOTE;
    }
    return null;
  }

  public static String channel(String channel) {
    String c = channel == null ? "" : channel.toLowerCase(Locale.ROOT);
    return NOTIFY_CHANNELS.contains(c) ? c : OTHER;
  }

  /** The approval operation of an event-bus address (`hitl.approvals.decide` → decide). */
  public static String operationOfAddress(String address) {
    String prefix = "hitl.approvals.";
    if (address != null && address.startsWith(prefix)) {
      String op = address.substring(prefix.length());
      if (OPERATIONS.contains(op)) {
        return op;
      }
    }
    return OTHER;
  }

  /** The timed operation an HTTP request is (create, decide, cancel), or null for every other route. */
  public static String operationOfRequest(String method, String path) {
    if (method == null || path == null || !path.startsWith(API)) {
      return null;
    }
    String rest = path.substring(API.length());
    if (rest.endsWith("/") && rest.length() > 1) {
      rest = rest.substring(0, rest.length() - 1);
    }
    switch (method) {
      case "POST":
        if (rest.isEmpty() || rest.equals("/trade")) {
          return "create";
        }
        if (rest.equals("/decision") || isIdThen(rest, "/approve") || isIdThen(rest, "/reject")) {
          return "decide";
        }
        return null;
      case "DELETE":
        return isIdThen(rest, "") ? "cancel" : null;
      default:
        return null;
    }
  }

  /** ok for a success, the SEC code for a refusal, else the HTTP status class (4xx, 5xx). */
  public static String result(int status, String errorCode) {
    if (status < 400) {
      return "ok";
    }
    if (errorCode != null && ErrorCode.fromCode(errorCode).code().equals(errorCode)) {
      return errorCode;
    }
    return status >= 500 ? "5xx" : "4xx";
  }

  private static boolean isIdThen(String rest, String suffix) {
    if (!rest.startsWith("/") || !rest.endsWith(suffix)) {
      return false;
    }
    String id = rest.substring(1, rest.length() - suffix.length());
    return !id.isEmpty() && id.indexOf('/') < 0 && !id.equals("cleanup") && !id.equals("trade")
      && !id.equals("decision");
  }

  private static boolean isSystem(String channel) {
    return channel == null || SYSTEM.equalsIgnoreCase(channel);
  }

  private static List<String> withOther(List<String> values, String other) {
    List<String> l = new java.util.ArrayList<>(values);
    l.add(other);
    return List.copyOf(l);
  }
}
