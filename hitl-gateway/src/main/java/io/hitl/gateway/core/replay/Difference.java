package io.hitl.gateway.core.replay;

/**
 * One way a table row differs from what its journal history re-derives: {@code expected} is the
 * journal's value (null when the row has no history at all), {@code found} the table's (null when the
 * row is missing), {@code seq} the journal entry that last set the row (null without history).
 */
public record Difference(String table, String id, String field, String expected, String found, Long seq) {

  public String describe() {
    return table + " " + id + " " + field + ": expected " + expected + (seq == null ? "" : " (journal seq " + seq + ")")
      + ", found " + found;
  }
}
