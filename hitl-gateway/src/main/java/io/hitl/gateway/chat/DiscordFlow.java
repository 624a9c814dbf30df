package io.hitl.gateway.chat;

import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.core.ChatAction;
import io.hitl.gateway.core.ChatIdentities;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.outbox.DiscordMessages;
import io.hitl.gateway.outbox.MessageFacts;
import io.hitl.gateway.store.Json;
import io.vertx.core.Future;
import java.util.Map;

/**
 * Discord clicks and reject-modal submissions are answered with the decided message (type 7) or a private
 * reply (type 4); "Reject with reason…" with the modal (type 9). When the decision outlasts the deadline,
 * with a deferred update (type 6) and the answer as an interaction follow-up.
 */
final class DiscordFlow implements ChatFlow<DiscordInteraction> {
  private final ChatService service;
  private final ChatSwitches switches;
  private final FollowUps followUps;

  DiscordFlow(ChatService service, ChatSwitches switches, FollowUps followUps) {
    this.service = service;
    this.switches = switches;
    this.followUps = followUps;
  }

  @Override
  public Future<ChatAnswer> handle(DiscordInteraction in, String corr) {
    if (in.type() == DiscordInteraction.PING) {
      return Future.succeededFuture(ChatAnswer.json(DiscordMessages.pong()));
    }
    if (in.type() == DiscordInteraction.APPLICATION_COMMAND) {
      return command(in, corr);
    }
    boolean click = in.type() == DiscordInteraction.MESSAGE_COMPONENT;
    if (click && in.customId() != null && (in.customId().startsWith(SwitchMessages.DISCORD_CONFIRM)
        || in.customId().startsWith(SwitchMessages.DISCORD_CANCEL))) {
      return switchClicked(in, corr);
    }
    boolean submit = in.type() == DiscordInteraction.MODAL_SUBMIT;
    boolean edited = submit && in.action() != null && ChatAction.APPROVE_WITH_EDITS.equals(in.action().decision());
    if (!(click || submit) || in.action() == null || (submit && !in.action().decides() && !edited)) {
      return Future.succeededFuture(ChatAnswer.json(DiscordMessages.ephemeral(ChatReplies.notHandled())));
    }
    String operator = service.operator(ChatIdentities.DISCORD, in.userId());
    if (operator == null) {
      return service.auditUnmapped(in.action(), ChatIdentities.DISCORD, in.userId(), corr).transform(x ->
        Future.succeededFuture(ephemeral(ChatReplies.unmapped(ChatIdentities.DISCORD, in.userId()))));
    }
    if (edited) {
      return approveWithEdits(in, operator, corr);
    }
    switch (in.action().decision()) {
      case ChatAction.REJECT_WITH_REASON:
        return Future.succeededFuture(ChatAnswer.json(DiscordMessages.rejectModal(in.action().requestId().toString())));
      case ChatAction.APPROVE_WITH_EDITS:
        return service.request(in.action().requestId())
          .map(a -> ChatAnswer.json(DiscordMessages.editModal(ChatEdits.form(a))))
          .recover(t -> Future.succeededFuture(refused(in, BusErrors.decode(t))));
      case ChatAction.ACKNOWLEDGE:
        return service.acknowledge(operator, in.action(), ChatIdentities.DISCORD, corr).map(DiscordFlow::ephemeral)
          .recover(t -> Future.succeededFuture(refused(in, BusErrors.decode(t))));
      case ChatAction.RE_REQUEST:
        return service.reRequest(operator, in.action(), ChatIdentities.DISCORD, corr)
          .map(view -> ephemeral(ChatReplies.reRequested(view.getString("title"), view.getString("request_id"))))
          .recover(t -> Future.succeededFuture(refused(in, BusErrors.decode(t))));
      default:
        break;
    }
    if (submit && (in.reason() == null || in.reason().isBlank())) {
      return Future.succeededFuture(ephemeral("A reason is required (SEC-010). Nothing was decided."));
    }
    String reason = submit ? in.reason().strip() : null;
    return service.decide(operator, in.action(), reason, ChatIdentities.DISCORD, corr).map(view -> {
      MessageFacts f = MessageFacts.of(Json.plainMap(view));
      return f.pending() ? ephemeral(ChatReplies.counted(f.title())) : ChatAnswer.json(DiscordMessages.updateResponse(f));
    }).recover(t -> Future.succeededFuture(refused(in, BusErrors.decode(t))));
  }

