package io.hitl.gateway.chat;

import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.core.ChatIdentities;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.outbox.JobPlan;
import io.hitl.gateway.outbox.SlackMessages;
import io.vertx.core.Future;

/**
 * Slack clicks: Slack gets its empty 200 once the message's whereabouts are recorded (or when the deadline
 * comes first); the decision follows, and a click that did not decide is told privately by `response_url`.
 */
final class SlackFlow implements ChatFlow<SlackInteraction> {
  private final ChatService service;
  private final FollowUps followUps;

  SlackFlow(ChatService service, FollowUps followUps) {
    this.service = service;
    this.followUps = followUps;
  }

  @Override
  public Future<ChatAnswer> handle(SlackInteraction in, String corr) {
    if (SlackInteraction.VIEW_SUBMISSION.equals(in.type()) && in.action() != null) {
      return submitted(in, corr);
    }
    if (!SlackInteraction.BLOCK_ACTIONS.equals(in.type()) || in.action() == null) {
      return Future.succeededFuture(ChatAnswer.empty());
    }
    String responseUrl = followUps.trustedResponseUrl(in.responseUrl());
    if (!in.action().decides()) {
      return openRejectModal(in, responseUrl, corr);
    }
    return service.recordClick(in.action(), JobPlan.SLACK, in.channelId(), in.messageTs(), responseUrl)
      .transform(x -> {
        decide(in, responseUrl, corr);
        return Future.succeededFuture(ChatAnswer.empty());
      });
  }

  @Override
  public ChatAnswer deferred(SlackInteraction in) {
    return ChatAnswer.empty();
  }

  @Override
  public void late(SlackInteraction in, ChatAnswer answer) {
    if (answer.json() != null) {
      followUps.slack(followUps.trustedResponseUrl(in.responseUrl()), answer.json());
    }
  }

  @Override
  public ChatAnswer refused(SlackInteraction in, GatewayException e) {
    return ChatAnswer.json(SlackMessages.ephemeral(ChatReplies.refusal(e.code().code(), e.detail())));
  }

  /** "Reject with reason…": the modal opens with the click's trigger_id; anything in the way is told privately. */
  private Future<ChatAnswer> openRejectModal(SlackInteraction in, String responseUrl, String corr) {
    String operator = service.operator(ChatIdentities.SLACK, in.userId());
    if (operator == null) {
      return service.auditUnmapped(in.action(), ChatIdentities.SLACK, in.userId(), corr).transform(x -> {
        followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.unmapped(ChatIdentities.SLACK, in.userId())));
        return Future.succeededFuture(ChatAnswer.empty());
      });
    }
    String id = in.action().requestId().toString();
    return service.title(in.action().requestId())
      .compose(title -> followUps.slackViewsOpen(SlackMessages.rejectModal(in.triggerId(), id, title)))
      .transform(ar -> {
        if (ar.failed()) {
          GatewayException g = BusErrors.decode(ar.cause());
          followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.refusal(g.code().code(), g.detail())));
        }
        return Future.succeededFuture(ChatAnswer.empty());
      });
  }

  /**
   * The reject modal submitted: decided like a click, with its reason. A refusal keeps the modal open and
   * says why in the reason field; success closes it (the outbox edits the message).
   */
  private Future<ChatAnswer> submitted(SlackInteraction in, String corr) {
    String operator = service.operator(ChatIdentities.SLACK, in.userId());
    if (operator == null) {
      return service.auditUnmapped(in.action(), ChatIdentities.SLACK, in.userId(), corr).transform(x ->
        Future.succeededFuture(ChatAnswer.json(SlackMessages.modalErrors(
          ChatReplies.unmapped(ChatIdentities.SLACK, in.userId())))));
    }
    if (in.reason() == null || in.reason().isBlank()) {
      return Future.succeededFuture(ChatAnswer.json(SlackMessages.modalErrors("A reason is required (SEC-010).")));
    }
    return service.decide(operator, in.action(), in.reason().strip(), ChatIdentities.SLACK, corr)
      .map(view -> ChatAnswer.empty())
      .recover(t -> Future.succeededFuture(refusedInModal(BusErrors.decode(t))));
  }

  private static ChatAnswer refusedInModal(GatewayException g) {
    return ChatAnswer.json(SlackMessages.modalErrors(ChatReplies.refusal(g.code().code(), g.detail())));
  }

  /** After Slack has its acknowledgement: decide, and tell the clicker privately if it did not decide. */
  private void decide(SlackInteraction in, String responseUrl, String corr) {
    String operator = service.operator(ChatIdentities.SLACK, in.userId());
    if (operator == null) {
      service.auditUnmapped(in.action(), ChatIdentities.SLACK, in.userId(), corr).onComplete(x ->
        followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.unmapped(ChatIdentities.SLACK, in.userId()))));
      return;
    }
    service.decide(operator, in.action(), ChatIdentities.SLACK, corr).onSuccess(view -> {
      if ("pending".equals(view.getString("status"))) {
        followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.counted(view.getString("title"))));
      }
    }).onFailure(t -> {
      GatewayException g = BusErrors.decode(t);
      followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.refusal(g.code().code(), g.detail())));
    });
  }
}
