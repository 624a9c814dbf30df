package io.hitl.gateway.core;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The people an escalation, its warning and reminders are for, as each channel addresses them. A target is
 * `slack:U…` / `slack:W…` (a Slack user), `slack:S…` (a Slack user group), `discord:<id>` (a Discord user),
 * `discord:role:<id>` (a Discord role), an email address, or an operator name, resolved through the chat
 * identities to the users mapped to it. Anything else is kept as a plain name. Mentions are built only from
 * ids matching these patterns, so a target can never ping a channel or everyone.
 */
public record EscalationTargets(List<String> slackUsers, List<String> slackGroups, List<String> discordUsers,
    List<String> discordRoles, List<String> emails, List<String> names) {

  private static final Pattern SLACK_USER = Pattern.compile("[UW][A-Z0-9]{1,31}");
  private static final Pattern SLACK_GROUP = Pattern.compile("S[A-Z0-9]{1,31}");
  private static final Pattern SNOWFLAKE = Pattern.compile("[0-9]{1,20}");
  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\\.[A-Za-z0-9-]{1,63})+");
  private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

  public EscalationTargets {
    slackUsers = List.copyOf(slackUsers);
    slackGroups = List.copyOf(slackGroups);
    discordUsers = List.copyOf(discordUsers);
    discordRoles = List.copyOf(discordRoles);
    emails = List.copyOf(emails);
    names = List.copyOf(names);
  }

  public static EscalationTargets resolve(List<String> targets, ChatIdentities identities) {
    List<String> su = new ArrayList<>();
    List<String> sg = new ArrayList<>();
    List<String> du = new ArrayList<>();
    List<String> dr = new ArrayList<>();
    List<String> em = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String raw : targets == null ? List.<String>of() : targets) {
      String t = raw == null ? "" : raw.strip();
      if (t.isEmpty()) {
        continue;
      }
      if (t.startsWith("slack:") && SLACK_USER.matcher(t.substring(6)).matches()) {
        add(su, t.substring(6));
      } else if (t.startsWith("slack:") && SLACK_GROUP.matcher(t.substring(6)).matches()) {
        add(sg, t.substring(6));
      } else if (t.startsWith("discord:role:") && SNOWFLAKE.matcher(t.substring(13)).matches()) {
        add(dr, t.substring(13));
      } else if (t.startsWith("discord:") && SNOWFLAKE.matcher(t.substring(8)).matches()) {
        add(du, t.substring(8));
      } else if (EMAIL.matcher(t).matches()) {
        add(em, t);
      } else {
        List<String> slack = OPERATOR.matcher(t).matches() ? identities.users(ChatIdentities.SLACK, t) : List.of();
        List<String> discord = OPERATOR.matcher(t).matches() ? identities.users(ChatIdentities.DISCORD, t) : List.of();
        slack.forEach(u -> add(su, u));
        discord.forEach(u -> add(du, u));
        if (slack.isEmpty() && discord.isEmpty()) {
          add(names, t);
        }
      }
    }
    return new EscalationTargets(su, sg, du, dr, em, names);
  }

  public boolean isEmpty() {
    return slackUsers.isEmpty() && slackGroups.isEmpty() && discordUsers.isEmpty() && discordRoles.isEmpty()
      && emails.isEmpty() && names.isEmpty();
  }

  /** Slack mention tokens (`<@U…>`, `<!subteam^S…>`); safe to put into mrkdwn unescaped. */
  public List<String> slackMentions() {
    List<String> out = new ArrayList<>();
    slackUsers.forEach(u -> out.add("<@" + u + ">"));
    slackGroups.forEach(g -> out.add("<!subteam^" + g + ">"));
    return out;
  }

  /** Discord mention tokens (`<@id>`, `<@&id>`); they ping only when allowed_mentions names the same ids. */
  public List<String> discordMentions() {
    List<String> out = new ArrayList<>();
    discordUsers.forEach(u -> out.add("<@" + u + ">"));
    discordRoles.forEach(r -> out.add("<@&" + r + ">"));
    return out;
  }

  /** What every channel shows as plain text: email addresses and names no chat identity resolves. */
  public List<String> plain() {
    List<String> out = new ArrayList<>(emails);
    out.addAll(names);
    return out;
  }

  private static void add(List<String> list, String value) {
    if (!list.contains(value)) {
      list.add(value);
    }
  }
}
