package io.hitl.gateway.history;

import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.core.policy.Policy;
import io.hitl.gateway.core.policy.PolicyDocument;
import io.hitl.gateway.core.policy.PolicyRules;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.core.policy.RequestSchemas;
import io.hitl.gateway.policy.PolicyCache;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.DbFailures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The JSON Schemas of a request type: its create body, and the edits each policy that can match it allows.
 * With a request id, the edits are those of that request's policy snapshot (the rules its decision is checked
 * against, whatever the document in force says now), with its quorum and personas, for the console's form.
 */
public final class SchemaService {
  private static final Pattern TYPE = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
  private final Pool pool;
  private final PolicyCache policies;
  private final int minTimeout;
  private final int maxTimeout;
  private final ApprovalStore approvals = new ApprovalStore();

  public SchemaService(Pool pool, PolicyCache policies, int minTimeout, int maxTimeout) {
    this.pool = pool;
    this.policies = policies;
    this.minTimeout = minTimeout;
    this.maxTimeout = maxTimeout;
  }

  public Future<JsonObject> schemas(String type, UUID requestId, Actor actor) {
    if (!actor.canRead()) {
      return Future.failedFuture(new GatewayException(ErrorCode.SEC_002, "A role is required to read schemas"));
    }
    if (type == null || !TYPE.matcher(type).matches()) {
      return Future.failedFuture(GatewayException.invalid(Map.of("type",
        "must be an approval type such as TRADE_EXECUTION")));
    }
    return policies.active(pool).recover(DbFailures::fail).compose(active -> {
      List<Policy> matching = matching(active.document(), type);
      if (!ApprovalTypes.known(type) && matching.stream().noneMatch(p -> p.match().types().contains(type))) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_011, "No request type " + type
          + " (built-in types and the types the policy names)"));
      }
      JsonObject out = new JsonObject().put("type", type)
        .put("body", new JsonObject(RequestSchemas.body(type, minTimeout, maxTimeout)))
        .put("policy_version", active.version());
      JsonArray edits = new JsonArray();
      for (Policy p : matching) {
        edits.add(new JsonObject().put("policy", p.name())
          .put("default", p == active.document().fallback())
          .put("schema", new JsonObject(RequestSchemas.edits(p.edits()))));
      }
      out.put("edits", edits);
      if (requestId == null) {
        return Future.succeededFuture(out);
      }
      return approvals.find(pool, requestId).recover(DbFailures::fail).compose(a -> {
        if (a == null) {
          return Future.failedFuture(new GatewayException(ErrorCode.SEC_011, "No approval request " + requestId));
        }
        if (!a.integrityOk()) {
          return Future.failedFuture(new GatewayException(ErrorCode.SEC_080, "Request " + requestId
            + " does not match its row hash"));
        }
        if (!a.type().equals(type)) {
          return Future.failedFuture(GatewayException.invalid(Map.of("request_id", "is a " + a.type()
            + " request, not " + type)));
        }
        return Future.succeededFuture(out.put("request", request(a)));
      });
    });
  }

  /** The policies a request of {@code type} can match, in document order, then the default. */
  static List<Policy> matching(PolicyDocument doc, String type) {
    List<Policy> l = new ArrayList<>();
    for (Policy p : doc.policies()) {
      if (p.match().types().isEmpty() || p.match().types().contains(type)) {
        l.add(p);
      }
    }
    l.add(doc.fallback());
    return l;
  }

  private static JsonObject request(Approval a) {
    Map<String, Object> snap = a.policy();
    Object approvers = snap == null ? null : snap.get(PolicyKeys.APPROVERS);
    JsonArray personas = new JsonArray();
    PolicySnapshot.acknowledgements(snap).forEach(p -> personas.add(new JsonObject().put("persona", p.name())
      .put("users", new JsonArray(p.users())).put("roles", new JsonArray(p.roles()))));
    return new JsonObject().put("request_id", a.id().toString())
      .put("policy", PolicySnapshot.name(snap))
      .put("policy_version", PolicySnapshot.version(snap))
      .put("required_approvals", a.requiredApprovals())
      .put("approvers", approvers instanceof Map ? new JsonObject(plain(approvers))
        : new JsonObject().put("users", new JsonArray()).put("roles", new JsonArray()))
      .put("super_approvers", new JsonArray(superApprovers(snap)))
      .put("acknowledgements", personas)
      .put("edits", new JsonObject(RequestSchemas.edits(PolicySnapshot.edits(snap))));
  }

  private static List<Object> superApprovers(Map<String, Object> snap) {
    Object v = snap == null ? null : snap.get(PolicyKeys.SUPER_APPROVERS);
    if (v instanceof JsonArray a) {
      v = a.getList();
    }
    return v instanceof List<?> l ? l.stream().filter(String.class::isInstance).map(Object.class::cast).toList() : List.of();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> plain(Object m) {
    return io.hitl.gateway.store.Json.plainMap((Map<String, Object>) m);
  }
}