  /** `/hitl-switch <subcommand>`: answered privately with the confirmation and its buttons, or why not. */
  private Future<ChatAnswer> command(DiscordInteraction in, String corr) {
    if (!SwitchCommand.NAME.equals(in.commandName())) {
      return Future.succeededFuture(ephemeral("The command " + in.commandName() + " is not handled by HITL Gateway."));
    }
    SwitchCommand command;
    String problem = null;
    try {
      command = SwitchCommand.of(in.subcommand(), in.options());
    } catch (IllegalArgumentException e) {
      command = null;
      problem = e.getMessage();
    }
    return switches.ask(ChatIdentities.DISCORD, in.userId(), command, problem, corr)
      .map(r -> ChatAnswer.json(SwitchMessages.discord(r)));
  }

  /** Confirm or Cancel under a kill-switch confirmation: the confirmation becomes the outcome, or a refusal is added. */
  private Future<ChatAnswer> switchClicked(DiscordInteraction in, String corr) {
    boolean confirm = in.customId().startsWith(SwitchMessages.DISCORD_CONFIRM);
    String id = in.customId().substring((confirm ? SwitchMessages.DISCORD_CONFIRM : SwitchMessages.DISCORD_CANCEL)
      .length());
    Future<ChatSwitches.Reply> r = confirm ? switches.confirm(ChatIdentities.DISCORD, in.userId(), id, corr)
      : switches.cancel(ChatIdentities.DISCORD, in.userId(), id);
    return r.map(reply -> ChatAnswer.json(SwitchMessages.discordOutcome(reply)));
  }

  /**
   * The edit form submitted: the changed values are judged by the edit rules and, if they pass, approved with
   * through the decision path; the answer is the decided message (showing the changes) or, privately, why not.
   */
  private Future<ChatAnswer> approveWithEdits(DiscordInteraction in, String operator, String corr) {
    return service.request(in.action().requestId())
      .compose(a -> {
        ChatEdits.Reviewed r = ChatEdits.review(a, in.inputs());
        return service.approveWithEdits(operator, a.id(), r.edits(), null, ChatIdentities.DISCORD, corr);
      })
      .map(view -> {
        MessageFacts f = MessageFacts.of(Json.plainMap(view));
        return f.pending() ? ephemeral(ChatReplies.counted(f.title())) : ChatAnswer.json(DiscordMessages.updateResponse(f));
      })
      .recover(t -> {
        GatewayException g = BusErrors.decode(t);
        Object errors = g.extensions().get("errors");
        if (!(errors instanceof Map) || ((Map<?, ?>) errors).isEmpty()) {
          return Future.succeededFuture(refused(in, g));
        }
        StringBuilder b = new StringBuilder("⛔ Not approved; nothing was changed (" + g.code().code() + "):");
        ChatEdits.fieldErrors(g, "edits", g.detail()).forEach((k, v) -> b.append("\n• ").append(k).append(": ")
          .append(v));
        return Future.succeededFuture(ephemeral(b.toString()));
      });
  }

  @Override
  public ChatAnswer deferred(DiscordInteraction in) {
    if (in.type() == DiscordInteraction.APPLICATION_COMMAND) {
      return ChatAnswer.json(SwitchMessages.discordDeferred());
    }
    return ChatAnswer.json(in.type() == DiscordInteraction.PING ? DiscordMessages.pong()
      : DiscordMessages.deferredUpdate());
  }

  @Override
  public void late(DiscordInteraction in, ChatAnswer answer) {
    if (in.type() == DiscordInteraction.APPLICATION_COMMAND && answer.json() != null) {
      // the deferred answer is the asker's "thinking…" message: the answer edits it rather than adding another
      followUps.discord(in.applicationId(), in.token(), Map.of("type", DiscordMessages.UPDATE_MESSAGE, "data",
        answer.json().get("data")));
      return;
    }
    followUps.discord(in.applicationId(), in.token(), answer.json());
  }

  @Override
  public ChatAnswer refused(DiscordInteraction in, GatewayException e) {
    return ephemeral(ChatReplies.refusal(e.code().code(), e.detail()));
  }

  private static ChatAnswer ephemeral(String text) {
    return ChatAnswer.json(DiscordMessages.ephemeral(text));
  }
}
