package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.pretrade.PretradePolicy;
import java.util.List;
import java.util.Map;

/**
 * One policy of a document, validated. Timeout keys are kept as written (resolved against the settings
 * when a request is created); a null list of channel rules means every configured channel, a null edit
 * policy means no edits, a null re-request rule means the settings' defaults, null pre-trade
 * limits mean the gate checks nothing.
 */
public record Policy(
  String name,
  Match match,
  int requiredApprovals,
  List<String> approverUsers,
  List<String> approverRoles,
  List<String> superApprovers,
  SelfApproval selfApproval,
  Map<String, Object> timeouts,
  boolean allowTimeoutOverrides,
  List<ChannelRule> channels,
  List<AutoApprove> autoApprove,
  List<Persona> acknowledgements,
  EditPolicy edits,
  ReRequest reRequest,
  PretradePolicy pretrade) {

  public static final int MAX_REQUIRED_APPROVALS = 20;

  public Policy {
    approverUsers = List.copyOf(approverUsers);
    approverRoles = List.copyOf(approverRoles);
    superApprovers = List.copyOf(superApprovers);
    timeouts = Map.copyOf(timeouts);
    channels = channels == null ? null : List.copyOf(channels);
    autoApprove = List.copyOf(autoApprove);
    acknowledgements = List.copyOf(acknowledgements);
  }

  /** Notification channels for requests matching {@code when} (null: every request); the first matching rule wins. */
  public record ChannelRule(Match when, List<String> send) {
    public ChannelRule {
      send = List.copyOf(send);
    }
  }

  /** Requests matching {@code when} are approved at creation by the system with this reason. */
  public record AutoApprove(Match when, String reason) {
  }

  /** A box someone must tick before the request can be approved; who may tick it (users, roles). */
  public record Persona(String name, List<String> users, List<String> roles) {
    public Persona {
      users = List.copyOf(users);
      roles = List.copyOf(roles);
    }
  }

  /** What an approver may change when approving: keys, their schemas, the size of the change, directions. */
  public record EditPolicy(List<String> allowed, Map<String, PropertySchema> schema, int maxDiffChars,
      List<String> decreaseOnly, List<String> tightenOnly) {
    public static final int DEFAULT_MAX_DIFF_CHARS = 256;

    public EditPolicy {
      allowed = List.copyOf(allowed);
      schema = Map.copyOf(schema);
      decreaseOnly = List.copyOf(decreaseOnly);
      tightenOnly = List.copyOf(tightenOnly);
    }
  }

  /** Re-requests of a rejected or expired request: wait this long after its decision, at most this many per lineage. */
  public record ReRequest(int cooldownSeconds, int maxPerLineage) {
  }
}
