package io.hitl.gateway.outbox;

import java.util.Map;

/** The outcome of one call and, when delivered, the JSON the API answered (message ids, timestamps). */
record Sent(Outcome outcome, Map<String, Object> json) {
  static Sent of(Outcome outcome) {
    return new Sent(outcome, null);
  }
}
