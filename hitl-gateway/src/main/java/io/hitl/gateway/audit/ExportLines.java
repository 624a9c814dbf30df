package io.hitl.gateway.audit;

import io.hitl.gateway.bus.ApprovalJson;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.store.Json;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * One journal entry as a line of an export or an archive segment. NDJSON lines carry every field
 * the hash covers plus seq, prev_hash and hash, so a file can be verified offline; CSV is for people
 * and spreadsheets.
 */
public final class ExportLines {
  static final List<String> CSV_COLUMNS = List.of("seq", "created_at", "approval_id", "target", "actor", "action",
    "previous_state", "new_state", "payload", "correlation_id", "error_code", "prev_hash", "hash");

  private ExportLines() {
  }

  public static String ndjson(JournalEntry e) {
    return ApprovalJson.journal(e).encode() + "\n";
  }

  public static String csvHeader() {
    return String.join(",", CSV_COLUMNS) + "\r\n";
  }

  public static String csv(JournalEntry e) {
    String[] cells = {
      String.valueOf(e.seq()), ApprovalJson.journal(e).getString("created_at"),
      e.approvalId() == null ? null : e.approvalId().toString(), e.target(), e.actor(), e.action(),
      e.previousState(), e.newState(), new JsonObject(e.payload()).encode(), e.correlationId(), e.errorCode(),
      e.prevHash(), e.hash()
    };
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(csvCell(cells[i]));
    }
    return sb.append("\r\n").toString();
  }

  /**
   * RFC 4180 quoting. A cell a spreadsheet would run as a formula (starting with =, +, -, @, tab or
   * carriage return) gets a leading apostrophe; NDJSON is the verbatim, verifiable format.
   */
  static String csvCell(String v) {
    return io.hitl.gateway.core.Csv.cell(v);
  }

  /** Reads an NDJSON line back into an entry; IllegalArgumentException when it is not one. */
  public static JournalEntry parse(String line) {
    try {
      JsonObject o = new JsonObject(line);
      String approval = o.getString("approval_id");
      JsonObject payload = o.getJsonObject("payload");
      return new JournalEntry(o.getLong("seq"), approval == null ? null : UUID.fromString(approval),
        o.getString("target"), o.getString("actor"), o.getString("action"), o.getString("previous_state"),
        o.getString("new_state"), Json.plainMap(payload == null ? new JsonObject() : payload),
        o.getString("correlation_id"), o.getString("error_code"), o.getString("prev_hash"), o.getString("hash"),
        Instant.parse(o.getString("created_at")));
    } catch (DecodeException | ClassCastException | NullPointerException | DateTimeParseException e) {
      throw new IllegalArgumentException("not a journal entry line: " + e.getMessage(), e);
    }
  }
}
