package io.hitl.gateway.outbox;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.CallbackUrl;
import io.hitl.gateway.core.EscalationTargets;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.PolicyKeys;
import io.hitl.gateway.observability.Tracing;
import io.hitl.gateway.store.ApprovalStore;
import io.hitl.gateway.store.ChatStore;
import io.hitl.gateway.store.DeliveryStore;
import io.hitl.gateway.store.TradeStore;
import io.hitl.gateway.core.guard.TradeLifecycle;
import io.hitl.gateway.store.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.SMTPException;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Sends one claimed group of outbox jobs and says what became of each. A group is either every open job
 * of one chat message (one send brings the message to the request's current state; timeout, escalation
 * and reminder jobs add a notice each) or a single job (a notice about no request, a webhook event).
 */
final class Deliveries {
  private final Pool pool;
  private final GatewayConfig config;
  private final Clock clock;
  private final SlackApi slack;
  private final DiscordApi discord;
  private final Http http;
  private final MailClient mail;
  private final ApprovalStore approvals = new ApprovalStore();
  private final ChatStore chat = new ChatStore();
  private final TradeStore trades = new TradeStore();
  private final ChatView chatView;

  /** The message after a sync: how the send went and where the message now is. */
  private record Synced(Outcome outcome, ChatStore.ChatMessage message) {
  }

  /** {@code mail} is null when no SMTP server is configured. */
  Deliveries(Pool pool, GatewayConfig config, Clock clock, Http http, Tracing tracing, MailClient mail) {
    this.pool = pool;
    this.mail = mail;
    this.config = config;
    this.clock = clock;
    this.http = http;
    this.slack = new SlackApi(http, config, clock, tracing);
    this.discord = new DiscordApi(http, config, clock, tracing);
    this.chatView = new ChatView(config);
  }

  Future<Map<Long, Outcome>> deliver(List<DeliveryStore.Job> group) {
    DeliveryStore.Job first = group.get(0);
    Future<Map<Long, Outcome>> f;
    switch (first.channel()) {
      case JobPlan.SLACK:
      case JobPlan.DISCORD:
        f = first.approvalId() == null
          ? standalone(first).map(o -> all(group, o))
          : message(first.channel(), first.approvalId(), group);
        break;
      case JobPlan.WEBHOOK:
        f = webhook(first).map(o -> all(group, o));
        break;
      case Callbacks.CHANNEL:
        f = callback(first).map(o -> all(group, o));
        break;
      case JobPlan.EMAIL:
        f = email(first).map(o -> all(group, o));
        break;
      default:
        f = Future.succeededFuture(all(group, Outcome.failed("no sender for channel '" + first.channel() + "'")));
    }
    return f.recover(t -> Future.succeededFuture(all(group, Outcome.retry("notifier: " + Http.problem(t)))));
  }

  private Future<Map<Long, Outcome>> message(String channel, UUID id, List<DeliveryStore.Job> jobs) {
    return approvals.find(pool, id).compose(a -> {
      if (a == null) {
        return Future.succeededFuture(all(jobs, Outcome.failed("request " + id + " does not exist")));
      }
      if (!a.integrityOk()) {
        return Future.succeededFuture(all(jobs, Outcome.failed("SEC-080: request " + id
          + " failed its integrity check; its content is not posted")));
      }
      Instant now = now();
      return reportedTradeState(a.tradeId()).compose(tradeState -> chatView.of(pool, a, tradeState, now))
        .compose(view -> chat.findMessage(pool, id, channel).compose(existing -> {
        MessageFacts facts = MessageFacts.of(view);
        return sync(channel, facts, existing, now).compose(s -> {
          Map<Long, Outcome> out = new LinkedHashMap<>();
          if (!s.outcome().ok()) {
            return Future.succeededFuture(all(jobs, s.outcome()));
          }
          Future<Void> chain = Future.succeededFuture();
          for (DeliveryStore.Job j : jobs) {
            if (Notices.postsNotice(j.kind())) {
              chain = chain.compose(x -> notice(channel, Notices.forRequest(j.kind(), facts, details(j)), s.message(),
                targets(a))
                .map(o -> {
                  out.put(j.id(), o);
                  return null;
                }));
            } else {
              out.put(j.id(), Outcome.delivered());
            }
          }
          return chain.map(x -> out);
        });
      }));
    });
  }

