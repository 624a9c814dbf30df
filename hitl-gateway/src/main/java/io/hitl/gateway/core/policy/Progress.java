package io.hitl.gateway.core.policy;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quorum progress as operators read it ("1 of 2 approvals: alice") and the persona checklist, for the
 * API view, events and chat messages.
 */
public final class Progress {
  private Progress() {
  }

  /** {approvals, required, approvers, super_approver, vetoed_by, summary} from the approvers in vote order. */
  public static Map<String, Object> of(Approval a, List<String> approvers, boolean bySuperApprover) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("approvals", approvers.size());
    m.put("required", a.requiredApprovals());
    m.put("approvers", new ArrayList<>(approvers));
    String superApprover = bySuperApprover && !approvers.isEmpty() ? approvers.get(approvers.size() - 1) : null;
    m.put("super_approver", superApprover);
    m.put("vetoed_by", a.status() == ApprovalStatus.REJECTED ? a.decidedBy() : null);
    m.put("summary", summary(approvers, a.requiredApprovals(), superApprover));
    return m;
  }

  public static String summary(List<String> approvers, int required, String superApprover) {
    StringBuilder sb = new StringBuilder().append(approvers.size()).append(" of ").append(required)
      .append(required == 1 ? " approval" : " approvals");
    if (!approvers.isEmpty()) {
      sb.append(": ");
      for (int i = 0; i < approvers.size(); i++) {
        if (i > 0) {
          sb.append(", ");
        }
        sb.append(approvers.get(i));
        if (approvers.get(i).equals(superApprover)) {
          sb.append(" (super-approver)");
        }
      }
    }
    return sb.toString();
  }

  /** {required, acknowledged: [{persona, by, at}], missing} for a request whose policy names personas. */
  public static Map<String, Object> acknowledgements(Map<String, Object> snapshot, List<Map<String, Object>> done) {
    List<String> required = new ArrayList<>();
    PolicySnapshot.acknowledgements(snapshot).forEach(p -> required.add(p.name()));
    java.util.Set<String> ticked = new java.util.HashSet<>();
    done.forEach(d -> ticked.add(String.valueOf(d.get("persona"))));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("required", required);
    m.put("acknowledged", done);
    m.put("missing", PolicySnapshot.missing(snapshot, ticked));
    return m;
  }
}
