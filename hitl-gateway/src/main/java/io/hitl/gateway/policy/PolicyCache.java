package io.hitl.gateway.policy;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.policy.Policy;
import io.hitl.gateway.core.policy.PolicyDocument;
import io.hitl.gateway.core.policy.PolicyParser;
import io.hitl.gateway.core.policy.PolicyRules;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.PolicyStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy document in force on this node. A create resolves against the document this node read last
 * ({@link #cached}) without asking PostgreSQL first, and confirms it inside its own transaction
 * ({@link #confirm}: the newest version's number and row stamp, one index row, sent with the create's first
 * statements): when another node saved a newer version, or the row was changed in place, the create fails with
 * {@link Stale} before anything commits and is run again on the newest version, so a create on any node after a
 * PUT has returned uses the new version (the newest read after the create arrived is used unconfirmed, as
 * before). Other look-ups ask PostgreSQL for the newest version (one small query
 * that returns the document only when it changed); the parsed document is kept per version. Safe to share
 * between event loops: it holds immutable values.
 */
public final class PolicyCache {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyCache.class);

  private final PolicyStore store = new PolicyStore();
  private final PolicyParser.Limits limits;
  private final PolicyRules.Active builtIn;
  private final AtomicReference<Loaded> current = new AtomicReference<>();
  private final AtomicReference<InForce> inForce = new AtomicReference<>();

  /**
   * A stored version as parsed here, with the digest of its stored text and its row stamp (a change under the
   * same version is seen).
   */
  public record Loaded(PolicyRules.Active active, String digest, String stamp, String createdBy, Instant createdAt) {
  }

  /** The document in force as this node last read it, and the stamp of the newest stored row it came from. */
  public record InForce(PolicyRules.Active active, PolicyStore.Stamp stamp) {
  }

  /**
   * The document a create resolved against is no longer the newest stored one: nothing was written, and the
   * create is run again on the newest (so this is never its answer; SEC-099, retry, should it escape).
   */
  public static final class Stale extends GatewayException {
    Stale(PolicyStore.Stamp used, PolicyStore.Stamp found) {
      super(ErrorCode.SEC_099, "The policy in force changed while the request was being created (version "
        + used.version() + ", now " + found.version() + "); nothing was changed; retry",
        java.util.Map.of(DbFailures.RETRY_AFTER, DbFailures.OVERLOAD_RETRY_SECONDS));
    }
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

  /** The document this node read last, for a create to confirm ({@link #confirm}); null before the first read. */
  public InForce cached() {
    return inForce.get();
  }

  /** The newest stored document as read now (as {@link #loaded}); remembered as the one in force. */
  public Future<InForce> refresh(SqlClient c) {
    return loaded(c).map(l -> l == null ? new InForce(builtIn, PolicyStore.Stamp.NONE)
      : new InForce(l.active(), new PolicyStore.Stamp(l.active().version(), l.stamp())));
  }

  /**
   * Fails with {@link Stale} unless {@code used} is still the newest stored version, row for row; read in the
   * caller's transaction, so a version committed before that statement started is seen.
   */
  public Future<Void> confirm(SqlClient c, InForce used) {
    return store.newestStamp(c).compose(found -> found.equals(used.stamp()) ? Future.<Void>succeededFuture()
      : Future.failedFuture(new Stale(used.stamp(), found)));
  }

  /** The newest stored version as parsed here, or null while none was saved. */
  public Future<Loaded> loaded(SqlClient c) {
    Loaded known = current.get();
    int knownVersion = known == null ? -1 : known.active().version();
    return store.latest(c, knownVersion).compose(v -> {
      if (v == null) {
        remember(new InForce(builtIn, PolicyStore.Stamp.NONE));
        return Future.succeededFuture(null);
      }
      if (known != null && v.version() == knownVersion) {
        if (known.digest().equals(v.digest()) && known.stamp().equals(v.stamp())) {
          remember(new InForce(known.active(), new PolicyStore.Stamp(v.version(), v.stamp())));
          return Future.succeededFuture(known);
        }
        return store.byVersion(c, v.version()).map(this::load);
      }
      return Future.succeededFuture(load(v));
    });
  }

  /** Keeps the newer of two reads (by version; of one version, the later read). */
  private void remember(InForce read) {
    inForce.accumulateAndGet(read, (a, b) -> a == null || b.stamp().version() >= a.stamp().version() ? b : a);
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
    Loaded l = new Loaded(new PolicyRules.Active(v.version(), v.hash(), d), v.digest(), v.stamp(), v.createdBy(),
      v.createdAt());
    Loaded before = current.getAndAccumulate(l, (a, b) -> a == null || b.active().version() >= a.active().version()
      ? b : a);
    remember(new InForce(l.active(), new PolicyStore.Stamp(v.version(), v.stamp())));
    if (before == null || before.active().version() != l.active().version()) {
      LOG.info("policy version {} ({}) in force on this node", v.version(), v.hash());
    }
    return l;
  }
}
