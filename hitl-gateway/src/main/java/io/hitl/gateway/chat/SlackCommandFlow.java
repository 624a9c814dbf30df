package io.hitl.gateway.chat;

import io.hitl.gateway.core.ChatIdentities;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.outbox.SlackMessages;
import io.vertx.core.Future;

/**
 * `/hitl-switch` slash commands: answered in the HTTP response with a text only the asker sees (the confirmation
 * with its buttons, or why not); an answer that outlasts the deadline follows through the command's response_url.
 */
final class SlackCommandFlow implements ChatFlow<SlackCommand> {
  private final ChatSwitches switches;
  private final FollowUps followUps;

  SlackCommandFlow(ChatSwitches switches, FollowUps followUps) {
    this.switches = switches;
    this.followUps = followUps;
  }

  @Override
  public Future<ChatAnswer> handle(SlackCommand in, String corr) {
    if (!("/" + SwitchCommand.NAME).equals(in.command())) {
      return Future.succeededFuture(ChatAnswer.json(SlackMessages.ephemeral("The command " + in.command()
        + " is not handled by HITL Gateway.")));
    }
    SwitchCommand command;
    String problem = null;
    try {
      command = SwitchCommand.parse(in.text());
    } catch (IllegalArgumentException e) {
      command = null;
      problem = e.getMessage();
    }
    return switches.ask(ChatIdentities.SLACK, in.userId(), command, problem, corr)
      .map(r -> ChatAnswer.json(SwitchMessages.slack(r)));
  }

  @Override
  public ChatAnswer deferred(SlackCommand in) {
    return ChatAnswer.empty();
  }

  @Override
  public void late(SlackCommand in, ChatAnswer answer) {
    if (answer.json() != null) {
      followUps.slack(followUps.trustedResponseUrl(in.responseUrl()), answer.json());
    }
  }

  @Override
  public ChatAnswer refused(SlackCommand in, GatewayException e) {
    return ChatAnswer.json(SlackMessages.ephemeral(ChatReplies.refusal(e.code().code(), e.detail())));
  }
}
