package io.hitl.gateway.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which operator a chat user is: parsed from `alice=slack:U123,alice=discord:987654321`. One operator may
 * have several chat identities; one chat identity belongs to exactly one operator.
 */
public final class ChatIdentities {
  public static final String SLACK = "slack";
  public static final String DISCORD = "discord";
  private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final Pattern SLACK_USER = Pattern.compile("[UW][A-Z0-9]{1,31}");
  private static final Pattern DISCORD_USER = Pattern.compile("[0-9]{1,20}");
  private static final ChatIdentities NONE = new ChatIdentities(Map.of());

  private final Map<String, String> operatorByIdentity;

  private ChatIdentities(Map<String, String> operatorByIdentity) {
    this.operatorByIdentity = Collections.unmodifiableMap(operatorByIdentity);
  }

  public static ChatIdentities none() {
    return NONE;
  }

  /** Parses the setting; a malformed entry or an identity claimed twice is an IllegalArgumentException. */
  public static ChatIdentities parse(String text) {
    if (text == null || text.isBlank()) {
      return NONE;
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (String raw : text.split(",")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      int colon = entry.indexOf(':', eq + 1);
      if (eq <= 0 || colon < 0) {
        throw new IllegalArgumentException("entry '" + entry + "' must look like operator=slack:U123 or operator=discord:987");
      }
      String operator = entry.substring(0, eq).trim();
      String platform = entry.substring(eq + 1, colon).trim().toLowerCase(Locale.ROOT);
      String user = entry.substring(colon + 1).trim();
      if (!OPERATOR.matcher(operator).matches()) {
        throw new IllegalArgumentException("operator '" + operator + "' must be 1-128 letters, digits or . _ @ -");
      }
      if (SLACK.equals(platform)) {
        if (!SLACK_USER.matcher(user).matches()) {
          throw new IllegalArgumentException("Slack user id '" + user + "' must look like U0123ABC");
        }
      } else if (DISCORD.equals(platform)) {
        if (!DISCORD_USER.matcher(user).matches()) {
          throw new IllegalArgumentException("Discord user id '" + user + "' must be a numeric snowflake");
        }
      } else {
        throw new IllegalArgumentException("platform '" + platform + "' must be slack or discord");
      }
      String previous = m.putIfAbsent(key(platform, user), operator);
      if (previous != null && !previous.equals(operator)) {
        throw new IllegalArgumentException(platform + ":" + user + " is mapped to both " + previous + " and " + operator);
      }
    }
    return new ChatIdentities(m);
  }

  /** The operator behind a chat user, or null when the user is not mapped. */
  public String operator(String platform, String userId) {
    if (platform == null || userId == null) {
      return null;
    }
    return operatorByIdentity.get(key(platform, userId));
  }

  /** The chat users of one platform an operator is mapped to, in the order the setting names them. */
  public List<String> users(String platform, String operator) {
    List<String> out = new ArrayList<>();
    String prefix = platform + ":";
    operatorByIdentity.forEach((identity, op) -> {
      if (op.equals(operator) && identity.startsWith(prefix)) {
        out.add(identity.substring(prefix.length()));
      }
    });
    return out;
  }

  public int size() {
    return operatorByIdentity.size();
  }

  private static String key(String platform, String user) {
    return platform + ":" + user;
  }
}
