package io.hitl.gateway.chat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.policy.Policy;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.outbox.ChatText;
import io.hitl.gateway.store.DbFailures;
import java.util.List;
import io.hitl.gateway.core.ChatAction;
import io.hitl.gateway.core.ChatIdentities;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.ChatStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What verified chat clicks share on every platform: the clicker is mapped to an operator and the click decided
 * through `hitl.approvals.decide` with channel slack or discord, so every decision rule applies; a click by an
 * unmapped user is journaled. Nothing is kept in memory between clicks, so any node answers any click.
 */
final class ChatService {
  private static final Logger LOG = LoggerFactory.getLogger(ChatService.class);
  /** How long a decision may take before its outcome counts as unknown; the clicker was answered long before. */
  private static final long DECIDE_TIMEOUT_MS = 10_000;
  /** Slack's response_url accepts answers for 30 minutes. */
  private static final Duration RESPONSE_URL_LIFETIME = Duration.ofMinutes(30);

  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private final EventBus bus;
  private final Journal journal;
  private final ChatStore chat = new ChatStore();
  private final ApprovalStore approvals = new ApprovalStore();

  /**
   * How long a click waits before each new try of a decision the approval service refused for load (SEC-099,
   * nothing committed): a person's click is not load to shed, so it is tried again for about 8 s before the clicker
   * is told.
   */
  static final long[] LOAD_RETRY_MILLIS = {250, 500, 1000, 2000, 4000};

  private final io.vertx.core.Vertx vertx;

  ChatService(io.vertx.core.Vertx vertx, GatewayConfig config, Pool pool, Clock clock, Journal journal) {
    this.vertx = vertx;
    EventBus bus = vertx.eventBus();
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.bus = bus;
    this.journal = journal;
  }

  /** The operator a chat user is mapped to, or null. */
  String operator(String platform, String userId) {
    return config.chatIdentities.operator(platform, userId);
  }

  /** Remembers where a clicked message is and how to answer its clicker (Slack response_url, 30 minutes). */
  Future<Void> recordClick(ChatAction action, String platform, String channelId, String messageRef, String responseUrl) {
    Instant now = clock.instant();
    return chat.recordClick(pool, action.requestId(), platform, channelId, messageRef, responseUrl,
      responseUrl == null ? null : now.plus(RESPONSE_URL_LIFETIME), Times.micros(now))
      .onFailure(t -> LOG.warn("could not record the {} message of {}: {}", platform, action.requestId(), t.toString()));
  }

  /** Decides as the operator through the approval service; the request as it stands afterwards. */
  Future<JsonObject> decide(String operator, ChatAction action, String channel, String corr) {
    return decide(operator, action, null, channel, corr);
  }

  /** The same with the reason a modal asked for. */
  Future<JsonObject> decide(String operator, ChatAction action, String reason, String channel, String corr) {
    DeliveryOptions o = options(approver(operator), channel, corr);
    JsonObject body = new JsonObject().put("request_id", action.requestId().toString()).put("decision", action.decision());
    if (reason != null) {
      body.put("reason", reason);
    }
    return retriedForLoad(() -> bus.<JsonObject>request(Addresses.APPROVALS_DECIDE, body, o), 0)
      .map(m -> m.body().getJsonObject("approval"));
  }

  /** {@code send}, sent again after {@link #LOAD_RETRY_MILLIS} while it is refused for load (SEC-099). */
  private <T> Future<T> retriedForLoad(java.util.function.Supplier<Future<T>> send, int attempt) {
    return send.get().recover(t -> {
      if (attempt >= LOAD_RETRY_MILLIS.length
          || io.hitl.gateway.bus.BusErrors.decode(t).code() != io.hitl.gateway.core.ErrorCode.SEC_099) {
        return Future.failedFuture(t);
      }
      return vertx.timer(LOAD_RETRY_MILLIS[attempt]).compose(x -> retriedForLoad(send, attempt + 1));
    });
  }

  /** Approves with edits and an optional comment, through the same decision path and rules as the API. */
  Future<JsonObject> approveWithEdits(String operator, UUID requestId, Map<String, Object> edits, String comment,
      String channel, String corr) {
    JsonObject body = new JsonObject().put("request_id", requestId.toString()).put("decision", ChatAction.APPROVE)
      .put("edits", new JsonObject(edits));
    if (comment != null && !comment.isBlank()) {
      body.put("comment", comment.strip());
    }
    DeliveryOptions o = options(approver(operator), channel, corr);
    return retriedForLoad(() -> bus.<JsonObject>request(Addresses.APPROVALS_DECIDE, body, o), 0)
      .map(m -> m.body().getJsonObject("approval"));
  }

