package io.hitl.gateway.outbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The email notices: a new request for the configured recipients, the fallback sent once when a request's
 * chat message could not be delivered, and notices about no single request. Plain text plus a simple HTML
 * part; they name the request and link to it in the console; they never carry secrets (URLs of chat
 * webhooks and callbacks are not in the facts).
 */
public final class EmailMessages {
  /** The job kind of the fallback email. */
  public static final String CHAT_FAILED = "chat.failed";
  private static final String PREFIX = "[HITL] ";

  /** Subject, plain text and HTML of one email. */
  public record Mail(String subject, String text, String html) {
  }

  private EmailMessages() {
  }

  public static Mail newRequest(MessageFacts f, String consoleUrl) {
    String subject = PREFIX + (f.pending() ? "Approval required: " : f.statusLabel() + ": ") + f.title()
      + " (" + f.requestId() + ")";
    List<String> lines = new ArrayList<>();
    lines.add(f.pending() ? "A request awaits a decision." : "This request is " + f.status() + ": " + f.outcomeLine());
    return mail(subject, lines, f, consoleUrl);
  }

  public static Mail chatFailed(MessageFacts f, String consoleUrl, String channel, String error) {
    String subject = PREFIX + "Chat delivery failed: " + f.title() + " (" + f.requestId() + ")";
    List<String> lines = new ArrayList<>();
    lines.add("The " + ChatText.channel(channel) + " message for this request could not be delivered"
      + (error == null ? "." : ": " + error));
    lines.add(f.pending() ? "The request still awaits a decision; decide it in the console."
      : "The request is now " + f.status() + ": " + f.outcomeLine());
    return mail(subject, lines, f, consoleUrl);
  }

  /**
   * An escalation, deadline warning or reminder for the people the request's policy names: the notice as the
   * chat channels word it, whom it is for, the request's facts and the console link.
   */
  public static Mail forTargets(String notice, List<String> attention, MessageFacts f, String consoleUrl) {
    List<String> lines = new ArrayList<>();
    lines.add(notice);
    if (!attention.isEmpty()) {
      lines.add("Attention: " + String.join(", ", attention));
    }
    // the subject is the notice up to the request it is about, without its leading emoji
    int end = notice.indexOf(f.requestId() + ")");
    String head = end < 0 ? notice : notice.substring(0, end + f.requestId().length() + 1);
    return mail(PREFIX + head.replaceFirst("^[^\\p{L}]+", ""), lines, f, consoleUrl);
  }

  public static Mail notice(String text) {
    String subject = PREFIX + text.lines().findFirst().orElse("notice");
    return new Mail(clip(subject), text + "\n", "<p>" + html(text) + "</p>\n");
  }

  private static Mail mail(String subject, List<String> lines, MessageFacts f, String consoleUrl) {
    List<MessageFacts.Field> facts = new ArrayList<>(f.requestFields());
    facts.addAll(f.detailFields());
    StringBuilder text = new StringBuilder();
    StringBuilder html = new StringBuilder("<html><body>\n");
    for (String l : lines) {
      text.append(l).append("\n");
      html.append("<p>").append(html(l)).append("</p>\n");
    }
    text.append("\n");
    html.append("<table>\n");
    for (MessageFacts.Field x : facts) {
      text.append(x.label()).append(": ").append(x.text()).append("\n");
      html.append("<tr><th align=\"left\">").append(html(x.label())).append("</th><td>").append(html(x.text()))
        .append("</td></tr>\n");
    }
    html.append("</table>\n");
    if (f.reason() != null) {
      text.append("Reason: ").append(f.reason()).append("\n");
      html.append("<p><b>Reason:</b> ").append(html(f.reason())).append("</p>\n");
    }
    text.append("\nOpen it in the console: ").append(consoleUrl).append("\n");
    html.append("<p><a href=\"").append(html(consoleUrl)).append("\">Open it in the console</a></p>\n</body></html>\n");
    return new Mail(clip(subject), text.toString(), html.toString());
  }

  private static String clip(String subject) {
    String one = subject.replaceAll("[\\r\\n]+", " ");
    return one.length() <= 200 ? one : one.substring(0, 199) + "…";
  }

  static String html(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
