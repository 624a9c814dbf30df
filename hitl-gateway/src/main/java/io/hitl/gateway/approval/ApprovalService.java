package io.hitl.gateway.approval;

import io.hitl.gateway.outbox.Callbacks;
import io.hitl.gateway.outbox.JobPlan;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.CallbackUrl;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.Decision;
import io.hitl.gateway.core.DecisionRules;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.Idempotency;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.NewRequest;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.TimeoutRules;
import io.hitl.gateway.core.guard.PostTradeSnapshot;
import io.hitl.gateway.core.machine.ApprovalEntry;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.core.machine.RowCheck;
import io.hitl.gateway.core.policy.AcknowledgementRules;
import io.hitl.gateway.core.policy.EditRules;
import io.hitl.gateway.core.policy.LineageRules;
import io.hitl.gateway.core.policy.PolicyRules;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.core.policy.Progress;
import io.hitl.gateway.core.policy.SelfApproval;
import io.hitl.gateway.policy.PolicyCache;
import io.hitl.gateway.store.AcknowledgementStore;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.CallbackStore;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.HistoryStore;
import io.hitl.gateway.store.Json;
import io.hitl.gateway.store.JournalStore;
import io.hitl.gateway.store.LineageStore;
import io.hitl.gateway.store.OutboxStore;
import io.hitl.gateway.store.TimerStore;
import io.hitl.gateway.store.TradeStore;
import io.hitl.gateway.store.Transactions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of approval state. Each change runs in one transaction with its journal entries and
 * outbox jobs (SPEC I3); terminal outcomes are conditional writes (SPEC I1); events are published on
 * `hitl.events` after commit. Several verticle instances share it safely: nothing here is cached.
 */
