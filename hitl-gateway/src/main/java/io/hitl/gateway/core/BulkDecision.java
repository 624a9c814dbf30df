package io.hitl.gateway.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One decision for many requests (seed 003 bulk approvals): each id is decided on its own through the
 * normal decision path and reported on its own; nothing here couples them.
 */
public record BulkDecision(List<String> ids, Decision decision, String reason, String comment) {
  public static final int MAX_IDS = 100;
  private static final Set<String> FIELDS = Set.of("ids", "decision", "reason", "comment");

  public BulkDecision {
    ids = List.copyOf(ids);
  }

  /** The call, or SEC-010 naming each bad field; ids that are not UUIDs are reported per id, not here. */
  public static BulkDecision parse(Map<String, Object> body) {
    Map<String, String> errors = new LinkedHashMap<>();
    for (String k : new TreeSet<>(body.keySet())) {
      if (!FIELDS.contains(k)) {
        errors.put(k, "unknown field");
      }
    }
    List<String> ids = new ArrayList<>();
    Object v = body.get("ids");
    if (!(v instanceof List) || ((List<?>) v).isEmpty() || ((List<?>) v).size() > MAX_IDS) {
      errors.put("ids", "must be a list of 1-" + MAX_IDS + " request ids");
    } else {
      Set<String> seen = new LinkedHashSet<>();
      for (Object o : (List<?>) v) {
        if (!(o instanceof String)) {
          errors.put("ids", "must be a list of request ids (strings)");
          break;
        }
        if (!seen.add(((String) o).toLowerCase(java.util.Locale.ROOT))) {
          errors.put("ids", "must not name a request twice (" + o + ")");
          break;
        }
        ids.add((String) o);
      }
    }
    Decision d = body.get("decision") instanceof String ? Decision.parse((String) body.get("decision")) : null;
    if (d == null) {
      errors.put("decision", "must be approve or reject");
    }
    for (String f : List.of("reason", "comment")) {
      if (body.get(f) != null && !(body.get(f) instanceof String)) {
        errors.put(f, "must be a string");
      }
    }
    if (!errors.isEmpty()) {
      throw GatewayException.invalid(errors);
    }
    return new BulkDecision(ids, d, (String) body.get("reason"), (String) body.get("comment"));
  }

  /** The id as a UUID in canonical form, or null (reported as that id's SEC-010). */
  public static UUID uuid(String id) {
    try {
      UUID u = UUID.fromString(id);
      return u.toString().equalsIgnoreCase(id) ? u : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
