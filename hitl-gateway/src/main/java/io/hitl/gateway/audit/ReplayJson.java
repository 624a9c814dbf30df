package io.hitl.gateway.audit;

import io.hitl.gateway.core.machine.Mismatch;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** The replay part of the verify report, as the API and the command line show it. */
final class ReplayJson {
  private ReplayJson() {
  }

  static JsonObject of(ApprovalReplay.Result r) {
    JsonArray mismatches = new JsonArray();
    for (Mismatch m : r.mismatches()) {
      mismatches.add(new JsonObject().put("table", m.table()).put("id", m.id()).put("field", m.field())
        .put("expected", m.expected()).put("found", m.found()).put("journal_seq", m.seq()));
    }
    JsonArray failures = new JsonArray();
    for (Map<String, Object> f : r.integrityFailures()) {
      failures.add(new JsonObject(f));
    }
    return new JsonObject()
      .put("approvals_replayed", r.replayed())
      .put("not_replayable", r.notReplayable())
      .put("archived_history", r.archived())
      .put("mismatch_count", r.mismatchCount())
      .put("mismatches", mismatches)
      .put("integrity_failures", failures);
  }
}
