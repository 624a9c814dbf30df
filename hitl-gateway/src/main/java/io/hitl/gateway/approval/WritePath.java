package io.hitl.gateway.approval;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.policy.PolicyCache;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * What every use case of the approval write path shares: the pool and clock, the policy cache, the trading
 * guards, the transaction (group commit), the integrity check, the transition writer, the timeout plan
 * the refusal audit, the journal writer and the pre-trade gate. Built once per service; nothing in it is
 * cached per request.
 */
record WritePath(Pool pool, GatewayConfig config, Clock clock, PolicyCache policies, TradeGuards guards,
    GroupCommit commit, Integrity integrity, TransitionWriter writer, Timeouts timeouts, RefusalAudit refusals,
    Journal journal, PretradeChecks pretrade) {
  static final Set<String> CHANNELS = Set.of("api", "console", "slack", "discord", "bus", "email");

  Instant now() {
    return Times.micros(clock.instant());
  }

  /** {@code work} committed ({@link GroupCommit#run}); the entries {@code actor} wrote name who acted. */
  Future<Change> commitBy(Actor actor, Function<SqlConnection, Future<Change>> work) {
    return commit.run(Change.by(actor, work));
  }

  /** Who may decide {@code a}: its policy snapshot inside the desk-wide HITL_ALLOWED_OPERATORS. */
  DecisionRules.Operators operatorsOf(Approval a) {
    return PolicySnapshot.operators(a.policy(), config.allowedOperators, config.selfApprovalAllowed);
  }

  static GatewayException notFound(UUID id) {
    return new GatewayException(ErrorCode.SEC_011, "No approval request " + id);
  }

  static void requireChannel(String channel) {
    if (!CHANNELS.contains(channel)) {
      throw GatewayException.invalid(Map.of("channel", "must be one of " + String.join(", ", CHANNELS)));
    }
  }
}
