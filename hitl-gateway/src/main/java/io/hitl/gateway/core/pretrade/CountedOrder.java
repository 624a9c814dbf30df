package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.machine.ApprovalEntry;
import io.hitl.gateway.core.policy.PolicySnapshot;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The row of `pretrade_orders` a request's journal says it must have, re-derived for verify: an order is
 * counted when its request is created inside every limit (the created entry's {@code counted_at}), when a
 * limit override is granted for it (the grant's {@code counted_at}) and again when an approval with edits
 * counts the edited order in place of the original (a {@value #RECOUNTED_ACTION} entry); the latest of these
 * wins. The keys, notional and which keys' seconds hold it follow from the order (the edited one when the
 * request was approved with edits) and the limits of the request's policy snapshot.
 *
 * <p>Requests created before counts were journaled: a created entry that checked an order (it carries the
 * order digest) and was not a limit-override request counted it at a time the journal does not hold, so
 * {@link #countedAt()} is null and only the row's presence, keys and notional are checked; the same for an
 * order edited before recounts were journaled.
 */
public record CountedOrder(Instant countedAt, long seq, String strategyKey, String accountKey, String duplicateKey,
    BigDecimal notional, boolean strategyKept, boolean accountKept) {
  /** Journal action of an edited order counted in place of the original. */
  public static final String RECOUNTED_ACTION = "pretrade_recounted";
  /** Payload key of the time an order was counted at (created, grant and recount entries). */
  public static final String COUNTED_AT = "counted_at";
  /** Payload key of the created entry's order digest: present when the gate checked the order. */
  public static final String ORDER_DIGEST = "order_digest";

  /** A later count of a request's order as the journal records it: a grant's or an edit's ({@link #RECOUNTED_ACTION}). */
  public record Count(long seq, String action, Instant at) {
  }

  /**
   * What {@code row}'s counted order must be by its machine {@code entries} and its later {@code counts} (both in
   * seq order), or null when the journal says its order is not counted.
   */
  @SuppressWarnings("unchecked")
  public static CountedOrder expected(Approval row, List<JournalEntry> entries, List<Count> counts) {
    if (!ApprovalTypes.TRADE_EXECUTION.equals(row.type())) {
      return null;
    }
    boolean counted = false;
    Instant at = null;
    long seq = 0;
    boolean recounted = false;
    for (JournalEntry e : entries) {
      Map<String, Object> p = e.payload() == null ? Map.of() : e.payload();
      if (ApprovalEntry.CREATED.equals(e.action()) && p.get(ORDER_DIGEST) != null) {
        if (p.get(COUNTED_AT) instanceof String s) {
          counted = true;
          at = Instant.parse(s);
          seq = e.seq();
        } else if (!p.containsKey(LimitOverride.SNAPSHOT_KEY)) {
          counted = true;
          at = null;
          seq = e.seq();
        }
      }
    }
    for (Count c : counts) {
      if (c.at() != null && c.seq() > seq) {
        counted = true;
        at = c.at();
        seq = c.seq();
        recounted |= RECOUNTED_ACTION.equals(c.action());
      }
    }
    if (!counted) {
      return null;
    }
    Object edits = row.overrides() == null ? null : row.overrides().get("final_parameters");
    if (edits instanceof Map && !recounted) {
      // edited before recounts were journaled: counted again at a time the journal does not hold
      at = null;
    }
    Order order = Order.fromContext(edits instanceof Map ? (Map<String, Object>) edits : row.context());
    PretradePolicy p = PolicySnapshot.pretrade(row.policy());
    String strategy = RollingCap.key(ScopeKind.STRATEGY, order);
    String account = RollingCap.key(ScopeKind.ACCOUNT, order);
    boolean strategyKept = false;
    boolean accountKept = false;
    if (p != null) {
      for (RollingCap cap : p.limits().rolling()) {
        String k = cap.key(order);
        strategyKept |= k.equals(strategy);
        accountKept |= k.equals(account);
      }
    }
    return new CountedOrder(at, seq, strategy, account, Duplicates.key(order), order.notional(), strategyKept,
      accountKept);
  }
}
