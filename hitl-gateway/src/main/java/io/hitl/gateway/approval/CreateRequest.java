package io.hitl.gateway.approval;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.CallbackUrl;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.Idempotency;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.core.NewRequest;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.TimeoutAction;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.TimeoutRules;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.policy.PolicyRules;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.policy.PolicyCache;
import io.hitl.gateway.core.session.SessionRules;
import io.hitl.gateway.core.pretrade.CountedOrder;
import io.hitl.gateway.core.pretrade.LimitOverride;
import io.hitl.gateway.core.pretrade.Order;
import io.hitl.gateway.core.pretrade.OrderDigest;
import io.hitl.gateway.core.pretrade.PretradePolicy;
import io.hitl.gateway.pretrade.PretradeGate;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.CallbackStore;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Create: the body checked, the policy in force matched and snapshotted, the trading guards' admission,
 * then the machine's created entry (and, when the settings or the policy approve at once, its approval)
 * persisted with the row, the trade it opens and the callback URL. A repeated Idempotency-Key returns
 * the request it created.
 */
final class CreateRequest {
  private static final int MAX_IDEMPOTENCY_KEY = 128;
  private static final Set<ErrorCode> GUARD_REFUSALS = Set.of(ErrorCode.SEC_020, ErrorCode.SEC_021,
    ErrorCode.SEC_052, ErrorCode.SEC_072);
  static final String REASON_POLICY_AUTO_APPROVE = "HITL_POLICY_AUTO_APPROVE";

  private final WritePath w;
  private final RequestValidator validator;
  private final ApprovalStore approvals = new ApprovalStore();
  private final CallbackStore callbacks = new CallbackStore();
  private final IdempotentCreates idempotent = new IdempotentCreates();
  private final SessionBinding sessions = new SessionBinding();

  CreateRequest(WritePath w) {
    this.w = w;
    this.validator = new RequestValidator(w.config().timeoutMinSeconds, w.config().timeoutMaxSeconds);
  }

