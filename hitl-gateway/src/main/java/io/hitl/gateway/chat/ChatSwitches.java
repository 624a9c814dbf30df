package io.hitl.gateway.chat;

import io.hitl.gateway.bus.Addresses;
import io.hitl.gateway.bus.BusActor;
import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.bus.Headers;
import io.hitl.gateway.config.GatewayConfig;
import io.hitl.gateway.core.Actor;
import io.hitl.gateway.core.ErrorCode;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Role;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.pretrade.Scope;
import io.hitl.gateway.core.pretrade.ScopedSwitch;
import io.hitl.gateway.core.pretrade.SwitchRequests;
import io.hitl.gateway.outbox.ChatText;
import io.hitl.gateway.store.DbFailures;
import io.hitl.gateway.store.SwitchConfirmationStore;
import io.hitl.gateway.store.SwitchConfirmationStore.Confirmation;
import io.hitl.gateway.store.SwitchStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scoped kill switches from Slack and Discord. A command never acts: an engage or release is stated back to its
 * asker with what it will do (scope, value, reason, how many pending trades it rejects now) and kept server-side for
 * {@link #CONFIRM_WITHIN}; only the asker's Confirm acts, once, through `hitl.switches.engage` / `release` as the
 * mapped operator (who must be in HITL_CHAT_ADMINS, and is then judged as an admin by the switch service), on
 * channel slack or discord. Every answer is a text for the asker alone; nothing here is kept in memory.
 */
final class ChatSwitches {
  private static final Logger LOG = LoggerFactory.getLogger(ChatSwitches.class);
  /** How long a confirmation can be used. */
  static final Duration CONFIRM_WITHIN = Duration.ofSeconds(120);
  /** An engage rejects every pending trade in scope in one transaction; the HTTP route allows it as long. */
  private static final long ENGAGE_TIMEOUT_MS = 120_000;
  private static final int LISTED = 20;
  private static final String CONFIRMED = "confirmed";
  private static final String CANCELLED = "cancelled";

  private final GatewayConfig config;
  private final Pool pool;
  private final Clock clock;
  private final EventBus bus;
  private final SwitchConfirmationStore confirmations = new SwitchConfirmationStore();
  private final SwitchStore switches = new SwitchStore();

  /** What the asker is told; {@code confirmation} is set when the answer asks for a Confirm / Cancel. */
  record Reply(String text, UUID confirmation, String confirmLabel, boolean done) {
    static Reply text(String text) {
      return new Reply(text, null, null, false);
    }

    static Reply done(String text) {
      return new Reply(text, null, null, true);
    }
  }

  ChatSwitches(GatewayConfig config, Pool pool, Clock clock, EventBus bus) {
    this.config = config;
    this.pool = pool;
    this.clock = clock;
    this.bus = bus;
  }

  /** A command as typed: {@code command} null with {@code problem} when it could not be read. */
  Future<Reply> ask(String platform, String chatUser, SwitchCommand command, String problem, String corr) {
    String operator = config.chatIdentities.operator(platform, chatUser);
    if (operator == null) {
      LOG.warn("SEC-090 refused a {} kill-switch command by unmapped user {}", platform, chatUser);
      return Future.succeededFuture(Reply.text(unmapped(platform, chatUser)));
    }
    if (command == null) {
      return Future.succeededFuture(Reply.text("⛔ Not understood: " + problem + " (SEC-010). Nothing was changed.\n"
        + SwitchCommand.USAGE));
    }
    switch (command.verb()) {
      case HELP:
        return Future.succeededFuture(Reply.text(SwitchCommand.USAGE + "\nEngaging or releasing asks you to confirm "
          + "first; only operators in HITL_CHAT_ADMINS may."));
      case LIST:
        return list(operator, platform, corr);
      default:
        break;
    }
    if (!config.chatAdmins.contains(operator)) {
      LOG.warn("SEC-002 refused a {} kill-switch {} by {} ({}:{}): not in HITL_CHAT_ADMINS", platform,
        command.verb(), operator, platform, chatUser);
      return Future.succeededFuture(Reply.text("⛔ Not allowed: " + operator + " may not engage or release kill "
        + "switches from chat (an admin in HITL_CHAT_ADMINS may) (SEC-002). Nothing was changed."));
    }
    Instant now = Times.micros(clock.instant());
    Future<Reply> asked = command.verb() == SwitchCommand.Verb.ENGAGE
      ? askEngage(platform, chatUser, operator, command, now)
      : askRelease(platform, chatUser, operator, command, now);
    return asked.recover(t -> Future.succeededFuture(Reply.text(refusal(DbFailures.of(t)))));
  }

  private Future<Reply> askEngage(String platform, String chatUser, String operator, SwitchCommand c, Instant now) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("scope", c.scope().json());
    body.put("value", c.value());
    body.put("reason", c.reason());
    ScopedSwitch s;
    try {
      s = SwitchRequests.engage(body, operator, now);
    } catch (GatewayException e) {
      return Future.succeededFuture(Reply.text(refusal(e)));
    }
    Scope scope = s.scope();
    return switches.engagedOn(pool, scope).compose(existing -> {
      if (existing != null) {
        return Future.succeededFuture(Reply.text("ℹ️ " + scope.label() + " is already stopped by kill switch "
          + existing.id() + " (engaged by " + existing.setBy() + " at " + ChatText.utc(existing.setAt()) + ": "
          + existing.reason() + "). Nothing was changed."));
      }
      return confirmations.pendingInScope(pool, scope.kind().contextKey(), scope.value()).compose(pending -> {
        Confirmation k = new Confirmation(UUID.randomUUID(), platform, chatUser, operator, "engage",
          scope.kind().json(), scope.value(), null, s.reason(), now, now.plus(CONFIRM_WITHIN), null, null);
        return confirmations.insert(pool, k).map(x -> new Reply("⚠️ Confirm: engage a kill switch on "
          + scope.label() + " as " + operator + ", reason: " + s.reason() + ".\nIt rejects the " + pending
          + " pending trade(s) in this scope now and refuses every new one in it until an admin releases it.\n"
          + expiry(k), k.id(), "Engage", false));
      });
    });
  }

  private Future<Reply> askRelease(String platform, String chatUser, String operator, SwitchCommand c, Instant now) {
    Map<String, String> errors = new HashMap<>();
    String reason = SwitchRequests.reason(c.reason(), false, errors);
    if (!errors.isEmpty()) {
      return Future.succeededFuture(Reply.text(refusal(GatewayException.invalid(errors))));
    }
    return switches.byId(pool, c.switchId()).compose(s -> {
      if (s == null) {
        return Future.succeededFuture(Reply.text(refusal(new GatewayException(
          ErrorCode.SEC_011, "No kill switch " + c.switchId()))));
      }
      if (!s.engaged()) {
        return Future.succeededFuture(Reply.text(refusal(new GatewayException(ErrorCode.SEC_030,
          "Kill switch " + s.id() + " on " + s.scope().label() + " was already released at "
            + ChatText.utc(s.liftedAt()) + " by " + s.liftedBy()))));
      }
      Confirmation k = new Confirmation(UUID.randomUUID(), platform, chatUser, operator, "release",
        s.scope().kind().json(), s.scope().value(), s.id(), reason, now, now.plus(CONFIRM_WITHIN), null, null);
      return confirmations.insert(pool, k).map(x -> new Reply("⚠️ Confirm: release kill switch " + s.id() + " on "
        + s.scope().label() + " as " + operator + (reason == null ? "" : ", reason: " + reason) + ".\nIt was engaged by "
        + s.setBy() + " at " + ChatText.utc(s.setAt()) + ": " + s.reason() + ". Once released, new trades in this "
        + "scope are accepted again.\n" + expiry(k), k.id(), "Release", false));
    });
  }

  /** The asker's Confirm: spends the confirmation and acts through the switch service, as the mapped operator. */
  Future<Reply> confirm(String platform, String chatUser, String confirmation, String corr) {
    return spend(platform, chatUser, confirmation, CONFIRMED).compose(k -> {
      if (k.text() != null) {
        return Future.succeededFuture(k.text());
      }
      Confirmation c = k.row();
      String operator = config.chatIdentities.operator(platform, chatUser);
      if (!c.operator().equals(operator)) {
        return Future.succeededFuture(Reply.text(unmapped(platform, chatUser)));
      }
      Actor actor = new Actor(operator, config.chatAdmins.contains(operator) ? EnumSet.of(Role.ADMIN)
        : EnumSet.of(Role.APPROVER));
      DeliveryOptions o = BusActor.options(actor, corr).addHeader(Headers.CHANNEL, platform)
        .addHeader(Headers.CHAT_USER, platform + ":" + chatUser).setSendTimeout(ENGAGE_TIMEOUT_MS);
      Future<Reply> acted = c.engage()
        ? bus.<JsonObject>request(Addresses.SWITCHES_ENGAGE, new JsonObject().put("scope", c.scope())
          .put("value", c.value()).put("reason", c.reason()), o).map(m -> engaged(m.body()))
        : bus.<JsonObject>request(Addresses.SWITCHES_RELEASE, new JsonObject().put("id", c.switchId().toString())
          .put("reason", c.reason()), o).map(m -> Reply.done("✅ Kill switch " + c.switchId() + " on "
            + m.body().getString("scope") + " " + m.body().getString("value") + " released by " + operator
            + ". New trades in this scope are accepted again."));
      return acted.recover(t -> Future.succeededFuture(Reply.text(refusal(BusErrors.decode(t)))));
    });
  }

  /** The asker's Cancel: spends the confirmation so that nothing can act on it any more. */
  Future<Reply> cancel(String platform, String chatUser, String confirmation) {
    return spend(platform, chatUser, confirmation, CANCELLED).map(k -> k.text() != null ? k.text()
      : Reply.done("Cancelled: the kill switch on " + k.row().scope() + " " + k.row().value()
        + " was not " + (k.row().engage() ? "engaged" : "released") + ". Nothing was changed."));
  }

  private record Spent(Confirmation row, Reply text) {
  }

  /** The confirmation spent for this chat user, or why it cannot be (unknown, someone else's, used, expired). */
  private Future<Spent> spend(String platform, String chatUser, String confirmation, String outcome) {
    UUID id = uuid(confirmation);
    if (id == null) {
      return Future.succeededFuture(new Spent(null, Reply.text(unknown())));
    }
    if (config.chatIdentities.operator(platform, chatUser) == null) {
      LOG.warn("SEC-090 refused a {} kill-switch confirmation by unmapped user {}", platform, chatUser);
      return Future.succeededFuture(new Spent(null, Reply.text(unmapped(platform, chatUser))));
    }
    Instant now = Times.micros(clock.instant());
    return confirmations.spend(pool, id, platform, chatUser, now, outcome).compose(row -> row != null
      ? Future.succeededFuture(new Spent(row, null))
      : confirmations.find(pool, id).map(found -> new Spent(null, Reply.text(notSpent(found, platform, chatUser,
        now)))))
      .recover(t -> Future.succeededFuture(new Spent(null, Reply.text(refusal(DbFailures.of(t))))));
  }

  private static String notSpent(Confirmation found, String platform, String chatUser, Instant now) {
    if (found == null) {
      return unknown();
    }
    if (!found.platform().equals(platform) || !found.chatUser().equals(chatUser)) {
      LOG.warn("SEC-002 refused {}:{} confirming a kill-switch change asked by {}:{}", platform, chatUser,
        found.platform(), found.chatUser());
      return "⛔ Not allowed: only the person who asked for this kill-switch change can confirm it (SEC-002). "
        + "Nothing was changed.";
    }
    if (found.usedAt() != null) {
      return "ℹ️ This confirmation was already used (" + found.outcome() + " at " + ChatText.utc(found.usedAt())
        + ") (SEC-030). Nothing more was changed.";
    }
    return "⌛ Too late: this confirmation expired at " + ChatText.utc(found.expiresAt()) + "; ask again (SEC-013). "
      + "Nothing was changed.";
  }

  private Future<Reply> list(String operator, String platform, String corr) {
    DeliveryOptions o = BusActor.options(new Actor(operator, EnumSet.of(Role.VIEWER)), corr)
      .addHeader(Headers.CHANNEL, platform);
    return bus.<JsonObject>request(Addresses.SWITCHES_LIST, new JsonObject().put("history", false), o).map(m -> {
      JsonArray items = m.body().getJsonArray("items", new JsonArray());
      if (items.isEmpty()) {
        return Reply.text("No kill switch is engaged.");
      }
      StringBuilder b = new StringBuilder(items.size() + " kill switch(es) engaged:");
      for (int i = 0; i < Math.min(LISTED, items.size()); i++) {
        JsonObject s = items.getJsonObject(i);
        b.append("\n• ").append(s.getString("scope")).append(' ').append(s.getString("value")).append(" — id ")
          .append(s.getString("id")).append(", by ").append(s.getString("set_by")).append(" at ")
          .append(s.getString("set_at")).append(": ").append(s.getString("reason"));
      }
      if (items.size() > LISTED) {
        b.append("\n… and ").append(items.size() - LISTED).append(" more (see the console)");
      }
      return Reply.text(b.toString());
    }).recover(t -> Future.succeededFuture(Reply.text(refusal(BusErrors.decode(t)))));
  }

  private static Reply engaged(JsonObject s) {
    String label = s.getString("scope") + " " + s.getString("value");
    if (!s.getBoolean("engaged", false)) {
      return Reply.done("ℹ️ " + label + " was already stopped by kill switch " + s.getString("id") + " (engaged by "
        + s.getString("set_by") + " at " + s.getString("set_at") + "). Nothing was changed.");
    }
    return Reply.done("🛑 Kill switch engaged on " + label + " by " + s.getString("set_by") + ": "
      + s.getLong("rejected", 0L) + " pending trade(s) rejected; new trades in this scope are refused. Switch id "
      + s.getString("id") + " (release with /" + SwitchCommand.NAME + " release " + s.getString("id") + ").");
  }

  private static String expiry(Confirmation k) {
    return "Only you can confirm, once, until " + ChatText.utc(k.expiresAt()) + " ("
      + CONFIRM_WITHIN.toSeconds() + " s).";
  }

  private static UUID uuid(String s) {
    try {
      UUID id = UUID.fromString(s == null ? "" : s);
      return id.toString().equalsIgnoreCase(s) ? id : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String unknown() {
    return "❓ This confirmation is not one this gateway issued (SEC-011). Nothing was changed.";
  }

  private static String unmapped(String platform, String userId) {
    return "⛔ Not allowed: your " + ChatText.channel(platform) + " user " + userId
      + " is not mapped to a HITL operator (SEC-090). Nothing was changed.";
  }

  private static String refusal(GatewayException g) {
    StringBuilder b = new StringBuilder("⛔ Not done: ").append(g.detail());
    Object errors = g.extensions().get("errors");
    if (errors instanceof Map && !((Map<?, ?>) errors).isEmpty()) {
      ((Map<?, ?>) errors).forEach((k, v) -> b.append("; ").append(k).append(' ').append(v));
    }
    return b.append(" (").append(g.code().code()).append("). Nothing was changed.").toString();
  }
}
