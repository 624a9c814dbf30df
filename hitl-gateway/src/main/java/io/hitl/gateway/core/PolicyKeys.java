package io.hitl.gateway.core;

import java.util.List;

/** Keys of an approval's `policy` snapshot (JSONB); one place so every feature that fills it agrees. */
public final class PolicyKeys {
  public static final String TIMEOUT_SECONDS = "timeout_seconds";
  public static final String TIMEOUT_ACTION = "timeout_action";
  public static final String ESCALATE_BEFORE_SECONDS = "escalate_before_seconds";
  public static final String REMINDER_INTERVAL_SECONDS = "reminder_interval_seconds";
  public static final String MAX_ESCALATION_LEVEL = "max_escalation_level";
  public static final String ESCALATION_EXTENSION_SECONDS = "escalation_extension_seconds";
  public static final String ESCALATION_TARGETS = "escalation_targets";
  public static final String POLICY_NAME = "policy_name";
  public static final String POLICY_VERSION = "policy_version";
  public static final String POLICY_DOCUMENT_HASH = "policy_document_hash";
  public static final String REQUIRED_APPROVALS = "required_approvals";
  public static final String APPROVERS = "approvers";
  public static final String SUPER_APPROVERS = "super_approvers";
  public static final String SELF_APPROVAL = "self_approval";
  public static final String CHANNELS = "channels";
  public static final String ACKNOWLEDGEMENTS = "acknowledgements";
  public static final String EDITS = "edits";
  public static final String RE_REQUEST = "re_request";
  public static final String LIMITS = "limits";

  /** The timeout keys a create body may set (timeout_seconds is parsed by RequestValidator). */
  public static final List<String> TIMEOUT_OVERRIDES = List.of(TIMEOUT_ACTION, ESCALATE_BEFORE_SECONDS,
    REMINDER_INTERVAL_SECONDS, MAX_ESCALATION_LEVEL, ESCALATION_EXTENSION_SECONDS, ESCALATION_TARGETS);

  private PolicyKeys() {
  }
}
