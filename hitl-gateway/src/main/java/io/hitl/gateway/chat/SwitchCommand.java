package io.hitl.gateway.chat;

import io.hitl.gateway.core.pretrade.ScopeKind;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A kill-switch command typed in chat: Slack's `/hitl-switch engage venue XNAS halt after outage`, `release
 * <switch id> [reason]`, `list`, `help`; Discord's `hitl-switch` application command with the same subcommands and
 * named options. Reading one never acts: an engage or release is only asked, and acts once its asker confirms.
 */
record SwitchCommand(Verb verb, ScopeKind scope, String value, UUID switchId, String reason) {
  /** Name of the Slack slash command and of the Discord application command. */
  static final String NAME = "hitl-switch";
  static final String KINDS = String.join(", ", Arrays.stream(ScopeKind.values()).map(ScopeKind::json).toList());
  static final String USAGE = "Usage: /" + NAME + " engage <" + String.join("|", Arrays.stream(ScopeKind.values())
    .map(ScopeKind::json).toList()) + "> <value or \"value with spaces\"> <reason…> · /" + NAME
    + " release <switch id> [reason…] · /" + NAME + " list";

  enum Verb { ENGAGE, RELEASE, LIST, HELP }

  /** Quotes that may open and close a value holding spaces: straight, and the curly pair chat clients substitute. */
  private static final String OPENING_QUOTES = "\"\u201C";
  private static final String CLOSING_QUOTES = "\"\u201D";

  /** Slack's text after the command; IllegalArgumentException with a readable message when it is not a command. */
  static SwitchCommand parse(String text) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return new SwitchCommand(Verb.HELP, null, null, null, null);
    }
    String[] words = t.split("\\s+", 4);
    switch (words[0].toLowerCase(Locale.ROOT)) {
      case "help":
        return new SwitchCommand(Verb.HELP, null, null, null, null);
      case "list":
        if (words.length > 1) {
          throw new IllegalArgumentException("list takes nothing after it");
        }
        return new SwitchCommand(Verb.LIST, null, null, null, null);
      case "engage": {
        String[] head = t.split("\\s+", 3);
        String rest = head.length > 2 ? head[2] : null;
        if (rest != null && OPENING_QUOTES.indexOf(rest.charAt(0)) >= 0) {
          return quoted(head[1], rest);
        }
        return engage(word(words, 1), word(words, 2), words.length > 3 ? words[3] : null);
      }
      case "release": {
        String[] r = t.split("\\s+", 3);
        return release(word(r, 1), r.length > 2 ? r[2] : null);
      }
      default:
        throw new IllegalArgumentException("unknown subcommand '" + words[0] + "'");
    }
  }

  /** A Discord subcommand and its options by name; the same rules as Slack's text. */
  static SwitchCommand of(String subcommand, Map<String, String> options) {
    String sub = subcommand == null ? "" : subcommand.toLowerCase(Locale.ROOT);
    switch (sub) {
      case "engage":
        return engage(options.get("scope"), options.get("value"), options.get("reason"));
      case "release":
        return release(options.get("id"), options.get("reason"));
      case "list":
        return new SwitchCommand(Verb.LIST, null, null, null, null);
      case "help":
        return new SwitchCommand(Verb.HELP, null, null, null, null);
      default:
        throw new IllegalArgumentException("unknown subcommand '" + subcommand + "'");
    }
  }

  /**
   * An engage whose value is in quotes, so it may hold spaces (`engage desk "fx options" reason`): straight
   * quotes, or the curly ones a chat client may type in their place. No escapes: the value ends at the first
   * closing quote, and a reason must follow it after a space.
   */
  private static SwitchCommand quoted(String scope, String rest) {
    int close = -1;
    for (int i = 1; i < rest.length() && close < 0; i++) {
      if (CLOSING_QUOTES.indexOf(rest.charAt(i)) >= 0) {
        close = i;
      }
    }
    if (close < 0) {
      throw new IllegalArgumentException("the value's closing quote is missing: engage <scope> \"<value>\" <reason…>");
    }
    String after = rest.substring(close + 1);
    if (!after.isEmpty() && !Character.isWhitespace(after.charAt(0))) {
      throw new IllegalArgumentException("put a space between the quoted value and the reason");
    }
    return engage(scope, rest.substring(1, close), after);
  }

  private static SwitchCommand engage(String scope, String value, String reason) {
    if (scope == null || scope.isBlank()) {
      throw new IllegalArgumentException("engage needs a scope (" + KINDS + "), a value and a reason");
    }
    ScopeKind kind = ScopeKind.parse(scope);
    if (kind == null) {
      throw new IllegalArgumentException("unknown scope '" + scope.strip() + "': must be one of " + KINDS);
    }
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("engage " + kind.json() + " needs a value and a reason");
    }
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("a reason is required: say why the " + kind.json() + " is stopped");
    }
    return new SwitchCommand(Verb.ENGAGE, kind, value.strip(), null, reason.strip());
  }

  private static SwitchCommand release(String id, String reason) {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("release needs the switch id (see /" + NAME + " list)");
    }
    UUID uuid;
    try {
      uuid = UUID.fromString(id.strip());
    } catch (IllegalArgumentException e) {
      uuid = null;
    }
    if (uuid == null || !uuid.toString().equalsIgnoreCase(id.strip())) {
      throw new IllegalArgumentException("'" + id.strip() + "' is not a switch id (see /" + NAME + " list)");
    }
    return new SwitchCommand(Verb.RELEASE, null, null, uuid, reason == null || reason.isBlank() ? null : reason.strip());
  }

  private static String word(String[] words, int i) {
    return i < words.length ? words[i] : null;
  }
}