  /**
   * Ticks the box of the persona in {@code slot} of the request's policy, through the acknowledgement path (which
   * judges who may tick it and journals the tick); what the clicker is told about the checklist afterwards.
   */
  Future<String> acknowledge(String operator, ChatAction action, String channel, String corr) {
    return request(action.requestId()).compose(a -> {
      List<Policy.Persona> personas = PolicySnapshot.acknowledgements(a.policy());
      if (action.slot() < 0 || action.slot() >= personas.size()) {
        return Future.failedFuture(GatewayException.invalid(Map.of("persona", "request " + a.id()
          + " names no persona in that place (" + personas.size() + " persona(s))")));
      }
      String persona = personas.get(action.slot()).name();
      JsonObject body = new JsonObject().put("request_id", a.id().toString()).put("persona", persona);
      return bus.<JsonObject>request(Addresses.APPROVALS_ACKNOWLEDGE, body, options(approver(operator),
        channel, corr)).map(m -> Acknowledged.reply(m.body().getJsonObject("approval"),
          persona));
    });
  }

  /**
   * Asks a rejected or expired request again as the clicker, through the re-request path: the lineage rules allow
   * it to the requester only, so a chat user may re-request what their own desk submitted. The new request.
   */
  Future<JsonObject> reRequest(String operator, ChatAction action, String channel, String corr) {
    JsonObject body = new JsonObject().put("request_id", action.requestId().toString())
      .put("reason", "Re-requested from " + ChatText.channel(channel));
    return bus.<JsonObject>request(Addresses.APPROVALS_REREQUEST, body, options(new Actor(operator,
      EnumSet.of(Role.SUBMITTER)), channel, corr)).map(m -> m.body().getJsonObject("approval"));
  }

  /** The request, for a form about it; SEC-011 when there is no such request, SEC-080 when its row fails its hash. */
  Future<Approval> request(UUID requestId) {
    return approvals.find(pool, requestId).recover(t -> Future.failedFuture(DbFailures.of(t))).compose(a -> {
      if (a == null) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_011, "No request " + requestId));
      }
      if (!a.integrityOk()) {
        return Future.failedFuture(new GatewayException(ErrorCode.SEC_080, "Request " + requestId
          + " does not match its row hash"));
      }
      return Future.succeededFuture(a);
    });
  }

  /**
   * The operator acting from chat as an approver, with the desk roles HITL_CHAT_ROLES gives it, so the decision,
   * acknowledgement and quorum rules judge the click as they would a token carrying those roles.
   */
  private Actor approver(String operator) {
    return new Actor(operator, EnumSet.of(Role.APPROVER), config.chatRoles.roles(operator));
  }

  private static DeliveryOptions options(Actor actor, String channel, String corr) {
    return BusActor.options(actor, corr).addHeader(Headers.CHANNEL, channel)
      .setSendTimeout(DECIDE_TIMEOUT_MS);
  }

  /** The title of a request, for a modal about it; SEC-011 when there is no such request. */
  Future<String> title(UUID requestId) {
    return approvals.find(pool, requestId).compose(a -> a == null
      ? Future.failedFuture(new GatewayException(ErrorCode.SEC_011, "No request " + requestId))
      : Future.succeededFuture(a.title()));
  }

  /** A click by a chat user no operator owns: refused with SEC-090 and journaled; the request is untouched. */
  Future<Void> auditUnmapped(ChatAction action, String platform, String userId, String corr) {
    Instant now = Times.micros(clock.instant());
    String who = platform + ":" + userId;
    LOG.warn("SEC-090 refused a {} click by unmapped user {} on request {}", platform, who, action.requestId());
    return journal.inTransaction(pool, tx -> approvals.find(tx.conn(), action.requestId()).compose(a -> {
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("decision", action.decision());
      payload.put("channel", platform);
      payload.put("chat_user", who);
      payload.put("detail", "Chat user " + who + " is not mapped to an operator (HITL_CHAT_IDENTITIES)");
      JournalEntry e = JournalEntry.of(a == null ? null : a.id(), action.requestId().toString(), who, "decision_refused",
        null, null, payload, corr, ErrorCode.SEC_090.code(), now);
      return tx.append(e);
    })).<Void>mapEmpty().onFailure(t -> LOG.warn("could not audit the SEC-090 refusal of {}: {}", who, t.toString()));
  }
}
