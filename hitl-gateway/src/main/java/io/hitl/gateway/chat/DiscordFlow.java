package io.hitl.gateway.chat;

import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.core.ChatIdentities;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.outbox.DiscordMessages;
import io.hitl.gateway.outbox.MessageFacts;
import io.hitl.gateway.store.Json;
import io.vertx.core.Future;

/**
 * Discord clicks and reject-modal submissions are answered with the decided message (type 7) or a private
 * reply (type 4); "Reject with reason…" with the modal (type 9). When the decision outlasts the deadline,
 * with a deferred update (type 6) and the answer as an interaction follow-up.
 */
final class DiscordFlow implements ChatFlow<DiscordInteraction> {
  private final ChatService service;
  private final FollowUps followUps;

  DiscordFlow(ChatService service, FollowUps followUps) {
    this.service = service;
    this.followUps = followUps;
  }

  @Override
  public Future<ChatAnswer> handle(DiscordInteraction in, String corr) {
    if (in.type() == DiscordInteraction.PING) {
      return Future.succeededFuture(ChatAnswer.json(DiscordMessages.pong()));
    }
    boolean click = in.type() == DiscordInteraction.MESSAGE_COMPONENT;
    boolean submit = in.type() == DiscordInteraction.MODAL_SUBMIT;
    if (!(click || submit) || in.action() == null || (submit && !in.action().decides())) {
      return Future.succeededFuture(ChatAnswer.json(DiscordMessages.ephemeral(ChatReplies.notHandled())));
    }
    String operator = service.operator(ChatIdentities.DISCORD, in.userId());
    if (operator == null) {
      return service.auditUnmapped(in.action(), ChatIdentities.DISCORD, in.userId(), corr).transform(x ->
        Future.succeededFuture(ephemeral(ChatReplies.unmapped(ChatIdentities.DISCORD, in.userId()))));
    }
    if (!in.action().decides()) {
      return Future.succeededFuture(ChatAnswer.json(DiscordMessages.rejectModal(in.action().requestId().toString())));
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

  @Override
  public ChatAnswer deferred(DiscordInteraction in) {
    return ChatAnswer.json(in.type() == DiscordInteraction.PING ? DiscordMessages.pong()
      : DiscordMessages.deferredUpdate());
  }

  @Override
  public void late(DiscordInteraction in, ChatAnswer answer) {
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
