package io.hitl.gateway.core.pretrade;

import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The journal entries of scoped kill switches. Each carries every field of the row it produced, so the
 * replay re-derives the row from the entries alone; the target names the scope ("venue:XNAS").
 */
public final class SwitchEntries {
  public static final String ENGAGED = "switch_engaged";
  public static final String LIFTED = "switch_lifted";

  private SwitchEntries() {
  }

  public static String target(Scope s) {
    return s.kind().json() + ":" + s.value();
  }

  public static JournalEntry engaged(ScopedSwitch s, String corr) {
    return JournalEntry.of(null, target(s.scope()), s.setBy(), ENGAGED, null, "ENGAGED", payload(s), corr, null,
      s.setAt());
  }

  public static JournalEntry lifted(ScopedSwitch s, String corr) {
    Map<String, Object> p = payload(s);
    p.put("lift_reason", s.liftReason());
    return JournalEntry.of(null, target(s.scope()), s.liftedBy(), LIFTED, "ENGAGED", "LIFTED", p, corr, null,
      s.liftedAt());
  }

  private static Map<String, Object> payload(ScopedSwitch s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("switch_id", s.id().toString());
    m.put("scope", s.scope().kind().json());
    m.put("value", s.scope().value());
    m.put("reason", s.reason());
    m.put("set_by", s.setBy());
    m.put("set_at", Times.format(s.setAt()));
    m.put("rejected", s.rejected());
    return m;
  }
}