  /** The engine-reported state of a request's trade (filled, closed, settled), shown on its message; else null. */
  private Future<String> reportedTradeState(String tradeId) {
    if (tradeId == null) {
      return Future.succeededFuture(null);
    }
    return trades.find(pool, tradeId).map(t -> t == null || !TradeLifecycle.REPORTED.contains(t.state()) ? null
      : t.state().name().toLowerCase(java.util.Locale.ROOT));
  }

  /** Posts the message if it was never posted, edits it if the request changed since, else leaves it. */
  private Future<Synced> sync(String channel, MessageFacts f, ChatStore.ChatMessage existing, Instant now) {
    if (existing == null) {
      return post(channel, f, now);
    }
    if (f.stateKey().equals(existing.state())) {
      return Future.succeededFuture(new Synced(Outcome.delivered(), existing));
    }
    return edit(channel, f, existing, now).compose(sent -> !sent.outcome().ok()
      ? Future.succeededFuture(new Synced(sent.outcome(), existing))
      : chat.setState(pool, existing.approvalId(), channel, f.stateKey(), now)
        .map(x -> new Synced(sent.outcome(), existing)));
  }

  private Future<Synced> post(String channel, MessageFacts f, Instant now) {
    UUID id = UUID.fromString(f.requestId());
    return link(f, channel, now).compose(link -> {
      boolean isSlack = JobPlan.SLACK.equals(channel);
      Future<Sent> sent = isSlack ? slack.post(id, SlackMessages.message(f, link), null, null)
        : discord.post(id, DiscordMessages.message(f, link));
      return sent.compose(s -> {
        if (!s.outcome().ok()) {
          return Future.succeededFuture(new Synced(s.outcome(), null));
        }
        Map<String, Object> json = s.json() == null ? Map.of() : s.json();
        ChatStore.ChatMessage m;
        if (isSlack) {
          m = slack.bot()
            ? new ChatStore.ChatMessage(id, channel, "bot", text(json.get("channel")), text(json.get("ts")), null, null,
              f.stateKey())
            : new ChatStore.ChatMessage(id, channel, "webhook", null, null, null, null, f.stateKey());
        } else {
          m = new ChatStore.ChatMessage(id, channel, discord.bot() ? "bot" : "webhook", text(json.get("channel_id")),
            text(json.get("id")), null, null, f.stateKey());
        }
        return chat.saveMessage(pool, m, now).map(x -> new Synced(s.outcome(), m));
      });
    });
  }

  private Future<Sent> edit(String channel, MessageFacts f, ChatStore.ChatMessage m, Instant now) {
    if (JobPlan.SLACK.equals(channel)) {
      if (slack.canEdit(m)) {
        return link(f, channel, now).compose(link -> slack.update(m.approvalId(), m.destination(), m.messageRef(),
          SlackMessages.message(f, link)));
      }
      if (m.responseUrl() != null && m.responseUrlExpiresAt() != null && now.isBefore(m.responseUrlExpiresAt())) {
        return link(f, channel, now).compose(link -> slack.replaceOriginal(m.approvalId(), m.responseUrl(),
          SlackMessages.message(f, link)));
      }
      return slack.post(m.approvalId(), SlackMessages.notice(Notices.statusLine(f)), m.destination(), m.messageRef());
    }
    if (m.messageRef() != null) {
      return link(f, channel, now).compose(link -> discord.edit(m, DiscordMessages.message(f, link)));
    }
    return discord.post(m.approvalId(), DiscordMessages.notice(Notices.statusLine(f), null));
  }

