package io.hitl.gateway.policy;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.policy.Policy;
import io.hitl.gateway.core.policy.PolicyDocument;
import io.hitl.gateway.core.policy.PolicyParser;
import io.hitl.gateway.core.policy.PolicyRules;
import io.hitl.gateway.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy document in force on this node. Every look-up asks PostgreSQL for the newest version (one
 * small query that returns the document only when it changed), so a create on any node after a PUT has
 * returned uses the new version; the parsed document is kept per version. Safe to share between event
 * loops: it holds one immutable value.
 */
public final class PolicyCache {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyCache.class);

  private final PolicyStore store = new PolicyStore();
  private final PolicyParser.Limits limits;
  private final PolicyRules.Active builtIn;
  private final AtomicReference<Loaded> current = new AtomicReference<>();

  /** A stored version as parsed here, with the digest of its stored text (a change under the same version is seen). */
  public record Loaded(PolicyRules.Active active, String digest, String createdBy, Instant createdAt) {
  }

  public PolicyCache(GatewayConfig config) {
    this.limits = limits(config);
    this.builtIn = PolicyRules.builtIn(limits, config.selfApprovalAllowed);
  }

  /** What documents are validated against on this gateway. */
  public static PolicyParser.Limits limits(GatewayConfig config) {
    return new PolicyParser.Limits(config.timeoutDefaults(), config.timeoutBounds(),
      new Policy.ReRequest(config.reRequestCooldownSeconds, config.reRequestMaxPerLineage));
  }

  public PolicyParser.Limits limits() {
    return limits;
  }

  public PolicyRules.Active builtIn() {
    return builtIn;
  }

  /** The document in force now; SEC-080 when the stored newest version fails its hash check. */
  public Future<PolicyRules.Active> active(SqlClient c) {
    return loaded(c).map(l -> l == null ? builtIn : l.active());
  }

  /** The newest stored version as parsed here, or null while none was saved. */
  public Future<Loaded> loaded(SqlClient c) {
    Loaded known = current.get();
    int knownVersion = known == null ? -1 : known.active().version();
    return store.latest(c, knownVersion).compose(v -> {
      if (v == null) {
        return Future.succeededFuture(null);
      }
      if (known != null && v.version() == knownVersion) {
        if (known.digest().equals(v.digest())) {
          return Future.succeededFuture(known);
        }
        return store.byVersion(c, v.version()).map(this::load);
      }
      return Future.succeededFuture(load(v));
    });
  }

  /** Parses and checks one stored version; remembers it when it is the newest seen. */
  Loaded load(PolicyStore.Version v) {
    PolicyDocument d;
    try {
      d = PolicyParser.parse(v.document(), limits);
    } catch (GatewayException e) {
      LOG.error("policy version {} does not validate against this gateway's settings: {} {}", v.version(),
        e.detail(), e.extensions().get("errors"));
      throw new GatewayException(ErrorCode.INTERNAL, "The policy document in force does not validate");
    }
    if (!Hashing.same(d.hash(), v.hash())) {
      LOG.error("integrity failure on policy version {}: stored hash {} but the document hashes to {}", v.version(),
        v.hash(), d.hash());
      throw new GatewayException(ErrorCode.SEC_080, "Policy version " + v.version()
        + " failed its integrity check; no request can be matched until a new version is saved",
        java.util.Map.of("policy_version", v.version()));
    }
    Loaded l = new Loaded(new PolicyRules.Active(v.version(), v.hash(), d), v.digest(), v.createdBy(), v.createdAt());
    Loaded before = current.getAndAccumulate(l, (a, b) -> a == null || b.active().version() >= a.active().version()
      ? b : a);
    if (before == null || before.active().version() != l.active().version()) {
      LOG.info("policy version {} ({}) in force on this node", v.version(), v.hash());
    }
    return l;
  }
}
