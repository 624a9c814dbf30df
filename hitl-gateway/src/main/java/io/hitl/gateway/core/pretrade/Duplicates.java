package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.CanonicalJson;
import io.hitl.gateway.core.Hashing;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/** Duplicate orders: the same attribution, symbol, side and size (price aside) within a window. */
public final class Duplicates {
  private Duplicates() {
  }

  /**
   * The last order keyed on this thread and its key: a create's check locks, reads and counts by the key of one
   * order, so it is hashed once rather than three times (orders are immutable, so the same instance has the same key).
   */
  private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[2]);

  /** The key two orders share exactly when they are duplicates of each other. */
  public static String key(Order order) {
    Object[] last = LAST.get();
    if (last[0] == order) {
      return (String) last[1];
    }
    Map<String, Object> m = new TreeMap<>(order.fields());
    m.remove("price");
    String key = Hashing.sha256Hex(CanonicalJson.write(m));
    last[0] = order;
    last[1] = key;
    return key;
  }

  /**
   * The latest same-key order counted after {@code now - window}, or null. An order stamped later than
   * {@code now} (counted by a node whose clock runs ahead) is still a duplicate: clock skew between nodes
   * can only make the check stricter, never let the same order through twice.
   */
  public static Instant latestWithin(Collection<Instant> sameKeyTimes, Instant now, Duration window) {
    Instant start = now.minus(window);
    Instant latest = null;
    for (Instant t : sameKeyTimes) {
      if (t.isAfter(start) && (latest == null || t.isAfter(latest))) {
        latest = t;
      }
    }
    return latest;
  }
}