  /** The people a request's escalation, warning and reminders are for: its policy's targets, resolved. */
  private EscalationTargets targets(Approval a) {
    Object t = a.policy() == null ? null : a.policy().get(PolicyKeys.ESCALATION_TARGETS);
    List<String> names = new ArrayList<>();
    if (t instanceof List) {
      ((List<?>) t).forEach(o -> names.add(String.valueOf(o)));
    } else {
      names.addAll(config.escalationTargets);
    }
    return EscalationTargets.resolve(names, config.chatIdentities);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> details(DeliveryStore.Job j) {
    Object d = j.payload() == null ? null : j.payload().get("details");
    return d instanceof Map ? (Map<String, Object>) d : Map.of();
  }

  private Future<Outcome> notice(String channel, String text, ChatStore.ChatMessage m) {
    return notice(channel, text, m, null);
  }

  private Future<Outcome> notice(String channel, String text, ChatStore.ChatMessage m, EscalationTargets targets) {
    UUID requestId = m == null ? null : m.approvalId();
    if (JobPlan.SLACK.equals(channel)) {
      return slack.post(requestId, SlackMessages.notice(text, targets), m == null ? null : m.destination(),
        m == null ? null : m.messageRef())
        .map(Sent::outcome);
    }
    String replyTo = m != null && "bot".equals(m.via()) ? m.messageRef() : null;
    return discord.post(requestId, DiscordMessages.notice(text, replyTo, targets)).map(Sent::outcome);
  }

  private Future<Outcome> standalone(DeliveryStore.Job job) {
    return notice(job.channel(), Notices.standalone(job.kind(), job.payload()), null);
  }

  @SuppressWarnings("unchecked")
  private Future<Outcome> webhook(DeliveryStore.Job job) {
    Object url = job.payload() == null ? null : job.payload().get("url");
    Object body = job.payload() == null ? null : job.payload().get("body");
    if (!(url instanceof String) || !(body instanceof Map)) {
      return Future.succeededFuture(Outcome.failed("webhook job " + job.id() + " has no url or body"));
    }
    if (config.webhookSecret == null) {
      return Future.succeededFuture(Outcome.failed("webhook: HITL_WEBHOOK_SECRET is not set"));
    }
    String what = "webhook " + host((String) url);
    Buffer bytes = Buffer.buffer(new JsonObject((Map<String, Object>) body).encode());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(WebhookSignature.HEADER, WebhookSignature.header(config.webhookSecret, now().getEpochSecond(),
      bytes.getBytes()));
    headers.put("X-Hitl-Event", job.kind());
    headers.put("X-Hitl-Delivery", String.valueOf(job.id()));
    return http.send(HttpMethod.POST, (String) url, headers, bytes)
      .map(r -> Outcome.http(what, r.status(), r.retryAfter(), r.body(), now()))
      .recover(t -> Future.succeededFuture(Outcome.transport(what, Http.problem(t))));
  }

  /**
   * An engine callback: the stored body plus `delivery_id` (the job id, also sent as Idempotency-Key so the
   * engine can drop a repeat after a lost answer), signed over the exact bytes sent.
   */
  @SuppressWarnings("unchecked")
  private Future<Outcome> callback(DeliveryStore.Job job) {
    Object url = job.payload() == null ? null : job.payload().get("url");
    Object body = job.payload() == null ? null : job.payload().get("body");
    if (!(url instanceof String) || !(body instanceof Map)) {
      return Future.succeededFuture(Outcome.failed("callback job " + job.id() + " has no url or body"));
    }
    if (config.callbackSecret == null) {
      return Future.succeededFuture(Outcome.failed("callback: HITL_CALLBACK_SECRET is not set"));
    }
    String what = "callback " + host((String) url);
    try {
      // the allowlist in force now, not the one at create, decides (a host removed since gets nothing)
      CallbackUrl.check(url, config.callbackAllowedHosts, config.callbackAllowHttp);
    } catch (GatewayException e) {
      return Future.succeededFuture(Outcome.failed(what + ": " + e.detail()));
    }
    String deliveryId = String.valueOf(job.id());
    Map<String, Object> signed = new LinkedHashMap<>((Map<String, Object>) body);
    signed.put("delivery_id", deliveryId);
    Buffer bytes = Buffer.buffer(new JsonObject(signed).encode());
    long ts = now().getEpochSecond();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(CallbackSignature.TIMESTAMP, String.valueOf(ts));
    headers.put(CallbackSignature.SIGNATURE, CallbackSignature.header(config.callbackSecret, ts, bytes.getBytes()));
    headers.put("X-HITL-Event", job.kind());
    headers.put("X-HITL-Delivery", deliveryId);
    headers.put("Idempotency-Key", "hitl-callback-" + deliveryId);
    return http.send(HttpMethod.POST, (String) url, headers, bytes)
      .map(r -> Outcome.http(what, r.status(), r.retryAfter(), r.body(), now()))
      .recover(t -> Future.succeededFuture(Outcome.transport(what, Http.problem(t))));
  }

  /** An email to HITL_EMAIL_RECIPIENTS: a new request, the chat-failure fallback, or a notice about no request. */
  private Future<Outcome> email(DeliveryStore.Job job) {
    if (mail == null || !config.emailConfigured()) {
      return Future.succeededFuture(Outcome.failed("email: HITL_SMTP_HOST or HITL_EMAIL_RECIPIENTS is not set"));
    }
    if (job.approvalId() == null) {
      return sendMail(EmailMessages.notice(Notices.standalone(job.kind(), job.payload())));
    }
    UUID id = job.approvalId();
    return approvals.find(pool, id).compose(a -> {
      if (a == null) {
        return Future.succeededFuture(Outcome.failed("request " + id + " does not exist"));
      }
      if (!a.integrityOk()) {
        return Future.succeededFuture(Outcome.failed("SEC-080: request " + id
          + " failed its integrity check; its content is not sent"));
      }
      MessageFacts facts = MessageFacts.of(Json.plainMap(ApprovalJson.approval(a, now()).getMap()));
      String console = config.publicUrl + DeepLinks.consoleLocation(id.toString());
      Map<String, Object> p = job.payload() == null ? Map.of() : job.payload();
      if (Notices.postsNotice(job.kind())) {
        return toTargets(job, a, facts, console);
      }
      return sendMail(EmailMessages.CHAT_FAILED.equals(job.kind())
        ? EmailMessages.chatFailed(facts, console, text(p.get("failed_channel")), text(p.get("error")))
        : EmailMessages.newRequest(facts, console));
    });
  }

  /**
   * An escalation, warning or reminder to the email addresses among the request's escalation targets (chat users
   * and groups are paged by the chat notices); a request whose targets hold no address has nobody to mail.
   */
  private Future<Outcome> toTargets(DeliveryStore.Job job, Approval a, MessageFacts facts, String console) {
    EscalationTargets targets = targets(a);
    if (targets.emails().isEmpty()) {
      return Future.succeededFuture(Outcome.delivered());
    }
    List<String> attention = new ArrayList<>(targets.emails());
    attention.addAll(targets.names());
    return sendMail(EmailMessages.forTargets(Notices.forRequest(job.kind(), facts, details(job)), attention, facts,
      console), targets.emails());
  }

  private Future<Outcome> sendMail(EmailMessages.Mail m) {
    return sendMail(m, config.emailRecipients);
  }

  private Future<Outcome> sendMail(EmailMessages.Mail m, List<String> to) {
    MailMessage msg = new MailMessage().setFrom(config.smtpFrom).setTo(to)
      .setSubject(m.subject()).setText(m.text()).setHtml(m.html());
    return mail.sendMail(msg).timeout(config.notifyHttpTimeoutMs, TimeUnit.MILLISECONDS)
      .map(r -> Outcome.delivered())
      .recover(t -> Future.succeededFuture(smtpOutcome(t)));
  }

  /** 5xx replies are permanent refusals; 4xx replies, refused connections and timeouts are worth retrying. */
  static Outcome smtpOutcome(Throwable t) {
    if (t instanceof SMTPException) {
      SMTPException e = (SMTPException) t;
      String reply = e.getReplyMessage() == null ? "" : e.getReplyMessage();
      String error = "email: SMTP " + (reply.startsWith(String.valueOf(e.getReplyCode())) ? reply
        : e.getReplyCode() + " " + reply);
      return e.isPermanent() ? Outcome.failed(error) : Outcome.retry(error);
    }
    return Outcome.transport("email", Http.problem(t));
  }

  /** A fresh one-time console link for a pending request (stored hashed before it is sent). */
  private Future<String> link(MessageFacts f, String channel, Instant now) {
    if (!f.pending()) {
      return Future.succeededFuture(null);
    }
    String token = DeepLinks.newToken();
    return chat.insertLink(pool, DeepLinks.hash(token), UUID.fromString(f.requestId()), channel,
        now.plusSeconds(config.deepLinkTtlSeconds), null, now)
      .map(x -> DeepLinks.url(config.publicUrl, token));
  }

  private Instant now() {
    return clock.instant();
  }

  private static Map<Long, Outcome> all(List<DeliveryStore.Job> jobs, Outcome o) {
    Map<Long, Outcome> m = new LinkedHashMap<>();
    jobs.forEach(j -> m.put(j.id(), o));
    return m;
  }

  private static String text(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  static String host(String url) {
    try {
      String h = URI.create(url).getHost();
      return h == null ? "(invalid URL)" : h;
    } catch (IllegalArgumentException e) {
      return "(invalid URL)";
    }
  }
}
