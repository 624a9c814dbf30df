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

  /**
   * Where a change came from: the channel (api, console, bus, slack, discord) and, from chat, the chat user who
   * confirmed it ("slack:U0123ABCD"); the entry's actor stays the operator that user is mapped to.
   */
  public record Via(String channel, String chatUser) {
    public static final Via UNKNOWN = new Via(null, null);
  }

  public static String target(Scope s) {
    return s.kind().json() + ":" + s.value();
  }

  public static JournalEntry engaged(ScopedSwitch s, String corr) {
    return engaged(s, Via.UNKNOWN, corr);
  }

  public static JournalEntry engaged(ScopedSwitch s, Via via, String corr) {
    Map<String, Object> p = payload(s);
    via(p, via);
    return JournalEntry.of(null, target(s.scope()), s.setBy(), ENGAGED, null, "ENGAGED", p, corr, null, s.setAt());
  }

  public static JournalEntry lifted(ScopedSwitch s, String corr) {
    return lifted(s, Via.UNKNOWN, corr);
  }

  public static JournalEntry lifted(ScopedSwitch s, Via via, String corr) {
    Map<String, Object> p = payload(s);
    p.put("lift_reason", s.liftReason());
    via(p, via);
    return JournalEntry.of(null, target(s.scope()), s.liftedBy(), LIFTED, "ENGAGED", "LIFTED", p, corr, null,
      s.liftedAt());
  }

  private static void via(Map<String, Object> p, Via via) {
    if (via != null && via.channel() != null) {
      p.put("channel", via.channel());
    }
    if (via != null && via.chatUser() != null) {
      p.put("chat_user", via.chatUser());
    }
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
