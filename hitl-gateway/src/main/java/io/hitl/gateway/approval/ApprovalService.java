package io.hitl.gateway.approval;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.guard.MarketCheck;
import io.hitl.gateway.core.guard.PostTradeSnapshot;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.VoteRow;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.policy.PolicyCache;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.TradeStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The only writer of approval state, as one use case per command: each loads its facts under the row
 * lock, asks {@link ApprovalMachine} for the transition, persists it and publishes. Each change runs in
 * one transaction with its journal entries and outbox jobs (SPEC I3, {@link GroupCommit}); terminal
 * outcomes are conditional writes (SPEC I1). Several verticle instances share it safely: nothing is cached
 * but the policy document this node read last, which each create confirms in its own transaction.
 */
public final class ApprovalService {
  public static final String SYSTEM = ApprovalMachine.SYSTEM;
  public static final String REASON_TIMEOUT = ApprovalMachine.REASON_TIMEOUT;
  public static final String REASON_DISABLED = "HITL_DISABLED";
  public static final String REASON_INTEGRITY = ApprovalMachine.REASON_INTEGRITY;
  public static final String REASON_TIMEOUT_AUTO_APPROVE = ApprovalMachine.REASON_TIMEOUT_AUTO_APPROVE;
  public static final String REASON_POLICY_AUTO_APPROVE = CreateRequest.REASON_POLICY_AUTO_APPROVE;
  public static final java.util.Set<String> CHANNELS = WritePath.CHANNELS;

  private final WritePath w;
  private final CreateRequest creates;
  private final ReRequest reRequests;
  private final DecideRequest decisions;
  private final AcknowledgeRequest acknowledgements;
  private final CancelRequest cancels;
  private final TimerRequests timers;
  private final ReadRequests reads;

  public record Created(Approval approval, boolean created) {
  }

  /** A request after a decision or acknowledgement, and what its caller is shown beside it (progress, checklist). */
  public record Decided(Approval approval, Map<String, Object> answer) {
  }

  /** One request as read: the row, its votes, and its progress and checklist. */
  public record Read(Approval approval, List<VoteRow> votes, Map<String, Object> answer) {
  }

  public record Page(List<Approval> items, ApprovalStore.Cursor next, List<UUID> integrityFailures) {
  }

  /** A request after its timer fired: what happened (expired, approved, escalated, notice, reminder, none), and when next. */
  public record Timed(Approval approval, String outcome, Instant nextTimerAt) {
  }

  /** What one cleanup run did to the requests found overdue. */
  public record Cleanup(int expired, int approved, int escalated, int integrityFailures, int notices) {
    public int count() {
      return expired + approved + escalated + integrityFailures;
    }
  }

  public ApprovalService(Pool pool, GatewayConfig config, Clock clock, Consumer<JsonObject> publisher) {
    this(pool, config, clock, publisher, null, new PolicyCache(config));
  }

  /** {@code remoteQuotes} is asked for a fresh price before a trade is approved; null when there is none. */
  public ApprovalService(Pool pool, GatewayConfig config, Clock clock, Consumer<JsonObject> publisher,
      QuoteSource remoteQuotes) {
    this(pool, config, clock, publisher, remoteQuotes, new PolicyCache(config));
  }

  /** {@code publisher} gets the events; seqs without one are named in the events that follow them. */
  public ApprovalService(Pool pool, GatewayConfig config, Clock clock, Consumer<JsonObject> publisher,
      QuoteSource remoteQuotes, PolicyCache policies) {
    this(pool, config, clock, new Journal(publisher, silent -> { }), remoteQuotes, policies);
  }

  /**
   * {@code journal} appends every entry of the write path and announces it after commit; {@code policies} is
   * this node's policy cache, shared by the verticle instances.
   */
  public ApprovalService(Pool pool, GatewayConfig config, Clock clock, Journal journal, QuoteSource remoteQuotes,
      PolicyCache policies) {
    TradeGuards guards = new TradeGuards(config, remoteQuotes);
    GroupCommit commit = new GroupCommit(pool, new Deadline(config.dbDeadlineMs), config.groupCommitMax,
      new OutboxPlan(config, clock), journal, new EventPublisher(clock, journal));
    TransitionWriter writer = new TransitionWriter(guards);
    this.w = new WritePath(pool, config, clock, policies, guards, commit, new Integrity(commit, writer, guards), writer,
      new Timeouts(config.timeoutDefaults(), writer), new RefusalAudit(pool, clock, journal), journal,
      new PretradeChecks(Duration.ofSeconds(config.quoteMaxAgeSeconds), clock));
    this.creates = new CreateRequest(w);
    this.reRequests = new ReRequest(w, creates);
    this.decisions = new DecideRequest(w);
    this.acknowledgements = new AcknowledgeRequest(w);
    this.cancels = new CancelRequest(w);
    this.timers = new TimerRequests(w);
    this.reads = new ReadRequests(w);
  }

