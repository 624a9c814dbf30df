package io.hitl.gateway.outbox;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text helpers shared by the chat renderers: escaping, truncation, labels and number formats. */
public final class ChatText {
  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'")
    .withZone(ZoneOffset.UTC);

  private ChatText() {
  }

  /** Slack mrkdwn control characters; user text must not open links or mention @channel. */
  public static String slack(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Discord markdown characters, so user text renders literally (mentions are blocked by allowed_mentions). */
  public static String discord(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (char c : s.toCharArray()) {
      if ("\\*_~`|>[]()#".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** At most {@code max} characters, the last one an ellipsis when cut. */
  public static String truncate(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    return s.substring(0, Math.max(0, max - 1)) + "…";
  }

  public static String utc(Instant t) {
    return t == null ? "" : UTC.format(t);
  }

  /** TRADE_EXECUTION → Trade Execution. */
  public static String words(String constant) {
    if (constant == null || constant.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder();
    for (String w : constant.toLowerCase(Locale.ROOT).split("[_\\s]+")) {
      if (w.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
    }
    return b.toString();
  }

  /** A 0..1 confidence as a percentage with one decimal, HALF_EVEN: 0.85 → 85.0%. Text that is no number stays as is. */
  public static String percent(String fraction) {
    if (fraction == null) {
      return null;
    }
    try {
      return new BigDecimal(fraction).movePointRight(2).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "%";
    } catch (NumberFormatException e) {
      return fraction;
    }
  }

  /** A duration as people say it: "12 s", "4 min 10 s", "2 h 5 min". */
  public static String age(java.time.Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
    }
    return (s / 3600) + " h" + ((s % 3600) / 60 == 0 ? "" : " " + ((s % 3600) / 60) + " min");
  }

  /** How a decision channel reads in a message. */
  public static String channel(String c) {
    if (c == null) {
      return "";
    }
    switch (c) {
      case "slack":
        return "Slack";
      case "discord":
        return "Discord";
      case "api":
        return "API";
      case "console":
        return "console";
      case "bus":
        return "event bus";
      default:
        return c;
    }
  }
}