public final class ApprovalService {
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalService.class);
  public static final String SYSTEM = "system";
  public static final String REASON_TIMEOUT = "HITL_TIMEOUT";
  public static final String REASON_DISABLED = "HITL_DISABLED";
  public static final String REASON_INTEGRITY = "INTEGRITY_FAILURE";
  public static final String REASON_TIMEOUT_AUTO_APPROVE = "HITL_TIMEOUT_AUTO_APPROVE";
  public static final String REASON_POLICY_AUTO_APPROVE = "HITL_POLICY_AUTO_APPROVE";
  private static final int CLEANUP_PAGE = 500;
  private static final int CLEANUP_PARALLEL = 16;
  /** Internal: a late decision found the deadline escalated instead of expired, so it is tried again. */
  private static final GatewayException RESCHEDULED = new GatewayException(ErrorCode.SEC_013,
    "The deadline passed and the request was escalated");
  public static final Set<String> CHANNELS = Set.of("api", "console", "slack", "discord", "bus", "email");
  private static final int MAX_IDEMPOTENCY_KEY = 128;
  private static final Set<String> TERMINAL_ACTIONS = Set.of(Events.APPROVED, Events.REJECTED, Events.EXPIRED,
    Events.CANCELLED);
  private static final Set<ErrorCode> GUARD_REFUSALS = Set.of(ErrorCode.SEC_020, ErrorCode.SEC_021);

  private final Pool pool;
  private final GatewayConfig config;
  private final Clock clock;
  private final Consumer<JsonObject> publisher;
  private final RequestValidator validator;
  private final JobPlan plan;
  private final ApprovalStore approvals = new ApprovalStore();
  private final JournalStore journal = new JournalStore();
  private final OutboxStore outbox = new OutboxStore();
  private final TimerStore timers = new TimerStore();
  private final TimeoutPolicy timeoutDefaults;
  private final TradeGuards guards;
  private final PolicyCache policies;
  private final AcknowledgementStore acknowledgements = new AcknowledgementStore();
  private final LineageStore lineages = new LineageStore();
  private final CallbackStore callbacks = new CallbackStore();
  private final HistoryStore histories = new HistoryStore();
  /** Internal: a change found a request an earlier change of the same batch touched; it runs again alone after it. */
  private static final GatewayException BATCH_CONFLICT = new GatewayException(ErrorCode.SEC_012,
    "The request changed in the same batch");
  /** The requests the changes of the batch in flight have touched so far (null outside a batch). */
  private Set<UUID> batchTouched;
  private final IdempotentCreates idempotent = new IdempotentCreates();
  private final Deadline deadline;
  /** Group commit: most changes per transaction, and the changes waiting for the commit in flight. */
  private final int groupCommitMax;
  private static final int DEADLOCK_TRIES = 3;
  private static final String BATCH_LOCK_WAIT = "100ms";
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private boolean committing;
  /** The event-loop thread this instance's changes run on (calls from elsewhere commit alone), and a context on it. */
  private Thread batchThread;
  private Context batchContext;

  public record Created(Approval approval, boolean created) {
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

  /** {@code policies} is this node's policy cache, shared by the verticle instances. */
  public ApprovalService(Pool pool, GatewayConfig config, Clock clock, Consumer<JsonObject> publisher,
      QuoteSource remoteQuotes, PolicyCache policies) {
    this.pool = pool;
    this.guards = new TradeGuards(config, remoteQuotes);
    this.policies = policies;
    this.config = config;
    this.clock = clock;
    this.publisher = publisher;
    this.validator = new RequestValidator(config.timeoutMinSeconds, config.timeoutMaxSeconds);
    this.timeoutDefaults = config.timeoutDefaults();
    this.plan = JobPlan.of(config);
    this.groupCommitMax = config.groupCommitMax;
    this.deadline = new Deadline(config.dbDeadlineMs);
  }

  public Instant now() {
    return Times.micros(clock.instant());
  }

  public Future<Created> create(Map<String, Object> request, Actor actor, String corr, String idempotencyKey) {
    NewRequest req;
    String callbackUrl;
    Map<String, Object> body = new LinkedHashMap<>(request);
    try {
      actor.require(Role.SUBMITTER, "create approval requests");
      callbackUrl = CallbackUrl.check(body.remove(CallbackUrl.FIELD), config.callbackAllowedHosts,
        config.callbackAllowHttp);
      req = validator.parse(body);
      if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY
          || !idempotencyKey.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f))) {
        throw GatewayException.invalid(Map.of("Idempotency-Key", "must be 1-" + MAX_IDEMPOTENCY_KEY
          + " printable ASCII characters"));
      }
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    String fingerprint = Idempotency.fingerprint(request);
    return policies.active(pool).recover(ApprovalService::dbFailure)
      .compose(active -> create(req, body, actor, corr, idempotencyKey, fingerprint, callbackUrl, active));
  }

  /** The create under the policy document in force: matched, snapshotted, inserted (or the existing one returned). */
  private Future<Created> create(NewRequest req, Map<String, Object> body, Actor actor, String corr,
      String idempotencyKey, String fingerprint, String callbackUrl, PolicyRules.Active active) {
    PolicyRules.Resolution policy;
    try {
      policy = PolicyRules.resolve(active, req.type(), req.context(), req.timeoutSeconds(), body, policies.limits());
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Instant now = now();
    Approval fresh = fresh(req, policy, actor, corr, idempotencyKey, null, now);
    return tx(conn -> idempotent.reserve(conn, actor.subject(), idempotencyKey)
      .compose(v -> guards.admit(conn, req, now)).compose(admitted -> approvals.insert(conn, fresh, fingerprint)
      .compose(inserted -> {
      if (!inserted) {
        return idempotent.repeated(conn, actor.subject(), idempotencyKey, req.tradeId(), fingerprint).compose(existing -> {
          if (existing == null) {
            return Future.failedFuture(new GatewayException(ErrorCode.SEC_010,
              "A request with this id already exists; retry"));
          }
          // read without its lock: a row that looks wrong is checked again under it before it is called tampered
          return checkedLocked(conn, existing, corr, now, ok -> Future.succeededFuture(new Change(ok)));
        });
      }
      if (callbackUrl == null) {
        return created(conn, new Change(fresh), fresh, policy, actor, corr, now, Map.of(), admitted);
      }
      return callbacks.insert(conn, fresh.id(), callbackUrl, now).compose(x -> created(conn, new Change(fresh), fresh,
        policy, actor, corr, now, callbackAudit(Map.of(), callbackUrl), admitted));
    }))).map(c -> new Created(c.approval, c.created)).recover(t -> createRefused(t, req, actor, corr));
  }

  /** Creates refused by a trading guard (SEC-020, SEC-021) are audited; other refusals are only answered. */
  private <T> Future<T> createRefused(Throwable t, NewRequest req, Actor actor, String corr) {
    if (!(t instanceof GatewayException) || !GUARD_REFUSALS.contains(((GatewayException) t).code())) {
      return Future.failedFuture(t);
    }
    Map<String, Object> attempt = new LinkedHashMap<>();
    attempt.put("type", req.type());
    attempt.put("ticker", req.context().get("ticker"));
    attempt.put("trade_id", req.tradeId());
    return refused(t, null, actor, "create_refused", attempt, corr);
  }

  /** A new pending request under the policy it matched, with that policy's snapshot and quorum. */
  private Approval fresh(NewRequest req, PolicyRules.Resolution policy, Actor actor, String corr, String key,
      UUID lineageId, Instant now) {
    Map<String, Object> snapshot = normalized(policy.snapshot());
    Instant expires = now.plusSeconds(policy.timeouts().timeoutSeconds());
    return new Approval(UUID.randomUUID(), req.type(), req.title(), req.description(), normalized(req.context()),
      req.tradeId(), actor.subject(), corr, key, snapshot, TimeoutPolicy.hash(snapshot), ApprovalStatus.PENDING,
      policy.requiredApprovals(), expires, TimeoutRules.escalateAt(expires, policy.timeouts(), now), 0, lineageId,
      null, null, null, null, null, null, null, now).withRowHash();
  }

  /** A request just inserted: its created entry; then HITL_ENABLED=false or an auto-approve rule decides it at once. */
  private Future<Change> created(SqlConnection conn, Change c, Approval fresh, PolicyRules.Resolution policy,
      Actor actor, String corr, Instant now, Map<String, Object> extra, String admitted) {
    c.created = true;
    c.nextTimerAt = TimeoutRules.nextAt(fresh, policy.timeouts(), 0);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", fresh.type());
    payload.put("title", fresh.title());
    payload.put("expires_at", Times.format(fresh.expiresAt()));
    payload.put("policy", policy.policy().name());
    payload.put("policy_version", PolicySnapshot.version(fresh.policy()));
    payload.put("required_approvals", fresh.requiredApprovals());
    payload.putAll(extra);
    c.record(ApprovalMachine.create(fresh, payload, actor.subject(), corr, now));
    return guards.opened(conn, c, fresh, actor.subject(), corr, now).compose(opened -> {
      if (admitted != null) {
        // the trading settings approve at once (HITL disabled, paper mode with auto-approve)
        return terminal(conn, opened, fresh.decided(ApprovalStatus.APPROVED, now, SYSTEM, SYSTEM, admitted, null),
          Events.APPROVED, SYSTEM, corr, now);
      }
      if (policy.autoApprove() != null) {
        String why = "policy '" + policy.policy().name() + "': " + policy.autoApprove().reason();
        return terminal(conn, opened, fresh.decided(ApprovalStatus.APPROVED, now, SYSTEM, SYSTEM,
          REASON_POLICY_AUTO_APPROVE, why), Events.APPROVED, SYSTEM, corr, now);
      }
      return Future.succeededFuture(opened);
    });
  }

  public Future<Approval> decide(UUID id, Decision decision, String reason, String comment, String channel,
      Actor actor, String corr) {
    return decide(id, decision, reason, comment, null, channel, actor, corr);
  }

  /**
   * One decision through SPEC §5 under the request's policy snapshot. {@code edits} (approve with edits,
   * null for none) change allowed context keys; they go with the approval that decides the request.
   */
  public Future<Approval> decide(UUID id, Decision decision, String reason, String comment, Object edits,
      String channel, Actor actor, String corr) {
    Instant now = now();
    Map<String, Object> attempt = new LinkedHashMap<>();
    attempt.put("decision", decision == null ? null : decision.json());
    attempt.put("channel", channel);
    if (edits != null) {
      attempt.put("edits", edits);
    }
    String why;
    String note;
    try {
      actor.require(Role.APPROVER, "decide approval requests");
      if (decision == null) {
        throw GatewayException.invalid(Map.of("decision", "must be approve or reject"));
      }
      why = RequestValidator.optionalText(reason, "reason", RequestValidator.MAX_REASON);
      note = RequestValidator.optionalText(comment, "comment", RequestValidator.MAX_REASON);
      requireChannel(channel);
      if (edits != null && decision == Decision.REJECT) {
        throw EditRules.withReject();
      }
      if (edits != null && !(edits instanceof Map && !((Map<?, ?>) edits).isEmpty())) {
        throw EditRules.refusal(EditRules.INVALID, Map.of("edits", "must be an object of context keys and new values"),
          "Edits must be an object of context keys and new values");
      }
    } catch (GatewayException e) {
      return refused(e, id, actor, "decision_refused", attempt, corr);
    }
    return guards.prefetch(pool, id, decision).compose(ready -> tx(conn -> guards.guardianShared(conn)
      .compose(guardian -> approvals.findForUpdate(conn, id).compose(found -> {
      if (found == null) {
        return Future.failedFuture(notFound(id));
      }
      return checked(conn, found, corr, now, a -> decideChecked(conn, guardian, a, decision, why, note, edits, channel,
        actor, corr, now));
    })))).map(c -> c.approval).recover(t -> t == RESCHEDULED
      ? decide(id, decision, reason, comment, edits, channel, actor, corr)
      : refused(t, id, actor, "decision_refused", attempt, corr));
  }

  /** One decision on a request whose row matched its journal, under its row lock. */
  private Future<Change> decideChecked(SqlConnection conn, io.hitl.gateway.core.guard.GuardianState guardian,
      Approval a, Decision decision, String why, String note, Object edits, String channel, Actor actor, String corr,
      Instant now) {
    UUID id = a.id();
    Future<Set<String>> approvedBy = a.requiredApprovals() > 1 && a.status() == ApprovalStatus.PENDING
      ? approvals.approvers(conn, id) : Future.succeededFuture(Set.of());
    return approvedBy.compose(voters -> guards.decisionFacts(conn, guardian, a, decision, now)
      .compose(facts -> acknowledged(conn, a).compose(acked -> {
      DecisionRules.Operators operators = operatorsOf(a);
      DecisionRules.Verdict v = DecisionRules.decide(a, voters, new DecisionRules.Ballot(actor, decision, why), now,
        operators, facts, PolicySnapshot.missing(a.policy(), acked));
      List<String> approvers = new ArrayList<>(voters);
      switch (v.kind()) {
        case EXPIRE_NOW:
          return timeoutNow(conn, new Change(a), corr, now);
        case DUPLICATE_VOTE:
          if (edits != null) {
            throw EditRules.notDeciding(v.approvals(), a.requiredApprovals());
          }
          return Future.succeededFuture(new Change(a));
        case VOTE_COUNTED:
          if (edits != null) {
            throw EditRules.notDeciding(v.approvals(), a.requiredApprovals());
          }
          approvers.add(actor.subject());
          Change counted = selfApproved(new Change(a), a, v, operators, actor, why, channel, corr, now);
          counted.progress = Progress.of(a, approvers, false);
          return approvals.insertVote(conn, id, actor.subject(), "APPROVE", channel, note, now)
            .map(x -> counted.record(ApprovalMachine.vote(stateOf(a), actor.subject(), channel, note,
              counted.progress, corr, now)));
        default:
          boolean approve = v.kind() == DecisionRules.Kind.APPROVED;
          EditRules.Edited edited = approve && edits != null ? EditRules.apply(PolicySnapshot.edits(a.policy()),
            PolicySnapshot.name(a.policy()), a.context(), edits) : null;
          Approval base = edited != null && edited.changed() ? a.withOverrides(edited.overrides(actor.subject())) : a;
          Approval done = base.decided(approve ? ApprovalStatus.APPROVED : ApprovalStatus.REJECTED, now,
            actor.subject(), channel, why, note);
          Change c = approve ? selfApproved(new Change(a), a, v, operators, actor, why, channel, corr, now)
            : new Change(a);
          if (edited != null && edited.changed()) {
            c.record(ApprovalMachine.editsApplied(stateOf(a), done.overrides(), actor.subject(), corr, now));
          }
          if (approve) {
            approvers.add(actor.subject());
          }
          c.progress = Progress.of(done, approvers, v.superApproval());
          return approvals.insertVote(conn, id, actor.subject(), approve ? "APPROVE" : "REJECT", channel, note, now)
            .compose(x -> terminal(conn, c, done, approve ? Events.APPROVED : Events.REJECTED,
              actor.subject(), corr, now, approve ? "APPROVE" : "REJECT"));
      }
    })));
  }

  /** Who may decide {@code a}: its policy snapshot inside the desk-wide HITL_ALLOWED_OPERATORS. */
  private DecisionRules.Operators operatorsOf(Approval a) {
    return PolicySnapshot.operators(a.policy(), config.allowedOperators, config.selfApprovalAllowed);
  }

  /** The personas that have acknowledged {@code a}, read only when its policy names some. */
  private Future<Set<String>> acknowledged(SqlConnection conn, Approval a) {
    if (a.status() != ApprovalStatus.PENDING || PolicySnapshot.acknowledgements(a.policy()).isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return acknowledgements.list(conn, a.id()).map(list -> {
      Set<String> s = new java.util.HashSet<>();
      list.forEach(x -> s.add(x.persona()));
      return s;
    });
  }

  /** A break-glass self-approval (allow_with_reason) is journaled and broadcast before the vote it goes with. */
  private static Change selfApproved(Change c, Approval a, DecisionRules.Verdict v, DecisionRules.Operators operators,
      Actor actor, String reason, String channel, String corr, Instant now) {
    if (!v.selfApproval() || operators.selfApproval() != SelfApproval.ALLOW_WITH_REASON) {
      return c;
    }
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("mode", operators.selfApproval().json());
    payload.put("reason", reason);
    payload.put("channel", channel);
    payload.put("policy", PolicySnapshot.name(a.policy()));
    return c.record(ApprovalMachine.selfApproval(stateOf(a), payload, actor.subject(), corr, now));
  }

  /**
   * A persona ticks its box on a pending request (seed 004 item 3). Ticking a box already ticked changes
   * nothing; a request past its deadline gets its timeout action first, as a late decision does.
   */
  public Future<Approval> acknowledge(UUID id, String persona, String comment, String channel, Actor actor,
      String corr) {
    Instant now = now();
    Map<String, Object> attempt = new LinkedHashMap<>();
    attempt.put("persona", persona);
    attempt.put("channel", channel);
    String note;
    try {
      if (!actor.canRead()) {
        throw new GatewayException(ErrorCode.SEC_002, "A role is required to acknowledge requests");
      }
      if (persona == null || persona.isBlank()) {
        throw GatewayException.invalid(Map.of("persona", "is required"));
      }
      note = RequestValidator.optionalText(comment, "comment", RequestValidator.MAX_REASON);
      requireChannel(channel);
    } catch (GatewayException e) {
      return refused(e, id, actor, "acknowledge_refused", attempt, corr);
    }
    return tx(conn -> approvals.findForUpdate(conn, id).compose(found -> found == null
      ? Future.failedFuture(notFound(id)) : checked(conn, found, corr, now, a -> {
      AcknowledgementRules.check(a, actor, persona, operatorsOf(a).selfApproval());
      DecisionRules.requirePending(a);
      if (!now.isBefore(a.expiresAt())) {
        return timeoutNow(conn, new Change(a), corr, now);
      }
      return acknowledgements.insert(conn, id, persona, actor.subject(), note, now).compose(ticked -> {
        if (!ticked) {
          return Future.succeededFuture(new Change(a));
        }
        return acknowledgements.list(conn, id).map(list -> {
          Set<String> done = new java.util.LinkedHashSet<>();
          list.forEach(x -> done.add(x.persona()));
          Map<String, Object> payload = new LinkedHashMap<>();
          payload.put("comment", note);
          payload.put("channel", channel);
          payload.put("acknowledged", new ArrayList<>(done));
          payload.put("missing", PolicySnapshot.missing(a.policy(), done));
          return new Change(a).record(ApprovalMachine.acknowledge(stateOf(a), persona, payload, actor.subject(), corr,
            now));
        });
      });
    }))).map(c -> c.approval).recover(t -> t == RESCHEDULED ? acknowledge(id, persona, comment, channel, actor, corr)
      : refused(t, id, actor, "acknowledge_refused", attempt, corr));
  }

  /**
   * Asks a rejected or expired request again (seed 004 item 6): a new request with the same type, title,
   * description and context, matched against the policy in force now, linked by lineage_id to the first
   * request of its lineage. The lineage's first row is locked, so concurrent re-requests are serialized.
   */
  public Future<Created> reRequest(UUID id, String reason, Actor actor, String corr) {
    Instant now = now();
    String why;
    try {
      actor.require(Role.SUBMITTER, "re-request approval requests");
      why = RequestValidator.optionalText(reason, "reason", RequestValidator.MAX_REASON);
    } catch (GatewayException e) {
      return refused(e, id, actor, "rerequest_refused", Map.of(), corr);
    }
    return policies.active(pool).recover(ApprovalService::dbFailure).compose(active -> tx(conn ->
      approvals.findForUpdate(conn, id).compose(found -> found == null ? Future.failedFuture(notFound(id))
        : checked(conn, found, corr, now, source -> {
        UUID root = LineageRules.rootOf(source);
        Future<Approval> first = root.equals(source.id()) ? Future.succeededFuture(source)
          : approvals.findForUpdate(conn, root);
        return first.compose(x -> lineages.lineage(conn, root)).compose(lineage -> {
          LineageRules.check(source, actor, lineage, PolicySnapshot.reRequest(source.policy(),
            policies.limits().reRequest()), now);
          NewRequest req = new NewRequest(source.type(), source.title(), source.description(), source.context(), null,
            null);
          PolicyRules.Resolution policy = PolicyRules.resolve(active, req.type(), req.context(), null, Map.of(),
            policies.limits());
          Approval fresh = fresh(req, policy, actor, corr, null, root, now);
          Map<String, Object> link = new LinkedHashMap<>();
          link.put("new_request_id", fresh.id().toString());
          link.put("lineage_id", root.toString());
          link.put("reason", why);
          Change c = new Change(source).record(ApprovalMachine.reRequested(stateOf(source), link, actor.subject(),
            corr, now));
          Map<String, Object> extra = new LinkedHashMap<>();
          extra.put("lineage_id", root.toString());
          extra.put("re_requested_from", source.id().toString());
          extra.put("re_request", lineage.reRequests() + 1);
          extra.put("reason", why);
          // the new request reports to the same engine callback as the one it repeats
          return guards.admit(conn, req, now).compose(admitted -> approvals.insert(conn, fresh)
            .compose(ok -> callbacks.copy(conn, source.id(), fresh.id(), now))
            .compose(url -> created(conn, c, fresh, policy, actor, corr, now, url == null ? extra
              : callbackAudit(extra, url), admitted)));
        });
      })))).map(c -> new Created(c.approval, c.created))
      .recover(t -> refused(t, id, actor, "rerequest_refused", Map.of(), corr));
  }

  /**
   * The quorum progress of a request and, when its policy names personas, its acknowledgement checklist:
   * {progress, acknowledgements}. A request needing one approval and no persona is read from its row alone.
   */
  public Future<Map<String, Object>> progress(Approval a) {
    boolean personas = !PolicySnapshot.acknowledgements(a.policy()).isEmpty();
    Future<List<String>> approvers;
    if (a.requiredApprovals() == 1 && a.status() != ApprovalStatus.PENDING) {
      approvers = Future.succeededFuture(a.status() == ApprovalStatus.APPROVED && !SYSTEM.equals(a.decidedBy())
        ? List.of(a.decidedBy()) : List.of());
    } else if (a.requiredApprovals() == 1) {
      approvers = Future.succeededFuture(List.of());
    } else {
      approvers = approvals.votes(pool, a.id()).map(vs -> vs.stream().filter(v -> "APPROVE".equals(v.decision()))
        .map(ApprovalStore.Vote::approver).toList());
    }
    Future<List<AcknowledgementStore.Acknowledgement>> acks = personas ? acknowledgements.list(pool, a.id())
      : Future.succeededFuture(List.of());
    return Future.all(approvers, acks).recover(ApprovalService::dbFailure).map(x -> {
      List<String> who = approvers.result();
      boolean bySuper = a.status() == ApprovalStatus.APPROVED && who.size() < a.requiredApprovals()
        && operatorsOf(a).isSuper(a.decidedBy());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("progress", Progress.of(a, who, bySuper));
      if (personas) {
        List<Map<String, Object>> done = new ArrayList<>();
        for (AcknowledgementStore.Acknowledgement ack : acks.result()) {
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("persona", ack.persona());
          one.put("by", ack.by());
          one.put("comment", ack.comment());
          one.put("at", Times.format(ack.at()));
          done.add(one);
        }
        m.put("acknowledgements", Progress.acknowledgements(a.policy(), done));
      }
      return m;
    });
  }

  public Future<Approval> cancel(UUID id, String reason, String channel, Actor actor, String corr) {
    Instant now = now();
    String why;
    try {
      why = RequestValidator.optionalText(reason, "reason", RequestValidator.MAX_REASON);
      requireChannel(channel);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return tx(conn -> approvals.findForUpdate(conn, id).compose(found -> found == null
      ? Future.failedFuture(notFound(id)) : checked(conn, found, corr, now, a -> {
      if (DecisionRules.cancelExpiresInstead(a, actor, now)) {
        return timeoutNow(conn, new Change(a), corr, now);
      }
      Approval done = a.decided(ApprovalStatus.CANCELLED, now, actor.subject(), channel, why, null);
      return terminal(conn, new Change(a), done, Events.CANCELLED, actor.subject(), corr, now);
    }))).map(c -> c.approval).recover(t -> t == RESCHEDULED ? cancel(id, reason, channel, actor, corr)
      : refused(t, id, actor, "cancel_refused", Map.of("channel", channel), corr));
  }

  /**
   * What a timer firing does to a request, under its row lock: the timeout action once the deadline has
   * passed, else the escalation notice and a reminder when due; nothing for a decided request or one not
   * yet due. A tampered row is rejected (SEC-080). Timer-driven entries carry the request's own
   * correlation id unless {@code corr} is given.
   */
  public Future<Timed> onTimer(UUID id, Actor actor, String corr) {
    try {
      actor.require(Role.ADMIN, "drive expiry timers");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Instant now = now();
    return tx(conn -> timers.lock(conn, id).compose(p -> {
      if (p == null) {
        return Future.failedFuture(notFound(id));
      }
      String trace = corr != null ? corr : p.approval().correlationId();
      return checked(conn, p.approval(), trace, now, a -> due(conn, new Change(a), p.remindersSent(), trace, now));
    })).map(c -> new Timed(c.approval, c.timerOutcome, c.nextTimerAt));
  }

  /**
   * Handles every pending request whose deadline or escalation notice is due by now minus {@code grace}
   * (the admin cleanup endpoint with no grace; each node's safety-net sweep with some). Audited when asked.
   */
  public Future<Cleanup> cleanup(Actor actor, String corr, Duration grace, boolean audit) {
    try {
      actor.require(Role.ADMIN, "run the expiry cleanup");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Instant cutoff = now().minus(grace);
    int[] counts = new int[5];
    return cleanupFrom(new UUID(0, 0), cutoff, actor, corr, counts).compose(v -> {
      Cleanup r = new Cleanup(counts[0], counts[1], counts[2], counts[3], counts[4]);
      if (!audit) {
        return Future.succeededFuture(r);
      }
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("count", r.count());
      payload.put("expired", r.expired());
      payload.put("approved", r.approved());
      payload.put("escalated", r.escalated());
      payload.put("integrity_failures", r.integrityFailures());
      JournalEntry e = JournalEntry.of(null, "approvals", actor.subject(), "cleanup", null, null, payload, corr,
        null, now());
      return pool.withTransaction(conn -> journal.append(conn, List.of(e))).recover(ApprovalService::dbFailure)
        .map(saved -> r);
    });
  }

  private Future<Void> cleanupFrom(UUID after, Instant cutoff, Actor actor, String corr, int[] counts) {
    return timers.dueIds(pool, cutoff, after, CLEANUP_PAGE).recover(ApprovalService::dbFailure).compose(ids -> {
      Future<Void> f = Future.succeededFuture();
      for (int i = 0; i < ids.size(); i += CLEANUP_PARALLEL) {
        List<UUID> chunk = ids.subList(i, Math.min(ids.size(), i + CLEANUP_PARALLEL));
        f = f.compose(v -> Future.join(chunk.stream()
          .map(id -> onTimer(id, actor, corr).transform(ar -> counted(ar, counts))).toList()).mapEmpty());
      }
      return ids.size() < CLEANUP_PAGE ? f : f.compose(v -> cleanupFrom(ids.get(ids.size() - 1), cutoff, actor, corr,
        counts));
    });
  }

  private static Future<Void> counted(io.vertx.core.AsyncResult<Timed> ar, int[] counts) {
    if (ar.succeeded()) {
      switch (ar.result().outcome()) {
        case "expired":
          counts[0]++;
          break;
        case "approved":
          counts[1]++;
          break;
        case "escalated":
          counts[2]++;
          break;
        case "notice":
          counts[4]++;
          break;
        default:
          break;
      }
      return Future.succeededFuture();
    }
    GatewayException g = asGatewayException(ar.cause());
    if (g.code() == ErrorCode.SEC_080) {
      counts[3]++;
    } else if (g.code() != ErrorCode.SEC_011 && g.code() != ErrorCode.SEC_012) {
      return Future.failedFuture(g);
    }
    return Future.succeededFuture();
  }

  /** One request, read with its journal entries and votes in one statement and checked against them. */
  public Future<Approval> get(UUID id, Actor actor, String corr) {
    if (!actor.canRead()) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_002, "A role is required to read requests"));
    }
    return histories.find(pool, id).recover(ApprovalService::dbFailure).compose(read -> {
      if (read == null) {
        return Future.failedFuture(notFound(id));
      }
      RowCheck check = RowCheck.of(read.row(), read.history().entries(), read.history().votes());
      return check.ok() ? Future.succeededFuture(read.row()) : verified(read.row(), corr);
    });
  }

  /** The trade a trade request opened, or null. */
  public Future<TradeStore.Trade> trade(UUID id) {
    return guards.trade(pool, id).recover(ApprovalService::dbFailure);
  }

  /** The market when the trade was approved, or null. */
  public Future<PostTradeSnapshot> snapshot(UUID id) {
    return guards.snapshot(pool, id).recover(ApprovalService::dbFailure);
  }

  public Future<List<ApprovalStore.Vote>> votes(UUID id) {
    return approvals.votes(pool, id).recover(ApprovalService::dbFailure);
  }

  public Future<Page> list(ApprovalStore.ListQuery q, Actor actor, String corr) {
    if (!actor.canRead()) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_002, "A role is required to read requests"));
    }
    return approvals.list(pool, q).compose(rows -> histories.histories(pool, rows.stream().map(Approval::id).toList())
      .map(h -> Map.entry(rows, h))).recover(ApprovalService::dbFailure).compose(read -> {
      List<Approval> rows = read.getKey();
      List<Future<Approval>> checked = new ArrayList<>();
      for (Approval a : rows) {
        HistoryStore.History h = read.getValue().getOrDefault(a.id(), new HistoryStore.History(List.of(), List.of()));
        // read in two statements: a row that looks wrong is checked again under its lock before it is refused
        checked.add(RowCheck.of(a, h.entries(), h.votes()).ok() ? Future.succeededFuture(a)
          : verified(a, corr).otherwise((Approval) null));
      }
      ApprovalStore.Cursor next = null;
      if (rows.size() == q.limit() && !rows.isEmpty()) {
        Approval last = rows.get(rows.size() - 1);
        next = new ApprovalStore.Cursor(q.status() == ApprovalStatus.PENDING ? last.expiresAt() : last.createdAt(),
          last.id());
      }
      ApprovalStore.Cursor cursor = next;
      return Future.join(checked).transform(ignored -> {
        List<Approval> ok = new ArrayList<>();
        List<UUID> bad = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
          Approval a = checked.get(i).result();
          if (a != null) {
            ok.add(a);
          } else {
            bad.add(rows.get(i).id());
          }
        }
        return Future.succeededFuture(new Page(ok, cursor, bad));
      });
    });
  }

  /** The request if it still matches its journal under its row lock; otherwise the tamper is handled and SEC-080 returned. */
  private Future<Approval> verified(Approval a, String corr) {
    Instant now = now();
    return tx(conn -> approvals.findForUpdate(conn, a.id()).compose(fresh -> fresh == null
      ? Future.failedFuture(notFound(a.id()))
      : checked(conn, fresh, corr, now, ok -> Future.succeededFuture(new Change(ok))))).map(c -> c.approval);
  }

  /** A request the journal's view of which is used only for its row (votes do not matter to the step built). */
  private static ApprovalState stateOf(Approval a) {
    return new ApprovalState(a, Map.of(), Set.of(), true);
  }

  /**
   * Under the row lock the caller holds: the row and its votes checked against the request's journal
   * entries; {@code then} runs on a row that matches, anything else is handled as a tamper (SEC-080).
   */
  Future<Change> checked(SqlConnection conn, Approval locked, String corr, Instant now,
      Function<Approval, Future<Change>> then) {
    return histories.history(conn, locked.id()).compose(h -> {
      RowCheck check = RowCheck.of(locked, h.entries(), h.votes());
      if (check.ok()) {
        return then.apply(locked);
      }
      if (batchTouched != null && Thread.currentThread() == batchThread && batchTouched.contains(locked.id())) {
        // an earlier change of this batch wrote the row; its journal entries are appended only at the end
        return Future.failedFuture(BATCH_CONFLICT);
      }
      return tamper(conn, check, corr, now);
    });
  }

  /** As {@link #checked} for a row read without its lock: a row that looks wrong is locked and checked again. */
  private Future<Change> checkedLocked(SqlConnection conn, Approval unlocked, String corr, Instant now,
      Function<Approval, Future<Change>> then) {
    return histories.history(conn, unlocked.id()).compose(h -> RowCheck.of(unlocked, h.entries(), h.votes()).ok()
      ? then.apply(unlocked)
      : approvals.findForUpdate(conn, unlocked.id()).compose(locked -> checked(conn, locked, corr, now, then)));
  }

  /** SPEC I5 and I8 for a row locked by the caller: the row checked against its journal, then handled as a tamper. */
  Future<Change> tamper(SqlConnection conn, Approval stored, String corr, Instant now) {
    return histories.history(conn, stored.id())
      .compose(h -> tamper(conn, RowCheck.of(stored, h.entries(), h.votes()), corr, now));
  }

  /**
   * A row that does not match its record is refused (SEC-080), audited with what differed, and alerted. The
   * row and votes written are the journal's (a pending request rejected), never the edited ones, so nothing
   * tampered is blessed. With no state to restore (no history, a request created before entries carried its
   * row, or a decided request whose journal itself is broken) a pending row is rejected as stored and a
   * decided one flagged, as a row hash mismatch always was.
   */
  private Future<Change> tamper(SqlConnection conn, RowCheck check, String corr, Instant now) {
    Approval stored = check.row();
    LOG.error("integrity failure on approval {}: {}", stored.id(), check.problem());
    Map<String, Object> evidence = check.evidence();
    ApprovalStatus status = stored.status();
    ApprovalState journal = check.journal();
    boolean pending = journal.exists() ? journal.row().status() == ApprovalStatus.PENDING
      : status == ApprovalStatus.PENDING;
    GatewayException refusal = new GatewayException(ErrorCode.SEC_080,
      "Request " + stored.id() + " failed its integrity check and was " + (pending ? "rejected" : "flagged"),
      Map.of("request_id", stored.id().toString()));
    Change c = new Change(stored);
    c.refusal = refusal;
    if (!journal.replayable() || !journal.exists() || (!check.journalIntact() && !pending)) {
      if (status != ApprovalStatus.PENDING) {
        c.record(new ApprovalEntry.IntegrityFailure(status, status, evidence).toJournal(stored.id(), SYSTEM, corr,
          ErrorCode.SEC_080.code(), now), stored);
        return Future.succeededFuture(c);
      }
      Approval rejected = stored.decided(ApprovalStatus.REJECTED, now, SYSTEM, SYSTEM, REASON_INTEGRITY, null);
      c.record(new ApprovalEntry.IntegrityFailure(ApprovalStatus.PENDING, ApprovalStatus.REJECTED, evidence)
        .toJournal(stored.id(), SYSTEM, corr, ErrorCode.SEC_080.code(), now), rejected);
      return terminal(conn, c, rejected, Events.REJECTED, SYSTEM, corr, now);
    }
    ApprovalMachine.Transition t = ApprovalMachine.integrityFailure(journal, evidence, corr, now);
    Approval restored = t.after().row();
    return approvals.restore(conn, stored, restored, List.copyOf(t.after().votes().values())).compose(won -> {
      if (!won) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_012,
          "Request " + stored.id() + " changed concurrently"));
      }
      c.record(t);
      return pending ? guards.decided(conn, c, restored, corr, now) : Future.succeededFuture(c);
    });
  }

  /** The timeout plan of a request at {@code now}, applied: deadline outcome, notice, reminder, reminder count. */
  private Future<Change> due(SqlConnection conn, Change c, int sent, String corr, Instant now) {
    Approval a = c.approval;
    TimeoutPolicy p = TimeoutPolicy.fromSnapshot(a.policy(), timeoutDefaults);
    TimeoutRules.Plan plan = TimeoutRules.plan(a, p, sent, now);
    Future<Change> f;
    switch (plan.outcome()) {
      case EXPIRE:
        c.timerOutcome = "expired";
        f = expire(conn, c, corr, now);
        break;
      case APPROVE:
        c.timerOutcome = "approved";
        Approval approved = a.decided(ApprovalStatus.APPROVED, now, SYSTEM, SYSTEM, REASON_TIMEOUT_AUTO_APPROVE, null);
        f = terminal(conn, c, approved, Events.APPROVED, SYSTEM, corr, now);
        break;
      case ESCALATE:
        c.timerOutcome = "escalated";
        f = reschedule(conn, c, plan, p, "level", corr, now);
        break;
      default:
        c.timerOutcome = plan.notice() ? "notice" : plan.reminder() ? "reminder" : "none";
        f = plan.notice() ? reschedule(conn, c, plan, p, "notice", corr, now) : Future.succeededFuture(c);
        if (plan.reminder()) {
          f = f.map(x -> remind(x, plan, corr, now));
        }
    }
    return f.compose(x -> plan.remindersSent() > sent
        ? timers.remindersSent(conn, a.id(), plan.remindersSent()).map(x) : Future.succeededFuture(x))
      .map(x -> {
        x.nextTimerAt = TimeoutRules.nextAt(x.approval, p, plan.remindersSent());
        return x;
      });
  }

  /** A decision or cancel that found the deadline passed: the timeout action first, then SEC-013/SEC-012 or a retry. */
  private Future<Change> timeoutNow(SqlConnection conn, Change c, String corr, Instant now) {
    return timers.remindersSent(conn, c.approval.id()).compose(sent -> due(conn, c, sent, corr, now)).map(x -> {
      x.refusal = x.approval.status() == ApprovalStatus.PENDING ? RESCHEDULED : expiredRefusal(x.approval);
      return x;
    });
  }

  /** An escalation (stage "level": new deadline, one level up) or its notice (stage "notice"); stays PENDING. */
  private Future<Change> reschedule(SqlConnection conn, Change c, TimeoutRules.Plan plan, TimeoutPolicy p,
      String stage, String corr, Instant now) {
    Approval before = c.approval;
    Approval after = ApprovalMachine.escalate(stateOf(before), plan, p, stage, corr, now).after().row();
    return timers.reschedule(conn, before, after).compose(won -> {
      if (!won) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_012,
          "Request " + before.id() + " changed concurrently"));
      }
      return Future.succeededFuture(c.record(ApprovalMachine.escalate(stateOf(before), plan, p, stage, corr, now)));
    });
  }

  private static Change remind(Change c, TimeoutRules.Plan plan, String corr, Instant now) {
    return c.record(ApprovalMachine.remind(stateOf(c.approval), plan.remindersSent(), corr, now));
  }

  private Future<Change> expire(SqlConnection conn, Change c, String corr, Instant now) {
    Approval expired = c.approval.decided(ApprovalStatus.EXPIRED, now, SYSTEM, SYSTEM, REASON_TIMEOUT, null);
    return terminal(conn, c, expired, Events.EXPIRED, SYSTEM, corr, now);
  }

  /** The conditional write of a terminal outcome and its journal entry. */
  Future<Change> terminal(SqlConnection conn, Change c, Approval done, String action, String actor,
      String corr, Instant now) {
    return terminal(conn, c, done, action, actor, corr, now, null);
  }

  /** As above; {@code vote} is the ballot stored with a person's decision (APPROVE or REJECT), null for none. */
  private Future<Change> terminal(SqlConnection conn, Change c, Approval done, String action, String actor,
      String corr, Instant now, String vote) {
    return approvals.updateTerminal(conn, done).compose(won -> {
      if (!won) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_012,
          "Request " + done.id() + " was decided concurrently"));
      }
      c.record(new ApprovalEntry.Decided(done.status(), done.decidedBy(), done.decidedAt(), done.decisionChannel(),
        done.decisionReason(), done.decisionComment(), vote).toJournal(done.id(), actor, corr, null, now), done);
      return guards.decided(conn, c, done, corr, now);
    });
  }

  /**
   * One transaction: the work, then its outbox jobs, then its journal entries (last: they hold the chain lock).
   * Group commit: a change that arrives while this instance has a transaction committing waits, and the
   * changes that waited commit together in the next transaction (see {@link #txGroup}). An idle instance
   * commits a change at once, alone, exactly as without batching: no timer, no added latency.
   */
  Future<Change> tx(Function<SqlConnection, Future<Change>> work) {
    return deadline.bound(work, this::queued);
  }

  private Future<Change> queued(Function<SqlConnection, Future<Change>> work) {
    Context ctx = Vertx.currentContext();
    // each bus message runs on its own (duplicated) context; they share the verticle's event-loop thread
    if (groupCommitMax <= 1 || ctx == null || !ctx.isEventLoopContext()
        || (batchThread != null && batchThread != Thread.currentThread())) {
      return txAlone(work);
    }
    if (batchThread == null) {
      batchThread = Thread.currentThread();
      batchContext = ctx;
    }
    if (committing) {
      Waiting w = new Waiting(work, ctx, Promise.promise());
      waiting.add(w);
      return w.done().future();
    }
    committing = true;
    return txAlone(work).andThen(ar -> flushWaiting());
  }

  /** After a commit: the changes that queued up meanwhile go next, as one transaction (one alone as usual). */
  private void flushWaiting() {
    if (Thread.currentThread() != batchThread) {
      batchContext.runOnContext(v -> flushWaiting());
      return;
    }
    if (waiting.isEmpty()) {
      committing = false;
      return;
    }
    List<Waiting> batch = new ArrayList<>();
    while (!waiting.isEmpty() && batch.size() < groupCommitMax) {
      batch.add(waiting.poll());
    }
    Future<?> done = batch.size() == 1 ? txAlone(batch.get(0).work()).andThen(batch.get(0)::complete)
      : txGroup(batch);
    done.onComplete(ar -> flushWaiting());
  }

  private Future<Change> txAlone(Function<SqlConnection, Future<Change>> work) {
    return commitAlone(work, DEADLOCK_TRIES).recover(ApprovalService::dbFailure).compose(c -> {
      publish(c);
      return c.refusal != null ? Future.failedFuture(c.refusal) : Future.succeededFuture(c);
    });
  }

  /**
   * The transaction of one change. A batch holds the rows of several requests, so a change can lose a
   * deadlock against another instance's batch (PostgreSQL aborts one side): it is run again, a few times.
   */
  private Future<Change> commitAlone(Function<SqlConnection, Future<Change>> work, int tries) {
    return Transactions.run(pool, deadline.millis(), conn -> work.apply(conn).compose(c -> {
      Instant now = now();
      return insertJobs(conn, c, now)
        .compose(v -> c.entries.isEmpty() ? Future.succeededFuture(List.<JournalEntry>of()) : journal.append(conn, c.entries))
        .compose(saved -> {
          if (!saved.isEmpty()) {
            c.entries.clear();
            c.entries.addAll(saved);
          }
          return approvals.link(conn, linked(c).values()).map(c);
        });
    })).recover(t -> deadlocked(t) && tries > 1 ? commitAlone(work, tries - 1) : Future.failedFuture(t));
  }

  /**
   * Several changes in one transaction. Each runs in its own savepoint with its outbox jobs, so a change
   * that is refused (a conditional write lost, a SEC refusal, a statement error) is rolled back alone and
   * fails only its own caller. The journal entries of the changes that stood are appended last, in queue
   * order, with one pass over the head (seq stays gap-free and in commit order, the chain as verify
   * expects); journal, state and outbox commit together (SPEC I1/I3). After commit each change publishes
   * its events and completes its caller, in order. If the transaction itself fails, every caller fails
   * with that error, as each would have alone; nothing of the batch is committed. A change that lost a
   * deadlock against another instance's transaction, or waited too long for a lock held elsewhere (its
   * savepoint rolled back), is tried again alone.
   */
  private Future<Void> txGroup(List<Waiting> batch) {
    int n = batch.size();
    Change[] stood = new Change[n];
    Throwable[] refused = new Throwable[n];
    // BEGIN/COMMIT by hand: the client's own transaction API treats a statement error inside it as fatal
    // and rolls back at the end, even after the savepoint has recovered the transaction
    // A change of a batch waits for another transaction's lock at most BATCH_LOCK_WAIT: past that its
    // savepoint is rolled back and it runs again alone. Two batches holding each other's rows would
    // otherwise stall every change queued behind them until PostgreSQL's deadlock check (1 s by default).
    Future<Void> committed = pool.withConnection(conn -> conn.query("BEGIN; SET LOCAL lock_timeout = '"
        + BATCH_LOCK_WAIT + "'; " + Transactions.bounds(deadline.millis())).execute().compose(begun -> {
      Future<Void> f = Future.succeededFuture();
      batchTouched = new java.util.HashSet<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        f = f.compose(v -> inSavepoint(conn, "change_" + k, batch.get(k).work()).transform(ar -> {
          if (ar.succeeded()) {
            stood[k] = ar.result();
            touched(ar.result());
            return Future.<Void>succeededFuture();
          }
          refused[k] = ar.cause();
          return conn.query("ROLLBACK TO SAVEPOINT change_" + k).execute().<Void>mapEmpty();
        }));
      }
      // the journal head is waited for as long as it takes, as by a lone change
      return f.andThen(v -> batchTouched = null).compose(v -> conn.query("SET LOCAL lock_timeout = 0").execute())
        .compose(v -> {
        List<JournalEntry> all = new ArrayList<>();
        for (Change c : stood) {
          if (c != null) {
            all.addAll(c.entries);
          }
        }
        return journal.appendAll(conn, all).compose(saved -> {
          int at = 0;
          Map<UUID, Approval> links = new LinkedHashMap<>();
          for (Change c : stood) {
            if (c != null) {
              int size = c.entries.size();
              c.entries.clear();
              c.entries.addAll(saved.subList(at, at + size));
              at += size;
              links.putAll(linked(c));
            }
          }
          return approvals.link(conn, links.values());
        });
      });
    }).compose(v -> conn.query("COMMIT").execute().<Void>mapEmpty()
        .recover(err -> Future.<Void>failedFuture(DbFailures.atCommit(err))))
      .recover(err -> conn.query("ROLLBACK").execute().transform(ignored -> Future.<Void>failedFuture(err))));
    return committed.transform(ar -> {
      Future<Change> whole = ar.failed() ? (deadlocked(ar.cause()) ? Future.failedFuture(ar.cause())
        : dbFailure(ar.cause())) : null;
      for (int i = 0; i < n; i++) {
        Waiting w = batch.get(i);
        if (whole != null && deadlocked(ar.cause())) {
          txAlone(w.work()).onComplete(w::complete);
        } else if (whole != null) {
          w.complete(whole);
        } else if (stood[i] != null) {
          Change c = stood[i];
          publish(c);
          w.complete(c.refusal != null ? Future.failedFuture(c.refusal) : Future.succeededFuture(c));
        } else if (deadlocked(refused[i]) || lockWaitTooLong(refused[i]) || refused[i] == BATCH_CONFLICT) {
          txAlone(w.work()).onComplete(w::complete);
        } else {
          w.complete(dbFailure(refused[i]));
        }
      }
      return Future.succeededFuture();
    });
  }

  /** Notes the requests a change of the batch in flight wrote, for the changes after it in the same batch. */
  private void touched(Change c) {
    for (JournalEntry e : c.entries) {
      if (e != null && e.approvalId() != null) {
        batchTouched.add(e.approvalId());
      }
    }
  }

  /**
   * The rows of a change's requests linked to the last machine entry each got, once the entries have their
   * seq and hash; the change's own copies (returned and published) are linked too.
   */
  private static Map<UUID, Approval> linked(Change c) {
    Map<UUID, Approval> last = new LinkedHashMap<>();
    for (int i = 0; i < c.entries.size(); i++) {
      JournalEntry e = c.entries.get(i);
      Approval snap = c.snapshots.get(i);
      if (e == null || snap == null || e.approvalId() == null || !ApprovalEntry.ACTIONS.contains(e.action())) {
        continue;
      }
      last.put(e.approvalId(), snap.linked(e.seq(), e.hash()));
    }
    for (int i = 0; i < c.entries.size(); i++) {
      JournalEntry e = c.entries.get(i);
      Approval snap = c.snapshots.get(i);
      if (e != null && snap != null && ApprovalEntry.ACTIONS.contains(e.action())) {
        c.snapshots.set(i, snap.linked(e.seq(), e.hash()));
      }
    }
    if (c.approval != null && last.containsKey(c.approval.id())) {
      c.approval = last.get(c.approval.id());
    }
    return last;
  }

  /** The journal keeps the callback URL's host and hash: the write-once row can be checked against the chain. */
  private static Map<String, Object> callbackAudit(Map<String, Object> extra, String url) {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    m.put("callback_host", java.net.URI.create(url).getHost());
    m.put("callback_url_sha256", Hashing.sha256Hex(url));
    return m;
  }

  /** The outbox rows of a change: its chat and webhook jobs, and its engine callbacks. */
  private Future<?> insertJobs(SqlConnection conn, Change c, Instant now) {
    return callbackJobs(conn, c).compose(callbackJobs -> {
      List<OutboxStore.Job> all = jobs(c);
      all.addAll(callbackJobs);
      return outbox.insert(conn, all, now);
    });
  }

  /** A callback job per terminal outcome in {@code c} of a request that named a callback_url. */
  private Future<List<OutboxStore.Job>> callbackJobs(SqlConnection conn, Change c) {
    if (!config.callbacksEnabled()) {
      return Future.succeededFuture(List.of());
    }
    Future<List<OutboxStore.Job>> f = Future.succeededFuture(new ArrayList<>());
    for (int i = 0; i < c.entries.size(); i++) {
      JournalEntry e = c.entries.get(i);
      Approval snap = c.snapshots.get(i);
      if (snap == null || !TERMINAL_ACTIONS.contains(e.action()) || snap.status() == ApprovalStatus.PENDING) {
        continue;
      }
      f = f.compose(jobs -> callbacks.find(conn, snap.id()).map(url -> {
        if (url != null) {
          jobs.add(Callbacks.decision(url, snap, e.createdAt(), e.correlationId()));
        }
        return jobs;
      }));
    }
    return f;
  }

  /** The work and its outbox jobs after a savepoint; the savepoint goes out with the work's first statement. */
  private Future<Change> inSavepoint(SqlConnection conn, String name,
      Function<SqlConnection, Future<Change>> work) {
    Future<?> savepoint = conn.query("SAVEPOINT " + name).execute();
    Future<Change> worked;
    try {
      worked = work.apply(conn);
    } catch (RuntimeException e) {
      worked = Future.failedFuture(e);
    }
    // the work's outcome counts once the savepoint is known to exist (it was sent first)
    return worked.transform(ar -> savepoint.transform(sp -> sp.failed() ? Future.<Change>failedFuture(sp.cause())
        : ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.<Change>failedFuture(ar.cause())))
      .compose(c -> insertJobs(conn, c, now()).map(c));
  }

  private static boolean lockWaitTooLong(Throwable t) {
    return t instanceof PgException && "55P03".equals(((PgException) t).getSqlState());
  }

  private static boolean deadlocked(Throwable t) {
    return t instanceof PgException && "40P01".equals(((PgException) t).getSqlState());
  }

  /** A change waiting for this instance's commit in flight, and the context its caller continues on. */
  private record Waiting(Function<SqlConnection, Future<Change>> work, Context caller, Promise<Change> done) {
    void complete(AsyncResult<Change> ar) {
      caller.runOnContext(v -> {
        if (ar.succeeded()) {
          done.complete(ar.result());
        } else {
          done.fail(ar.cause());
        }
      });
    }
  }

  private List<OutboxStore.Job> jobs(Change c) {
    List<OutboxStore.Job> jobs = new ArrayList<>();
    for (int i = 0; i < c.entries.size(); i++) {
      JournalEntry e = c.entries.get(i);
      String event = Events.eventOf(e.action());
      if (event == null) {
        continue;
      }
      Approval snap = c.snapshots.get(i);
      if (snap == null) {
        // Guardian entries are about no single request: a notice on every channel
        Object reason = e.payload().get("reason");
        jobs.addAll(plan.notices(event, "Guardian " + String.valueOf(e.payload().get("state")).toLowerCase()
          + (reason == null ? "" : ": " + reason), Times.format(e.createdAt()), e.payload()));
        continue;
      }
      List<String> named = PolicySnapshot.channels(snap.policy());
      boolean detailed = Events.ESCALATED.equals(e.action()) || Events.REMINDER.equals(e.action())
        || Events.ACKNOWLEDGED.equals(e.action()) || Events.SELF_APPROVAL.equals(e.action());
      for (OutboxStore.Job j : plan.jobs(event, e.action(), e.actor(), Times.format(e.createdAt()), e.correlationId(),
          Json.plainMap(ApprovalJson.approval(snap, e.createdAt()).getMap()))) {
        if (named != null && !named.contains(j.channel())) {
          continue;
        }
        if (detailed) {
          j.payload().put("details", e.payload());
        }
        if (c.progress != null) {
          j.payload().put("progress", c.progress);
        }
        jobs.add(j);
      }
    }
    return jobs;
  }

  private void publish(Change c) {
    Instant now = now();
    // entries without an event would otherwise leave holes that stream readers wait on
    JsonArray silent = new JsonArray();
    for (JournalEntry e : c.entries) {
      if (Events.eventOf(e.action()) == null) {
        silent.add(e.seq());
      }
    }
    for (int i = 0; i < c.entries.size(); i++) {
      JournalEntry e = c.entries.get(i);
      String event = Events.eventOf(e.action());
      if (event != null) {
        JsonObject ev = new JsonObject()
          .put("event", event)
          .put("seq", e.seq())
          .put("action", e.action())
          .put("actor", e.actor())
          .put("at", Times.format(e.createdAt()))
          .put("correlation_id", e.correlationId());
        if (!silent.isEmpty()) {
          ev.put("silent_seqs", silent);
        }
        // only Guardian entries are about no single request
        Approval snap = c.snapshots.get(i);
        publisher.accept(snap != null ? ev.put("approval", ApprovalJson.approval(snap, now))
          .put("next_timer_at", c.approval.status() == ApprovalStatus.PENDING ? Times.format(c.nextTimerAt) : null)
          .put("progress", c.progress == null ? null : new JsonObject(c.progress))
          : ev.put(GuardianCascade.TARGET, new JsonObject(e.payload())));
      }
    }
  }

  /** Refusals of decisions and cancels are audited (SPEC §5), each in its own small transaction. */
  private <T> Future<T> refused(Throwable t, UUID id, Actor actor, String action, Map<String, Object> attempt,
      String corr) {
    GatewayException g = asGatewayException(t);
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
    JournalEntry e = JournalEntry.of(g.code() == ErrorCode.SEC_011 ? null : id, id == null ? null : id.toString(),
      actor.subject(), editRefusal != null ? "edits_refused" : action, null, null, payload, corr, g.code().code(),
      now());
    return pool.withTransaction(conn -> journal.append(conn, List.of(e)))
      .onFailure(err -> LOG.warn("could not audit refusal {} on {}: {}", g.code().code(), id, err.getMessage()))
      .transform(ignored -> Future.failedFuture(g));
  }

  private static GatewayException notFound(UUID id) {
    return new GatewayException(ErrorCode.SEC_011, "No approval request " + id);
  }

  private static GatewayException expiredRefusal(Approval expired) {
    try {
      DecisionRules.requirePending(expired);
    } catch (GatewayException e) {
      return e;
    }
    return new GatewayException(ErrorCode.SEC_013, "Request " + expired.id() + " expired");
  }

  private static void requireChannel(String channel) {
    if (!CHANNELS.contains(channel)) {
      throw GatewayException.invalid(Map.of("channel", "must be one of " + String.join(", ", CHANNELS)));
    }
  }

  /** The context as it will read back from JSONB, so the row hash is stable (numbers as Vert.x decodes them). */
  private static Map<String, Object> normalized(Map<String, Object> context) {
    return Json.plainMap(new JsonObject(new JsonObject(context).encode()));
  }

  /** Database trouble is answered as {@link DbFailures} says: SEC-099, SEC-098, SEC-010 or an internal error. */
  public static <T> Future<T> dbFailure(Throwable t) {
    return DbFailures.fail(t);
  }

  private static GatewayException asGatewayException(Throwable t) {
    return DbFailures.of(t);
  }
}
