package io.hitl.gateway.cluster;

import io.hitl.client.contract.BusSigner;
import io.hitl.client.contract.MessageSignature;
import io.hitl.gateway.auth.Tokens;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication of the event bus on a gateway node: joining the cluster is not enough to act.
 * Every message this node sends is signed with the cluster secret; every message delivered here, on
 * whatever address, must carry either such a signature or a JWT in {@code hitl-token}, whose subject
 * and roles then replace whatever actor headers the sender claimed. Anything else is refused with
 * SEC-001 before a consumer sees it (and a publish without a signature is dropped). Only replies to
 * this node's own requests pass unchecked: their addresses are random and known only to the requester.
 */
public final class BusAuth {
  private static final Logger LOG = LoggerFactory.getLogger(BusAuth.class);
  public static final String CHANNEL_BUS = "bus";

  private final BusSigner signer;
  private final JWTAuth auth;

  BusAuth(BusSigner signer, JWTAuth auth) {
    this.signer = signer;
    this.auth = auth;
  }

  /** Installs both interceptors on the node's bus; call before any verticle deploys. */
  public static void install(Vertx vertx, GatewayConfig config, JWTAuth auth, Clock clock) {
    BusAuth a = new BusAuth(new BusSigner(config.clusterSecret, config.clusterMaxClockSkewSeconds * 1000L, clock),
      auth);
    vertx.eventBus().addOutboundInterceptor(a::outbound);
    vertx.eventBus().addInboundInterceptor(a::inbound);
  }

  /** Prefix of the one-off reply addresses Vert.x generates for request-reply. */
  static final String REPLY_PREFIX = "__vertx.reply.";

  /**
   * Every address is guarded, whatever its prefix, so a consumer added later is guarded without being listed;
   * replies are not, because the requester (this node) chose the address and waits only for its answer.
   */
  static boolean guarded(String address) {
    return address == null || !address.startsWith(REPLY_PREFIX);
  }

  /** Addresses that event-bus clients may publish to with a token: each node acts on its copy idempotently. */
  static boolean tokenPublishable(String address) {
    return Addresses.GUARDIAN_STATUS.equals(address) || Addresses.MARKET_QUOTES.equals(address);
  }

  /**
   * Addresses only gateway nodes speak on: what they carry (events, wake-ups, reloads) is announced after a
   * commit, so a client's message there could only be a forgery, whatever its token's roles.
   */
  static boolean nodeOnly(String address) {
    return Addresses.EVENTS.equals(address) || Addresses.JOURNAL_APPENDED.equals(address)
      || Addresses.NOTIFY_WAKE.equals(address) || Addresses.POLICIES_CHANGED.equals(address);
  }

  void outbound(DeliveryContext<Object> ctx) {
    Message<Object> m = ctx.message();
    if (guarded(m.address())) {
      try {
        signer.sign(m.address(), ctx.body(), m.headers());
      } catch (RuntimeException e) {
        // the receiving node refuses it as unsigned; the sender gets SEC-001 instead of a silent loss
        LOG.warn("could not sign a message to {}: {}", m.address(), e.getMessage());
      }
    }
    ctx.next();
  }

  void inbound(DeliveryContext<Object> ctx) {
    Message<Object> m = ctx.message();
    if (!guarded(m.address())) {
      ctx.next();
      return;
    }
    MultiMap h = m.headers();
    if (h.contains(Headers.AUTH_SIGNATURE)) {
      MessageSignature.Verdict v = signer.check(m);
      if (v.valid()) {
        ctx.next();
      } else {
        refuse(m, "The message signature is invalid: " + v.reason());
      }
      return;
    }
    String token = h.get(Headers.TOKEN);
    if (token == null) {
      refuse(m, "Event-bus messages to " + m.address() + " need a cluster signature or a token in "
        + Headers.TOKEN);
      return;
    }
    if (nodeOnly(m.address()) || !ctx.send() && !tokenPublishable(m.address())) {
      refuse(m, "Only gateway nodes may " + (ctx.send() ? "send" : "publish") + " on " + m.address());
      return;
    }
    if (!(m.body() instanceof JsonObject)) {
      // every consumer reads a JSON object; anything else is refused whole here rather than left unanswered
      refuse(m, ErrorCode.SEC_010, "Event-bus message bodies are JSON objects");
      return;
    }
    auth.authenticate(new TokenCredentials(token)).onComplete(ar -> {
      Actor actor = ar.succeeded() ? Tokens.actor(ar.result()) : null;
      if (actor == null) {
        refuse(m, "The token is invalid or expired");
        return;
      }
      h.remove(Headers.TOKEN);
      h.set(Headers.ACTOR, actor.subject());
      h.set(Headers.ROLES, String.join(",", actor.roleNames()));
      // who the token names, never what the sender claimed: no session on the bus, the issuer only from the token
      h.remove(Headers.SESSION);
      h.remove(Headers.ISSUER);
      if (actor.issuer() != null) {
        h.set(Headers.ISSUER, actor.issuer());
      }
      h.set(Headers.CHANNEL, CHANNEL_BUS);
      // only a node's chat verticle names a chat user; a bus client claiming one is not believed
      h.remove(Headers.CHAT_USER);
      ctx.next();
    });
  }

  private static void refuse(Message<?> m, String detail) {
    refuse(m, ErrorCode.SEC_001, detail);
  }

  private static void refuse(Message<?> m, ErrorCode code, String detail) {
    LOG.warn("refused an event-bus message to {} claiming actor '{}': {}", m.address(), m.headers().get(Headers.ACTOR),
      detail);
    if (m.replyAddress() != null) {
      BusErrors.fail(m, new GatewayException(code, detail));
    }
  }
}
