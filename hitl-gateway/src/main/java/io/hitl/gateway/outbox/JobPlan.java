package io.hitl.gateway.outbox;

import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.store.OutboxStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Which outbox jobs an event makes, written in the transaction of the change it announces (SPEC I3). The
 * channel set is HITL_NOTIFY_CHANNELS (default: every configured channel); a request may narrow it with
 * `context.notify_channels` ("slack", "discord", "both", "webhook", "none" or a list of them), choosing
 * among the configured channels only. Chat jobs name the request; the notifier renders its current state
 * when sending, so several jobs for one message collapse into one send. Webhook jobs carry the event as
 * it was, one job per URL so each receiver retries on its own.
 */
public final class JobPlan {
  public static final String SLACK = "slack";
  public static final String DISCORD = "discord";
  public static final String WEBHOOK = "webhook";
  /**
   * Email goes out for new requests (to HITL_EMAIL_RECIPIENTS), for escalations, deadline warnings and reminders
   * (to the email addresses among the request's escalation targets) and, from the notifier, as the chat-failure
   * fallback.
   */
  public static final String EMAIL = "email";
  private static final Set<String> EMAIL_EVENTS = Set.of("created", "escalated", "reminder");
  public static final String CONTEXT_KEY = "notify_channels";

  private final List<String> channels;
  private final List<String> webhookUrls;

  public JobPlan(List<String> channels, List<String> webhookUrls) {
    this.channels = List.copyOf(channels);
    this.webhookUrls = List.copyOf(webhookUrls);
  }

  public static JobPlan of(GatewayConfig config) {
    return new JobPlan(config.notifyChannels, config.webhookUrls);
  }

  public List<String> channels() {
    return channels;
  }

  /**
   * Jobs for one event of a request. {@code view} is the request's JSON view as the event carries it
   * (ApprovalJson, as plain maps); {@code at} the ISO time of the event.
   */
  public List<OutboxStore.Job> jobs(String event, String action, String actor, String at, String correlationId,
      Map<String, Object> view) {
    List<OutboxStore.Job> jobs = new ArrayList<>();
    UUID id = UUID.fromString(String.valueOf(view.get("request_id")));
    for (String channel : channelsFor(view.get("context"))) {
      if (channel.equals(EMAIL) && !EMAIL_EVENTS.contains(event)) {
        continue;
      }
      if (channel.equals(WEBHOOK)) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event", event);
        body.put("action", action);
        body.put("actor", actor);
        body.put("at", at);
        body.put("correlation_id", correlationId);
        body.put("approval", view);
        for (String url : webhookUrls) {
          jobs.add(new OutboxStore.Job(id, WEBHOOK, event, webhookPayload(url, body)));
        }
      } else {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("event", event);
        payload.put("action", action);
        payload.put("request_id", id.toString());
        payload.put("status", view.get("status"));
        payload.put("actor", actor);
        jobs.add(new OutboxStore.Job(id, channel, event, payload));
      }
    }
    return jobs;
  }

  /**
   * Notice jobs about no single request (e.g. kind "guardian.locked"): one per configured channel. Callers
   * insert them with OutboxStore in the transaction of the change they announce.
   */
  public List<OutboxStore.Job> notices(String kind, String text, String at, Map<String, Object> details) {
    List<OutboxStore.Job> jobs = new ArrayList<>();
    for (String channel : channels) {
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("event", kind);
      payload.put("text", text);
      payload.put("at", at);
      payload.put("details", details);
      if (channel.equals(WEBHOOK)) {
        for (String url : webhookUrls) {
          jobs.add(new OutboxStore.Job(null, WEBHOOK, kind, webhookPayload(url, payload)));
        }
      } else {
        jobs.add(new OutboxStore.Job(null, channel, kind, payload));
      }
    }
    return jobs;
  }

  /** The configured channels, narrowed by the request's `notify_channels` when it names any of them. */
  @SuppressWarnings("unchecked")
  List<String> channelsFor(Object context) {
    Object wish = context instanceof Map ? ((Map<String, Object>) context).get(CONTEXT_KEY) : null;
    if (wish == null) {
      return channels;
    }
    List<Object> names = wish instanceof List ? (List<Object>) wish : List.of(String.valueOf(wish).split(","));
    Set<String> wanted = new LinkedHashSet<>();
    for (Object n : names) {
      String s = String.valueOf(n).trim().toLowerCase(Locale.ROOT);
      if (s.equals("none")) {
        return List.of();
      }
      if (s.equals("both")) {
        wanted.add(SLACK);
        wanted.add(DISCORD);
      } else {
        wanted.add(s);
      }
    }
    List<String> chosen = new ArrayList<>();
    for (String c : channels) {
      if (wanted.contains(c)) {
        chosen.add(c);
      }
    }
    return chosen.isEmpty() ? channels : chosen;
  }

  private static Map<String, Object> webhookPayload(String url, Map<String, Object> body) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("url", url);
    p.put("body", body);
    return p;
  }
}
