package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.policy.EditRules;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.DbFailures;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals of decisions, acknowledgements, re-requests, cancels and guarded creates are audited (SPEC §5),
 * each in its own small transaction; the caller is answered with the refusal either way. An unavailable
 * database, an internal error and a value PostgreSQL refused are answered only.
 */
final class RefusalAudit {
  private static final Logger LOG = LoggerFactory.getLogger(RefusalAudit.class);

  private final Pool pool;
  private final Clock clock;
  private final Journal journal;

  RefusalAudit(Pool pool, Clock clock, Journal journal) {
    this.pool = pool;
    this.clock = clock;
    this.journal = journal;
  }

  <T> Future<T> refused(Throwable t, UUID id, Actor actor, String action, Map<String, Object> attempt, String corr) {
    GatewayException g = DbFailures.of(t);
    Object editRefusal = g.extensions().get(EditRules.REFUSAL);
    if (editRefusal == null && (g.code() == ErrorCode.SEC_099 || g.code() == ErrorCode.INTERNAL
        || g.code() == ErrorCode.SEC_010)) {
      return Future.failedFuture(g);
    }
    Map<String, Object> payload = new LinkedHashMap<>(attempt);
    payload.put("detail", g.detail());
    if (editRefusal != null) {
      payload.put("reason", editRefusal);
      payload.put("errors", g.extensions().get("errors"));
    }
    JournalEntry e = actor.stamp(JournalEntry.of(g.code() == ErrorCode.SEC_011 ? null : id,
      id == null ? null : id.toString(), actor.subject(), editRefusal != null ? "edits_refused" : action, null, null,
      payload, corr, g.code().code(), Times.micros(clock.instant())));
    return journal.inTransaction(pool, tx -> tx.append(e))
      .onFailure(err -> LOG.warn("could not audit refusal {} on {}: {}", g.code().code(), id, err.getMessage()))
      .transform(ignored -> Future.failedFuture(g));
  }
}
