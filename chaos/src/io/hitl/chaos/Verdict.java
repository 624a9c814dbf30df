package io.hitl.chaos;

import java.util.LinkedHashMap;
import java.util.Map;

/** The outcome of one scenario: its figures in the order they are printed, and the acceptance checks missed. */
final class Verdict {
  final String scenario;
  final Map<String, Object> figures = new LinkedHashMap<>();
  final Map<String, String> missed = new LinkedHashMap<>();
  long seconds;

  Verdict(String scenario) {
    this.scenario = scenario;
  }

  Verdict figure(String name, Object value) {
    figures.put(name, value);
    return this;
  }

  /** Records {@code name} as missed unless {@code ok}; {@code detail} says what was seen. */
  Verdict require(boolean ok, String name, String detail) {
    if (!ok) {
      missed.put(name, detail);
    }
    return this;
  }

  boolean passed() {
    return missed.isEmpty();
  }

  String line() {
    StringBuilder b = new StringBuilder(passed() ? "PASS " : "FAIL ").append(scenario).append(':');
    figures.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
    b.append(" (").append(seconds).append(" s)");
    missed.forEach((k, v) -> b.append("\n  missed: ").append(k).append(": ").append(v));
    return b.toString();
  }
}