  public Instant now() {
    return Times.micros(w.clock().instant());
  }

  public Future<Created> create(Map<String, Object> request, Actor actor, String corr, String idempotencyKey) {
    return creates.create(request, actor, corr, idempotencyKey);
  }

  public Future<Decided> decide(UUID id, Decision decision, String reason, String comment, String channel,
      Actor actor, String corr) {
    return decide(id, decision, reason, comment, null, channel, actor, corr);
  }

  /** One decision (SPEC §5); {@code edits} (approve with edits, null for none) change allowed context keys. */
  public Future<Decided> decide(UUID id, Decision decision, String reason, String comment, Object edits,
      String channel, Actor actor, String corr) {
    return decide(id, decision, reason, comment, edits, null, channel, actor, corr);
  }

  /**
   * As above; {@code override} is the approver's grant on a limit-override request ({"grant": "once"}, or a
   * raise of the breached limits for a bounded time), null for once.
   */
  public Future<Decided> decide(UUID id, Decision decision, String reason, String comment, Object edits,
      Object override, String channel, Actor actor, String corr) {
    return decisions.decide(id, decision, reason, comment, edits, override, channel, actor, corr);
  }

  public Future<Decided> acknowledge(UUID id, String persona, String comment, String channel, Actor actor,
      String corr) {
    return acknowledgements.acknowledge(id, persona, comment, channel, actor, corr);
  }

  public Future<Created> reRequest(UUID id, String reason, Actor actor, String corr) {
    return reRequests.reRequest(id, reason, actor, corr);
  }

  public Future<Approval> cancel(UUID id, String reason, String channel, Actor actor, String corr) {
    return cancels.cancel(id, reason, channel, actor, corr);
  }

  public Future<Timed> onTimer(UUID id, Actor actor, String corr) {
    return timers.onTimer(id, actor, corr);
  }

  /** {@link #onTimer} for timers due together, as one batch where the rows allow; each request's outcome. */
  public Future<Map<UUID, Future<Timed>>> onTimers(List<UUID> ids, Actor actor, String corr) {
    return timers.onTimers(ids, actor, corr);
  }

  public Future<Cleanup> cleanup(Actor actor, String corr, Duration grace, boolean audit) {
    return timers.cleanup(actor, corr, grace, audit);
  }

  /** One request, read with its journal entries and votes in one statement and checked against them. */
  public Future<Read> get(UUID id, Actor actor, String corr) {
    return reads.get(id, actor, corr);
  }

  public Future<Page> list(ApprovalStore.ListQuery q, Actor actor, String corr) {
    return reads.list(q, actor, corr);
  }

  public Future<TradeStore.Trade> trade(UUID id) {
    return reads.trade(id);
  }

  /** The market a trader checks before approving, for each pending trade request among {@code rows}. */
  public Future<Map<UUID, MarketCheck>> market(List<Approval> rows) {
    return reads.market(rows);
  }

  public Future<PostTradeSnapshot> snapshot(UUID id) {
    return reads.snapshot(id);
  }

  /** A change built by {@code work}, committed through this service's group commit (the guard cascades'). */
  Future<Change> tx(Function<SqlConnection, Future<Change>> work) {
    return w.commit().run(work);
  }

  TradeGuards guards() {
    return w.guards();
  }

  Timeouts timeouts() {
    return w.timeouts();
  }

  Integrity integrity() {
    return w.integrity();
  }

  TransitionWriter writer() {
    return w.writer();
  }

  /** Database trouble is answered as {@link DbFailures} says: SEC-099, SEC-098, SEC-010 or an internal error. */
  public static <T> Future<T> dbFailure(Throwable t) {
    return DbFailures.fail(t);
  }
}
