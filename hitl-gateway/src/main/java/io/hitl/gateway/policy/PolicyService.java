package io.hitl.gateway.policy;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.NewRequest;
import io.hitl.gateway.core.RequestValidator;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.TimeoutPolicy;
import io.hitl.gateway.core.policy.PolicyDocument;
import io.hitl.gateway.core.policy.PolicyParser;
import io.hitl.gateway.core.policy.PolicyRules;
import io.hitl.gateway.core.guard.GuardEntries;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.Json;
import io.hitl.gateway.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Policy administration: read the document in force or any version, save a new version (validated,
 * hashed, journaled, announced to every node), and dry-run a sample request against the document in
 * force or a candidate.
 */
public final class PolicyService {
  public static final int MAX_VERSIONS = 500;

  private final Pool pool;
  private final Clock clock;
  private final PolicyCache cache;
  private final Consumer<JsonObject> changed;
  private final RequestValidator validator;
  private final PolicyStore store = new PolicyStore();
  private final Journal journal;

  /** A version as the API shows it; version 0 is the built-in document. */
  public record View(int version, String hash, String createdBy, Instant createdAt, Map<String, Object> document) {
    public JsonObject json() {
      return new JsonObject().put("version", version).put("hash", hash).put("built_in", version == 0)
        .put("created_by", createdBy).put("created_at", Times.format(createdAt))
        .put("document", document == null ? null : new JsonObject(document));
    }
  }

  public PolicyService(Pool pool, GatewayConfig config, Clock clock, PolicyCache cache, Consumer<JsonObject> changed,
      Journal journal) {
    this.pool = pool;
    this.journal = journal;
    this.clock = clock;
    this.cache = cache;
    this.changed = changed;
    this.validator = new RequestValidator(config.timeoutMinSeconds, config.timeoutMaxSeconds);
  }

  /** The document in force ({@code version} null) or a stored version. */
  public Future<View> get(Actor actor, Integer version) {
    try {
      actor.require(Role.ADMIN, "read approval policies");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    if (version == null) {
      return cache.loaded(pool).recover(PolicyService::dbFailure).map(l -> l == null
        ? new View(0, cache.builtIn().hash(), null, null, cache.builtIn().document().normalized())
        : new View(l.active().version(), l.active().hash(), l.createdBy(), l.createdAt(),
          l.active().document().normalized()));
    }
    if (version == 0) {
      return Future.succeededFuture(new View(0, cache.builtIn().hash(), null, null,
        cache.builtIn().document().normalized()));
    }
    return store.byVersion(pool, version).recover(PolicyService::dbFailure).compose(v -> v == null
      ? Future.failedFuture(new GatewayException(ErrorCode.SEC_011, "No policy version " + version))
      : Future.succeededFuture(new View(v.version(), v.hash(), v.createdBy(), v.createdAt(), v.document())));
  }

  /** The stored versions, newest first, without their documents. */
  public Future<List<View>> versions(Actor actor, int limit) {
    try {
      actor.require(Role.ADMIN, "read approval policies");
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return store.versions(pool, limit).recover(PolicyService::dbFailure).map(vs -> {
      List<View> out = new ArrayList<>();
      vs.forEach(v -> out.add(new View(v.version(), v.hash(), v.createdBy(), v.createdAt(), null)));
      return out;
    });
  }

  /** Saves {@code document} as the next version: validated, hashed, journaled in the same transaction, then announced. */
  public Future<View> put(Map<String, Object> document, Actor actor, String corr) {
    PolicyDocument parsed;
    try {
      actor.require(Role.ADMIN, "change approval policies");
      parsed = PolicyParser.parse(document, cache.limits());
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    Map<String, Object> normalized = Json.plainMap(new JsonObject(parsed.normalized()));
    Instant now = Times.micros(clock.instant());
    return journal.inTransaction(pool, tx -> store.insert(tx.conn(), normalized, parsed.hash(), actor.subject(), now)
        .compose(version -> {
          List<String> names = new ArrayList<>();
          parsed.policies().forEach(p -> names.add(p.name()));
          names.add(PolicyParser.DEFAULT_NAME);
          return tx.append(actor.stamp(GuardEntries.policyUpdated(version, parsed.hash(), names, actor.subject(), now,
            corr)))
            .map(saved -> version);
        }))
      .recover(PolicyService::dbFailure)
      .compose(version -> {
        changed.accept(new JsonObject().put("version", version).put("hash", parsed.hash()));
        return cache.active(pool).otherwise((PolicyRules.Active) null)
          .map(x -> new View(version, parsed.hash(), actor.subject(), now, normalized));
      });
  }

  /**
   * Which policy a sample create body would match, and the snapshot it would get, under the document in
   * force or under {@code candidate} (as the next version). Nothing is stored.
   */
  public Future<JsonObject> dryRun(Map<String, Object> body, Actor actor) {
    try {
      actor.require(Role.ADMIN, "dry-run approval policies");
      unknown(body);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return cache.active(pool).recover(PolicyService::dbFailure).compose(inForce -> {
      try {
        PolicyRules.Active active = inForce;
        boolean candidate = body.get("document") != null;
        if (candidate) {
          PolicyDocument d = prefixed("document", () -> PolicyParser.parse(body.get("document"), cache.limits()));
          active = new PolicyRules.Active(inForce.version() + 1, d.hash(), d);
        }
        Object r = body.get("request");
        if (!(r instanceof Map)) {
          throw GatewayException.invalid(Map.of("request", "must be a create body (with type) to match"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> request = (Map<String, Object>) r;
        NewRequest req = prefixed("request", () -> validator.parse(request));
        PolicyRules.Active doc = active;
        PolicyRules.Resolution res = prefixed("request", () -> PolicyRules.resolve(doc, req.type(), req.context(),
          req.timeoutSeconds(), request, cache.limits()));
        Map<String, Object> snapshot = Json.plainMap(new JsonObject(res.snapshot()));
        JsonObject out = new JsonObject()
          .put("candidate", candidate)
          .put("version", active.version())
          .put("document_hash", active.hash())
          .put("policy", res.policy().name())
          .put("index", res.index() < 0 ? null : res.index())
          .put("title", req.title())
          .put("facts", new JsonObject(res.facts().json()))
          .put("required_approvals", res.requiredApprovals())
          .put("auto_approve", res.autoApprove() == null ? null
            : new JsonObject().put("reason", res.autoApprove().reason()))
          .put("snapshot", new JsonObject(snapshot))
          .put("policy_hash", TimeoutPolicy.hash(snapshot));
        return Future.succeededFuture(out);
      } catch (GatewayException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private static void unknown(Map<String, Object> body) {
    for (String k : body.keySet()) {
      if (!k.equals("request") && !k.equals("document")) {
        throw GatewayException.invalid(Map.of(k, "unknown field (expected request and optionally document)"));
      }
    }
  }

  /** Runs {@code work}; field errors it raises are renamed under {@code prefix}. */
  private static <T> T prefixed(String prefix, java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (GatewayException e) {
      Object errors = e.extensions().get("errors");
      if (e.code() != ErrorCode.SEC_010 || !(errors instanceof Map)) {
        throw e;
      }
      Map<String, String> renamed = new LinkedHashMap<>();
      ((Map<?, ?>) errors).forEach((k, v) -> renamed.put(prefix + "." + k, String.valueOf(v)));
      throw GatewayException.invalid(renamed);
    }
  }

  static <T> Future<T> dbFailure(Throwable t) {
    return io.hitl.gateway.store.DbFailures.fail(t);
  }

}
