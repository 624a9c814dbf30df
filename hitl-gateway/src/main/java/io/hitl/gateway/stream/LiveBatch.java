package io.hitl.gateway.stream;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Live events released together, in journal order. A client that takes all of them is written the same
 * bytes as every other such client: their frames joined once, whatever the number of clients.
 */
final class LiveBatch {
  private final List<StreamEvent> events;
  private Buffer frames;

  LiveBatch(List<StreamEvent> events) {
    this.events = events;
  }

  List<StreamEvent> events() {
    return events;
  }

  int size() {
    return events.size();
  }

  /** Every event's frame, one after the other. */
  Buffer frames() {
    if (frames == null) {
      frames = join(events);
    }
    return frames;
  }

  /** The frames of these events as one buffer (the event's own when there is one). */
  static Buffer join(List<StreamEvent> events) {
    if (events.size() == 1) {
      return events.get(0).frame();
    }
    int length = 0;
    for (StreamEvent e : events) {
      length += e.frame().length();
    }
    Buffer b = Buffer.buffer(length);
    for (StreamEvent e : events) {
      b.appendBuffer(e.frame());
    }
    return b;
  }
}
