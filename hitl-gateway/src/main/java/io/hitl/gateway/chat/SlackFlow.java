package io.hitl.gateway.chat;

import io.hitl.gateway.bus.BusErrors;
import io.hitl.gateway.core.ChatAction;
import io.hitl.gateway.core.ChatIdentities;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.outbox.JobPlan;
import io.hitl.gateway.outbox.SlackMessages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slack clicks: Slack gets its empty 200 once the message's whereabouts are recorded (or when the deadline
 * comes first); the decision follows, and a click that did not decide is told privately by `response_url`.
 */
final class SlackFlow implements ChatFlow<SlackInteraction> {
  private final ChatService service;
  private final ChatSwitches switches;
  private final FollowUps followUps;

  SlackFlow(ChatService service, ChatSwitches switches, FollowUps followUps) {
    this.service = service;
    this.switches = switches;
    this.followUps = followUps;
  }

  @Override
  public Future<ChatAnswer> handle(SlackInteraction in, String corr) {
    if (SlackInteraction.VIEW_SUBMISSION.equals(in.type()) && in.action() != null) {
      if (SlackMessages.EDIT_MODAL.equals(in.callbackId())) {
        return editSubmitted(in, corr);
      }
      if (SlackMessages.EDIT_REVIEW.equals(in.callbackId())) {
        return reviewSubmitted(in, corr);
      }
      return submitted(in, corr);
    }
    if (SlackInteraction.BLOCK_ACTIONS.equals(in.type()) && (SwitchMessages.SLACK_CONFIRM.equals(in.actionId())
        || SwitchMessages.SLACK_CANCEL.equals(in.actionId()))) {
      return switchClicked(in, corr);
    }
    if (!SlackInteraction.BLOCK_ACTIONS.equals(in.type()) || in.action() == null) {
      return Future.succeededFuture(ChatAnswer.empty());
    }
    String responseUrl = followUps.trustedResponseUrl(in.responseUrl());
    switch (in.action().decision()) {
      case ChatAction.REJECT_WITH_REASON:
        return openRejectModal(in, responseUrl, corr);
      case ChatAction.APPROVE_WITH_EDITS:
        return openEditModal(in, responseUrl, corr);
      case ChatAction.RE_REQUEST:
        reRequest(in, responseUrl, corr);
        return Future.succeededFuture(ChatAnswer.empty());
      default:
        return service.recordClick(in.action(), JobPlan.SLACK, in.channelId(), in.messageTs(), responseUrl)
          .transform(x -> {
            if (ChatAction.ACKNOWLEDGE.equals(in.action().decision())) {
              acknowledge(in, responseUrl, corr);
            } else {
              decide(in, responseUrl, corr);
            }
            return Future.succeededFuture(ChatAnswer.empty());
          });
    }
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

  /**
   * Confirm or Cancel under a kill-switch confirmation: Slack gets its empty 200 when it is done, and the asker the
   * outcome through the response_url (replacing the confirmation), or why nothing was done (below it).
   */
  private Future<ChatAnswer> switchClicked(SlackInteraction in, String corr) {
    String responseUrl = followUps.trustedResponseUrl(in.responseUrl());
    Future<ChatSwitches.Reply> r = SwitchMessages.SLACK_CONFIRM.equals(in.actionId())
      ? switches.confirm(ChatIdentities.SLACK, in.userId(), in.actionValue(), corr)
      : switches.cancel(ChatIdentities.SLACK, in.userId(), in.actionValue());
    return r.map(reply -> {
      followUps.slack(responseUrl, SwitchMessages.slackOutcome(reply));
      return ChatAnswer.empty();
    });
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

  /** "Approve with changes…": the policy's form opens with the click's trigger_id; anything in the way is told privately. */
  private Future<ChatAnswer> openEditModal(SlackInteraction in, String responseUrl, String corr) {
    String operator = service.operator(ChatIdentities.SLACK, in.userId());
    if (operator == null) {
      return service.auditUnmapped(in.action(), ChatIdentities.SLACK, in.userId(), corr).transform(x -> {
        followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.unmapped(ChatIdentities.SLACK, in.userId())));
        return Future.succeededFuture(ChatAnswer.empty());
      });
    }
    return service.request(in.action().requestId())
      .compose(a -> followUps.slackViewsOpen(SlackMessages.editModal(in.triggerId(), ChatEdits.form(a))))
      .transform(ar -> {
        if (ar.failed()) {
          GatewayException g = BusErrors.decode(ar.cause());
          followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.refusal(g.code().code(), g.detail())));
        }
        return Future.succeededFuture(ChatAnswer.empty());
      });
  }

  /**
   * The edit form submitted: its changes are judged by the edit rules; passing ones are shown for review (a view
   * pushed on top, nothing decided yet), refused ones as errors on the inputs they concern.
   */
  private Future<ChatAnswer> editSubmitted(SlackInteraction in, String corr) {
    Map<String, String> byKey = new LinkedHashMap<>();
    in.inputs().forEach((block, v) -> {
      if (block.startsWith(SlackMessages.EDIT_BLOCK_PREFIX)) {
        byKey.put(block.substring(SlackMessages.EDIT_BLOCK_PREFIX.length()), v);
      }
    });
    String first = in.inputs().keySet().stream().filter(b -> b.startsWith(SlackMessages.EDIT_BLOCK_PREFIX))
      .findFirst().orElse(SlackMessages.editBlock("edits"));
    String operator = service.operator(ChatIdentities.SLACK, in.userId());
    if (operator == null) {
      return service.auditUnmapped(in.action(), ChatIdentities.SLACK, in.userId(), corr).transform(x ->
        Future.succeededFuture(ChatAnswer.json(SlackMessages.modalErrors(Map.of(first,
          ChatReplies.unmapped(ChatIdentities.SLACK, in.userId()))))));
    }
    return service.request(in.action().requestId()).map(a -> {
      ChatEdits.Reviewed r = ChatEdits.review(a, byKey);
      String meta = new JsonObject().put("request_id", a.id().toString()).put("edits", new JsonObject(r.edits()))
        .encode();
      if (meta.length() > SlackMessages.METADATA_MAX) {
        throw GatewayException.invalid(Map.of("edits", "are too large for a Slack form; use the console"));
      }
      return ChatAnswer.json(SlackMessages.editReview(a.id().toString(), a.title(), r.changes(), meta));
    }).recover(t -> {
      GatewayException g = BusErrors.decode(t);
      Map<String, String> errors = new LinkedHashMap<>();
      ChatEdits.fieldErrors(g, "edits", ChatReplies.refusal(g.code().code(), g.detail())).forEach((k, v) -> {
        String block = SlackMessages.editBlock(k);
        errors.merge(in.inputs().containsKey(block) ? block : first, v, (x, y) -> x + "; " + y);
      });
      return Future.succeededFuture(ChatAnswer.json(SlackMessages.modalErrors(errors)));
    });
  }

  /**
   * The review submitted: the approval with exactly the edits it showed, through the decision path. Success closes
   * the modal (the outbox updates the message); a refusal, such as a request decided meanwhile, stays on the
   * review and says why on its comment field.
   */
  private Future<ChatAnswer> reviewSubmitted(SlackInteraction in, String corr) {
    String operator = service.operator(ChatIdentities.SLACK, in.userId());
    if (operator == null) {
      return service.auditUnmapped(in.action(), ChatIdentities.SLACK, in.userId(), corr).transform(x ->
        Future.succeededFuture(ChatAnswer.json(SlackMessages.modalErrors(Map.of(SlackMessages.COMMENT,
          ChatReplies.unmapped(ChatIdentities.SLACK, in.userId()))))));
    }
    return service.approveWithEdits(operator, in.action().requestId(), in.edits(), in.inputs().get(SlackMessages.COMMENT),
        ChatIdentities.SLACK, corr)
      .map(view -> ChatAnswer.json(SlackMessages.closeModal()))
      .recover(t -> {
        GatewayException g = BusErrors.decode(t);
        String text = ChatReplies.refusal(g.code().code(), g.detail());
        return Future.succeededFuture(ChatAnswer.json(SlackMessages.modalErrors(Map.of(SlackMessages.COMMENT, text))));
      });
  }

  /** After Slack has its acknowledgement: tick the persona's box, and tell the clicker what is still missing. */
  private void acknowledge(SlackInteraction in, String responseUrl, String corr) {
    String operator = service.operator(ChatIdentities.SLACK, in.userId());
    if (operator == null) {
      service.auditUnmapped(in.action(), ChatIdentities.SLACK, in.userId(), corr).onComplete(x ->
        followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.unmapped(ChatIdentities.SLACK, in.userId()))));
      return;
    }
    service.acknowledge(operator, in.action(), ChatIdentities.SLACK, corr)
      .onSuccess(text -> followUps.slack(responseUrl, SlackMessages.ephemeral(text)))
      .onFailure(t -> {
        GatewayException g = BusErrors.decode(t);
        followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.refusal(g.code().code(), g.detail())));
      });
  }

  /** After Slack has its acknowledgement: ask the request again, and tell the clicker the new request or why not. */
  private void reRequest(SlackInteraction in, String responseUrl, String corr) {
    String operator = service.operator(ChatIdentities.SLACK, in.userId());
    if (operator == null) {
      service.auditUnmapped(in.action(), ChatIdentities.SLACK, in.userId(), corr).onComplete(x ->
        followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.unmapped(ChatIdentities.SLACK, in.userId()))));
      return;
    }
    service.reRequest(operator, in.action(), ChatIdentities.SLACK, corr)
      .onSuccess(view -> followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.reRequested(
        view.getString("title"), view.getString("request_id")))))
      .onFailure(t -> {
        GatewayException g = BusErrors.decode(t);
        followUps.slack(responseUrl, SlackMessages.ephemeral(ChatReplies.refusal(g.code().code(), g.detail())));
      });
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
