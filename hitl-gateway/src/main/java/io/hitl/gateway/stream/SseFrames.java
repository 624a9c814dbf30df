package io.hitl.gateway.stream;

/**
 * The text/event-stream wire format (WHATWG HTML, server-sent events): fields `id:`, `event:`,
 * `data:`, `retry:`, comments starting with a colon, and a blank line ending each event.
 */
public final class SseFrames {
  public static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

  private SseFrames() {
  }

  /** One event; id is left out when seq is 0 so the client's Last-Event-ID stays where it was. */
  public static String event(long seq, String name, String data) {
    StringBuilder b = new StringBuilder(data.length() + 48);
    if (seq > 0) {
      b.append("id: ").append(seq).append('\n');
    }
    if (name != null && !name.isEmpty()) {
      b.append("event: ").append(singleLine(name)).append('\n');
    }
    // a line break inside data would end the field early, so each line gets its own data field
    for (String line : data.split("\r\n|\r|\n", -1)) {
      b.append("data: ").append(line).append('\n');
    }
    return b.append('\n').toString();
  }

  /** A comment line: ignored by EventSource, keeps proxies and idle timers from closing the connection. */
  public static String comment(String text) {
    return ": " + singleLine(text) + "\n\n";
  }

  /** The reconnection delay the client should use, in milliseconds. */
  public static String retry(long millis) {
    return "retry: " + millis + "\n\n";
  }

  private static String singleLine(String s) {
    return s.replaceAll("[\r\n]", " ");
  }
}
