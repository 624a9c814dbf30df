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

  /** The key two orders share exactly when they are duplicates of each other. */
  public static String key(Order order) {
    Map<String, Object> m = new TreeMap<>(order.fields());
    m.remove("price");
    return Hashing.sha256Hex(CanonicalJson.write(m));
  }

  /** The latest earlier order in the window ending at {@code now} (after {@code now - window}), or null. */
  public static Instant latestWithin(Collection<Instant> sameKeyTimes, Instant now, Duration window) {
    Instant start = now.minus(window);
    Instant latest = null;
    for (Instant t : sameKeyTimes) {
      if (t.isAfter(start) && !t.isAfter(now) && (latest == null || t.isAfter(latest))) {
        latest = t;
      }
    }
    return latest;
  }
}
