package io.hitl.gateway.notify;

import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.config.ConfigException;
import io.hitl.gateway.config.ConfigKeys;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ChatIdentities;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.journal.Journal;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.ChatStore;
import io.hitl.gateway.store.Json;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed chat callbacks and deep links: `hitl.chat.slack`, `hitl.chat.discord`, `hitl.chat.link`. A click is
 * verified (signature, timestamp, replay across nodes), mapped to an operator and decided through
 * `hitl.approvals.decide` with channel slack/discord, so every SPEC §5 rule applies. Nothing is kept in
 * memory between requests, so any instance on any node answers any click.
 */
public class ChatVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChatVerticle.class);
  /** Discord wants its answer within 3 s; past this the click is acknowledged and the outbox edits the message. */
  static final long DISCORD_DECIDE_MS = 2000;
  /** Slack's response_url accepts answers for 30 minutes. */
  private static final Duration RESPONSE_URL_LIFETIME = Duration.ofMinutes(30);
  /** Replay-guard rows outlive the skew window by this margin. */
  private static final long GUARD_MARGIN_SECONDS = 60;

  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private final ChatStore chat = new ChatStore();
  private final ApprovalStore approvals = new ApprovalStore();
  private PublicKey discordKey;
  private WebClient client;
  private Set<String> responseHosts;

  private record Redeemed(UUID approvalId, GatewayException refusal) {
  }

  public ChatVerticle(GatewayConfig config, Pool pool, Clock clock) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    if (config.discordPublicKey != null) {
      try {
        discordKey = DiscordSignature.publicKey(config.discordPublicKey);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(new ConfigException(ConfigKeys.DISCORD_PUBLIC_KEY, e.getMessage()));
      }
    }
    responseHosts = new HashSet<>();
    responseHosts.add(host(config.slackApiBaseUrl));
    if (config.slackWebhookUrl != null) {
      responseHosts.add(host(config.slackWebhookUrl));
    }
    client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(config.notifyHttpTimeoutMs)
      .setFollowRedirects(false));
    var bus = vertx.eventBus();
    return Future.join(
      bus.<JsonObject>consumer(Addresses.CHAT_SLACK, this::slack).completion(),
      bus.<JsonObject>consumer(Addresses.CHAT_DISCORD, this::discord).completion(),
      bus.<JsonObject>consumer(Addresses.CHAT_LINK, this::link).completion());
  }

  @Override
  public Future<?> stop() {
    client.close();
    return Future.succeededFuture();
  }

  private void slack(Message<JsonObject> msg) {
    Instant now = clock.instant();
    String corr = msg.headers().get(Headers.CORRELATION_ID);
    JsonObject b = msg.body();
    byte[] raw = b.getBinary("body", new byte[0]);
    String ts = b.getString("timestamp");
    String sig = b.getString("signature");
    if (config.slackSigningSecret == null) {
      refuse(msg, ErrorCode.SEC_070, "Slack interactions are off: SLACK_SIGNING_SECRET is not set");
      return;
    }
    SignatureCheck check = SlackSignature.verify(config.slackSigningSecret, ts, sig, raw, now);
    if (check != SignatureCheck.VALID) {
      refuseSignature(msg, check, "slack", "X-Slack-Signature", "X-Slack-Request-Timestamp");
      return;
    }
    // read before the replay guard records the signature, so a refused body leaves nothing behind
    SlackInteraction in;
    try {
      in = SlackInteraction.parse(raw);
    } catch (IllegalArgumentException e) {
      BusErrors.fail(msg, GatewayException.invalid(Map.of("payload", e.getMessage())));
      return;
    }
    guard("slack", sig.trim(), ts).onFailure(t -> BusErrors.fail(msg, DbFailures.of(t))).onSuccess(first -> {
      if (!first) {
        refuse(msg, ErrorCode.SEC_071, "This Slack request was already received (replayed signature)");
        return;
      }
      if (!SlackInteraction.BLOCK_ACTIONS.equals(in.type()) || in.action() == null) {
        msg.reply(answer(200, null));
        return;
      }
      String responseUrl = trustedResponseUrl(in.responseUrl());
      chat.recordClick(pool, in.action().requestId(), JobPlan.SLACK, in.channelId(), in.messageTs(), responseUrl,
          responseUrl == null ? null : now.plus(RESPONSE_URL_LIFETIME), Times.micros(now))
        .onFailure(t -> LOG.warn("could not record the Slack message of {}: {}", in.action().requestId(), t.toString()))
        .onComplete(x -> {
          msg.reply(answer(200, null));
          decideFromSlack(in, responseUrl, corr);
        });
    });
  }

  /** After Slack has its acknowledgement: decide, and tell the clicker privately if it did not decide. */
  private void decideFromSlack(SlackInteraction in, String responseUrl, String corr) {
    String operator = config.chatIdentities.operator(ChatIdentities.SLACK, in.userId());
    if (operator == null) {
      auditUnmapped(in.action(), ChatIdentities.SLACK, in.userId(), corr)
        .onComplete(x -> ephemeral(responseUrl, ChatReplies.unmapped(ChatIdentities.SLACK, in.userId())));
      return;
    }
    decide(operator, in.action(), ChatIdentities.SLACK, corr, 10_000).onSuccess(view -> {
      if ("pending".equals(view.getString("status"))) {
        ephemeral(responseUrl, ChatReplies.counted(view.getString("title")));
      }
    }).onFailure(t -> {
      GatewayException g = BusErrors.decode(t);
      ephemeral(responseUrl, ChatReplies.refusal(g.code().code(), g.detail()));
    });
  }

  private void discord(Message<JsonObject> msg) {
    Instant now = clock.instant();
    String corr = msg.headers().get(Headers.CORRELATION_ID);
    JsonObject b = msg.body();
    byte[] raw = b.getBinary("body", new byte[0]);
    String ts = b.getString("timestamp");
    String sig = b.getString("signature");
    if (discordKey == null) {
      refuse(msg, ErrorCode.SEC_070, "Discord interactions are off: DISCORD_PUBLIC_KEY is not set");
      return;
    }
    SignatureCheck check = DiscordSignature.verify(discordKey, ts, sig, raw, now);
    if (check != SignatureCheck.VALID) {
      refuseSignature(msg, check, "discord", "X-Signature-Ed25519", "X-Signature-Timestamp");
      return;
    }
    // read before the replay guard records the signature, so a refused body leaves nothing behind
    DiscordInteraction in;
    try {
      in = DiscordInteraction.parse(raw);
    } catch (IllegalArgumentException e) {
      BusErrors.fail(msg, GatewayException.invalid(Map.of("body", e.getMessage())));
      return;
    }
    guard("discord", sig.toLowerCase(java.util.Locale.ROOT), ts).onFailure(t -> BusErrors.fail(msg, DbFailures.of(t)))
      .onSuccess(first -> {
        if (!first) {
          refuse(msg, ErrorCode.SEC_071, "This Discord interaction was already received (replayed signature)");
          return;
        }
        if (in.type() == DiscordInteraction.PING) {
          msg.reply(answer(200, DiscordMessages.pong()));
          return;
        }
        if (in.type() != DiscordInteraction.MESSAGE_COMPONENT || in.action() == null) {
          msg.reply(answer(200, DiscordMessages.ephemeral(ChatReplies.notHandled())));
          return;
        }
        String operator = config.chatIdentities.operator(ChatIdentities.DISCORD, in.userId());
        if (operator == null) {
          auditUnmapped(in.action(), ChatIdentities.DISCORD, in.userId(), corr).onComplete(x ->
            msg.reply(answer(200, DiscordMessages.ephemeral(ChatReplies.unmapped(ChatIdentities.DISCORD, in.userId())))));
          return;
        }
        decide(operator, in.action(), ChatIdentities.DISCORD, corr, DISCORD_DECIDE_MS).onSuccess(view -> {
          MessageFacts f = MessageFacts.of(Json.plainMap(view));
          msg.reply(answer(200, f.pending() ? DiscordMessages.ephemeral(ChatReplies.counted(f.title()))
            : DiscordMessages.updateResponse(f)));
        }).onFailure(t -> {
          if (t instanceof ReplyException && ((ReplyException) t).failureType() == ReplyFailure.TIMEOUT) {
            msg.reply(answer(200, DiscordMessages.deferredUpdate()));
            return;
          }
          GatewayException g = BusErrors.decode(t);
          msg.reply(answer(200, DiscordMessages.ephemeral(ChatReplies.refusal(g.code().code(), g.detail()))));
        });
      });
  }

  /** Redeems a one-time console link: used once, before it expires; every outcome on a known link is audited. */
  private void link(Message<JsonObject> msg) {
    String token = msg.body() == null ? null : msg.body().getString("token");
    String corr = msg.headers().get(Headers.CORRELATION_ID);
    if (!DeepLinks.wellFormed(token)) {
      BusErrors.fail(msg, new GatewayException(ErrorCode.SEC_011, "No such link"));
      return;
    }
    String hash = DeepLinks.hash(token);
    String shortHash = hash.substring(0, 12);
    Instant now = Times.micros(clock.instant());
    Journal.on(vertx).inTransaction(pool, tx -> chat.redeemLink(tx.conn(), hash, now).compose(link -> {
      if (link != null) {
        JournalEntry e = JournalEntry.of(link.approvalId(), link.approvalId().toString(), "link:" + link.channel(),
          "deep_link_opened", null, null, Map.of("channel", link.channel(), "token", shortHash), corr, null, now);
        return tx.append(e).map(x -> new Redeemed(link.approvalId(), null));
      }
      return chat.findLink(tx.conn(), hash).compose(found -> {
        if (found == null) {
          return Future.succeededFuture(new Redeemed(null, new GatewayException(ErrorCode.SEC_011, "No such link")));
        }
        GatewayException refusal = new GatewayException(ErrorCode.SEC_071, found.usedAt() != null
          ? "This link was already used at " + Times.format(found.usedAt()) + "; links work once"
          : "This link expired at " + Times.format(found.expiresAt()));
        JournalEntry e = JournalEntry.of(found.approvalId(), found.approvalId().toString(), "link:" + found.channel(),
          "deep_link_refused", null, null, Map.of("channel", found.channel(), "token", shortHash,
            "detail", refusal.detail()), corr, ErrorCode.SEC_071.code(), now);
        return tx.append(e).map(x -> new Redeemed(null, refusal));
      });
    })).onSuccess(r -> {
      if (r.refusal() != null) {
        BusErrors.fail(msg, r.refusal());
      } else {
        msg.reply(new JsonObject().put("request_id", r.approvalId().toString())
          .put("location", DeepLinks.consoleLocation(r.approvalId().toString())));
      }
    }).onFailure(t -> BusErrors.fail(msg, DbFailures.of(t)));
  }

  private Future<JsonObject> decide(String operator, ChatAction action, String channel, String corr, long timeoutMs) {
    DeliveryOptions o = BusActor.options(new Actor(operator, EnumSet.of(Role.APPROVER)), corr)
      .addHeader(Headers.CHANNEL, channel)
      .setSendTimeout(timeoutMs);
    JsonObject body = new JsonObject().put("request_id", action.requestId().toString()).put("decision", action.decision());
    return vertx.eventBus().<JsonObject>request(Addresses.APPROVALS_DECIDE, body, o)
      .map(m -> m.body().getJsonObject("approval"));
  }

  /** A click by a chat user no operator owns: refused with SEC-090 and audited; the request is untouched. */
  private Future<Void> auditUnmapped(ChatAction action, String platform, String userId, String corr) {
    Instant now = Times.micros(clock.instant());
    String who = platform + ":" + userId;
    LOG.warn("SEC-090 refused a {} click by unmapped user {} on request {}", platform, who, action.requestId());
    return Journal.on(vertx).inTransaction(pool, tx -> approvals.find(tx.conn(), action.requestId()).compose(a -> {
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

  /** Records the signature; true if no node has seen it. Kept past the window in which it could be accepted. */
  private Future<Boolean> guard(String platform, String signature, String timestamp) {
    Long t = Skew.seconds(timestamp);
    Instant keep = Instant.ofEpochSecond(t + SlackSignature.MAX_SKEW_SECONDS + GUARD_MARGIN_SECONDS);
    return chat.firstSighting(pool, platform, signature, keep);
  }

  private void ephemeral(String responseUrl, String text) {
    if (responseUrl == null) {
      return;
    }
    client.postAbs(responseUrl).timeout(config.notifyHttpTimeoutMs)
      .sendJson(new JsonObject(SlackMessages.ephemeral(text)))
      .onFailure(t -> LOG.warn("could not answer a Slack click privately: {}", Http.problem(t)))
      .onSuccess(r -> {
        if (r.statusCode() >= 300) {
          LOG.warn("Slack refused a private answer: HTTP {}", r.statusCode());
        }
      });
  }

  /** Slack's own hosts, or those of SLACK_API_BASE_URL / SLACK_WEBHOOK_URL; anything else is not called. */
  private String trustedResponseUrl(String url) {
    if (url == null) {
      return null;
    }
    try {
      URI u = URI.create(url);
      String h = u.getHost();
      if (h == null) {
        return null;
      }
      boolean slackHost = "https".equals(u.getScheme()) && (h.equals("slack.com") || h.endsWith(".slack.com"));
      return slackHost || responseHosts.contains(h) ? url : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static void refuseSignature(Message<JsonObject> msg, SignatureCheck check, String platform, String sigHeader,
      String tsHeader) {
    if (check == SignatureCheck.STALE) {
      refuse(msg, ErrorCode.SEC_071, tsHeader + " is more than " + SlackSignature.MAX_SKEW_SECONDS + " s from now");
    } else {
      refuse(msg, ErrorCode.SEC_070, sigHeader + " does not match the request");
    }
  }

  private static void refuse(Message<JsonObject> msg, ErrorCode code, String detail) {
    LOG.warn("{} chat callback refused: {}", code.code(), detail);
    BusErrors.fail(msg, new GatewayException(code, detail));
  }

  private static JsonObject answer(int status, Map<String, Object> json) {
    JsonObject a = new JsonObject().put("status", status);
    if (json != null) {
      a.put("content_type", "application/json").put("body", new JsonObject(json).encode());
    }
    return a;
  }

  private static String host(String url) {
    String h = URI.create(url).getHost();
    return h == null ? "" : h;
  }
}