  Future<ApprovalService.Created> create(Map<String, Object> request, Actor actor, String corr, String idempotencyKey) {
    NewRequest req;
    String callbackUrl;
    UUID session;
    Map<String, Object> body = new LinkedHashMap<>(request);
    try {
      actor.require(Role.SUBMITTER, "create approval requests");
      session = SessionRules.sessionId(body.remove(SessionRules.FIELD));
      callbackUrl = CallbackUrl.check(body.remove(CallbackUrl.FIELD), w.config().callbackAllowedHosts,
        w.config().callbackAllowHttp);
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
    PolicyCache.InForce cached = w.policies().cached();
    Future<PolicyCache.InForce> inForce = cached != null ? Future.succeededFuture(cached)
      : w.policies().refresh(w.pool()).recover(DbFailures::fail);
    return inForce.compose(f -> create(req, body, actor, corr, idempotencyKey, fingerprint, callbackUrl, session, f,
      cached != null));
  }

  /**
   * The create under the policy document {@code inForce}: matched, snapshotted, inserted (or the existing one
   * returned). A document this node read before the create arrived ({@code cached}) is confirmed in the
   * transaction before anything is written ({@link PolicyCache#confirm}, sent with its first statements); when it
   * is not the newest, or when it refuses the request, the newest is read and the create runs once more on it,
   * unconfirmed: read after the create arrived, it is at least the version in force when it did, as before.
   */
  private Future<ApprovalService.Created> create(NewRequest req, Map<String, Object> body, Actor actor, String corr,
      String idempotencyKey, String fingerprint, String callbackUrl, UUID session, PolicyCache.InForce inForce,
      boolean cached) {
    PolicyRules.Resolution policy;
    try {
      policy = PolicyRules.resolve(inForce.active(), req.type(), req.context(), req.timeoutSeconds(), body,
        w.policies().limits());
    } catch (GatewayException e) {
      // refused by the document read last: refused only if it is still the newest
      return !cached ? Future.failedFuture(e) : w.policies().refresh(w.pool()).recover(DbFailures::fail)
        .compose(newest -> newest.stamp().equals(inForce.stamp()) ? Future.failedFuture(e)
          : create(req, body, actor, corr, idempotencyKey, fingerprint, callbackUrl, session, newest, false));
    }
    Instant now = w.now();
    Approval fresh = fresh(req, policy, actor, corr, idempotencyKey, null, now);
    return w.commitBy(actor, conn -> {
      Future<Void> confirmed = cached ? w.policies().confirm(conn, inForce) : Future.succeededFuture();
      return idempotent.reserve(conn, actor.subject(), idempotencyKey)
      .compose(v -> sessions.check(conn, session, actor.subject()))
      .compose(v -> admitted(conn, req, policy, fresh, actor, corr, idempotencyKey, null, now))
      .compose(a -> confirmed.map(a))
      .compose(a -> approvals.insert(conn, a.gated().row(), fingerprint).compose(inserted -> {
        Gated g = a.gated();
        if (!inserted) {
          // the order was counted with its check (when admitted), but this request is not created
          Future<Void> uncounted = g.checked() != null && g.checked().admitted()
            ? w.pretrade().forget(conn, g.row().id()) : Future.succeededFuture();
          return uncounted.compose(u -> idempotent.repeated(conn, actor.subject(), idempotencyKey, req.tradeId(), fingerprint)
            .compose(existing -> existing == null
              ? Future.failedFuture(new GatewayException(ErrorCode.SEC_010, "A request with this id already exists; retry"))
              // read without its lock: a row that looks wrong is checked again under it before it is called tampered
              : w.integrity().checkedLocked(conn, existing, corr, now, s -> Future.succeededFuture(Change.of(s.row())))));
        }
        if (callbackUrl == null) {
          return gated(conn, Change.of(g.row()), g, actor, corr, now, Map.of(), a.reason());
        }
        return callbacks.insert(conn, g.row().id(), callbackUrl, now).compose(y -> gated(conn, Change.of(g.row()), g,
          actor, corr, now, callbackAudit(Map.of(), callbackUrl), a.reason()));
      }).compose(c -> sessions.bound(conn, session, c, actor.subject(), corr, now)));
    }).map(c -> new ApprovalService.Created(c.approval(), c.created()))
      .recover(t -> t instanceof PolicyCache.Stale && cached
        ? w.policies().refresh(w.pool()).recover(DbFailures::fail).compose(newest -> create(req, body, actor, corr,
          idempotencyKey, fingerprint, callbackUrl, session, newest, false))
        : createRefused(t, req, actor, corr));
  }

  /**
   * A new request through the pre-trade gate: {@code fresh} as it is when the order is admitted or nothing is
   * checked, or as a limit-override request (same id) when it breaches a limit.
   */
  record Gated(Approval row, PolicyRules.Resolution resolution, PretradePolicy limits, PretradeChecks.Checked checked) {
    boolean override() {
      return checked != null && !checked.admitted();
    }
  }

  /** A new request past the trading guards and the pre-trade gate: the guards' auto-approve reason (or null) and the gated row. */
  record Admitted(String reason, Gated gated) {
  }

  /**
   * The trading guards' admission ({@link TradeGuards#admit}) and the pre-trade gate of a new request, their
   * statements sent together in that order (pipelined): the gate costs the create no round trip of its own, its
   * window locks are taken by the statement that takes the switches' shared lock, right after it (the Guardian's
   * before both), and a refusal by the guards is reported before anything the gate found (the gate's locks and
   * reads end with the transaction).
   */
  Future<Admitted> admitted(SqlConnection conn, NewRequest req, PolicyRules.Resolution policy, Approval fresh,
      Actor actor, String corr, String idempotencyKey, UUID lineageId, Instant now) {
    PretradePolicy limits = PretradeChecks.of(req.type(), policy.policy().pretrade());
    Order order;
    try {
      order = limits == null ? null : Order.fromContext(req.context());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    Future<String> admitted = w.guards().admit(conn, req, now,
      order == null ? List.of() : PretradeGate.lockKeys(order, limits.limits()));
    Future<Gated> gated;
    try {
      gated = gate(conn, req, policy, limits, order, fresh, actor, corr, idempotencyKey, lineageId, now);
    } catch (RuntimeException e) {
      gated = Future.failedFuture(e);
    }
    Future<Gated> checked = gated;
    return admitted.compose(reason -> checked.map(g -> new Admitted(reason, g)));
  }

  /**
   * The pre-trade check of a new request, in its create transaction, before its row is inserted and after its
   * window keys were locked ({@link #admitted}); an admitted order is counted with it, under the request's id.
   * {@code limits} and {@code order} are null when nothing is checked.
   */
  private Future<Gated> gate(SqlConnection conn, NewRequest req, PolicyRules.Resolution policy, PretradePolicy limits,
      Order order, Approval fresh, Actor actor, String corr, String idempotencyKey, UUID lineageId, Instant now) {
    Future<PretradeChecks.Checked> checking = limits == null ? Future.succeededFuture()
      : w.pretrade().checkCounting(conn, fresh.id(), policy.policy().name(), limits, order);
    return checking.map(checked -> {
      if (checked == null || checked.admitted()) {
        return new Gated(fresh, policy, limits, checked);
      }
      PolicyRules.Resolution resolution = overridden(policy, limits, checked, now);
      return new Gated(fresh(req, resolution, actor, corr, idempotencyKey, lineageId, now, fresh.id(),
        limits.overrideRequiredApprovals()), resolution, limits, checked);
    });
  }

  /**
   * A gated request just inserted: refused (SEC-052, rolling the insert back) when it breaches a limit nobody
   * may override; otherwise recorded as created (an admitted order was counted with its check). An override
   * request always waits for its approvers: neither the settings ({@code admitted}) nor the policy approve it.
   */
  Future<Change> gated(SqlConnection conn, Change c, Gated g, Actor actor, String corr, Instant now,
      Map<String, Object> extra, String admitted) {
    if (g.override() && !g.limits().overridable()) {
      return Future.failedFuture(PretradeChecks.breached(g.checked().verdict().breaches(), "The order breaches a "
        + "pre-trade limit and policy '" + g.resolution().policy().name() + "' names no override approvers."));
    }
    Map<String, Object> details = new LinkedHashMap<>(extra);
    if (g.checked() != null) {
      details.put(CountedOrder.ORDER_DIGEST, OrderDigest.of(g.checked().order()));
      if (g.checked().admitted()) {
        // verify re-derives the counted order's row from this (io.hitl.gateway.core.pretrade.CountedOrder)
        details.put(CountedOrder.COUNTED_AT, Times.format(g.checked().verdict().at()));
      }
    }
    if (g.override()) {
      details.put(LimitOverride.SNAPSHOT_KEY, g.row().policy().get(LimitOverride.SNAPSHOT_KEY));
    }
    // an admitted order was counted with its check (gate)
    return created(conn, c, g.row(), g.resolution(), actor, corr, now, details, g.override() ? null : admitted);
  }

  /**
   * A limit-override request: the policy's override approvers and quorum instead of its approvers, no
   * super-approvers, no auto-approval, and a deadline that rejects where the policy would approve. Its
   * snapshot keeps the breaches, so the request shows them and its decision knows what it authorises.
   */
  static PolicyRules.Resolution overridden(PolicyRules.Resolution r, PretradePolicy limits,
      PretradeChecks.Checked checked, Instant now) {
    TimeoutPolicy t = r.timeouts();
    if (t.action() == TimeoutAction.APPROVE) {
      t = new TimeoutPolicy(TimeoutAction.REJECT, t.timeoutSeconds(), t.escalateBeforeSeconds(),
        t.reminderIntervalSeconds(), t.maxEscalationLevel(), t.escalationExtensionSeconds(), t.escalationTargets());
    }
    Map<String, Object> snapshot = new LinkedHashMap<>(r.snapshot());
    snapshot.putAll(t.toSnapshot());
    snapshot.put(PolicyKeys.REQUIRED_APPROVALS, limits.overrideRequiredApprovals());
    Map<String, Object> approvers = new LinkedHashMap<>();
    approvers.put("users", new ArrayList<>(limits.overrideUsers()));
    approvers.put("roles", new ArrayList<>(limits.overrideRoles()));
    snapshot.put(PolicyKeys.APPROVERS, approvers);
    snapshot.put(PolicyKeys.SUPER_APPROVERS, new ArrayList<>());
    snapshot.put(LimitOverride.SNAPSHOT_KEY, LimitOverride.snapshot(checked.verdict().breaches(),
      checked.verdict().at()));
    return new PolicyRules.Resolution(r.policy(), r.index(), r.facts(), t, r.channels(), null, snapshot);
  }

  /**
   * Creates refused by a trading guard (SEC-020, SEC-021, SEC-052, SEC-072) are audited; other refusals are only
   * answered.
   */
  private <T> Future<T> createRefused(Throwable t, NewRequest req, Actor actor, String corr) {
    if (!(t instanceof GatewayException) || !GUARD_REFUSALS.contains(((GatewayException) t).code())) {
      return Future.failedFuture(t);
    }
    Map<String, Object> attempt = new LinkedHashMap<>();
    attempt.put("type", req.type());
    attempt.put("ticker", req.context().get("ticker"));
    attempt.put("trade_id", req.tradeId());
    if (((GatewayException) t).extensions().get("breaches") != null) {
      attempt.put("breaches", ((GatewayException) t).extensions().get("breaches"));
    }
    return w.refusals().refused(t, null, actor, "create_refused", attempt, corr);
  }

  /** A new pending request under the policy it matched, with that policy's snapshot and quorum. */
  static Approval fresh(NewRequest req, PolicyRules.Resolution policy, Actor actor, String corr, String key,
      UUID lineageId, Instant now) {
    return fresh(req, policy, actor, corr, key, lineageId, now, UUID.randomUUID(), policy.requiredApprovals());
  }

  private static Approval fresh(NewRequest req, PolicyRules.Resolution policy, Actor actor, String corr, String key,
      UUID lineageId, Instant now, UUID id, int requiredApprovals) {
    Map<String, Object> snapshot = normalized(policy.snapshot());
    Instant expires = now.plusSeconds(policy.timeouts().timeoutSeconds());
    return new Approval(id, req.type(), req.title(), req.description(), normalized(req.context()),
      req.tradeId(), actor.subject(), corr, key, snapshot, TimeoutPolicy.hash(snapshot), ApprovalStatus.PENDING,
      requiredApprovals, expires, TimeoutRules.escalateAt(expires, policy.timeouts(), now), 0, lineageId,
      null, null, null, null, null, null, null, now).withRowHash();
  }

  /** A request just inserted: its created entry; then HITL_ENABLED=false or an auto-approve rule decides it at once. */
  Future<Change> created(SqlConnection conn, Change c, Approval fresh, PolicyRules.Resolution policy, Actor actor,
      String corr, Instant now, Map<String, Object> extra, String admitted) {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("type", fresh.type());
    payload.put("title", fresh.title());
    payload.put("expires_at", Times.format(fresh.expiresAt()));
    payload.put("policy", policy.policy().name());
    payload.put("policy_version", PolicySnapshot.version(fresh.policy()));
    payload.put("required_approvals", fresh.requiredApprovals());
    payload.putAll(extra);
    ApprovalMachine.Transition made = ApprovalMachine.create(fresh, payload, actor.subject(), corr, now);
    Change recorded = c.asCreated().nextTimer(TimeoutRules.nextAt(fresh, policy.timeouts(), 0)).with(made);
    return w.guards().opened(conn, recorded, fresh, actor.subject(), corr, now).compose(opened -> {
      String reason = admitted;
      String why = null;
      if (reason == null && policy.autoApprove() != null) {
        reason = REASON_POLICY_AUTO_APPROVE;
        why = "policy '" + policy.policy().name() + "': " + policy.autoApprove().reason();
      }
      if (reason == null) {
        return Future.succeededFuture(opened);
      }
      // the trading settings (HITL disabled, paper mode with auto-approve) or the policy approve at once
      return w.writer().persist(conn, opened, ApprovalMachine.decide(made.after(), ApprovalStatus.APPROVED,
        ApprovalMachine.SYSTEM, ApprovalMachine.SYSTEM, reason, why, null, corr, now));
    });
  }

  /** The journal keeps the callback URL's host and hash: the write-once row can be checked against the chain. */
  static Map<String, Object> callbackAudit(Map<String, Object> extra, String url) {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    m.put("callback_host", java.net.URI.create(url).getHost());
    m.put("callback_url_sha256", Hashing.sha256Hex(url));
    return m;
  }

  /** The context as it will read back from JSONB, so the row hash is stable (numbers as Vert.x decodes them). */
  private static Map<String, Object> normalized(Map<String, Object> context) {
    return Json.plainMap(new JsonObject(new JsonObject(context).encode()));
  }
}
