package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hitl.gateway.core.ChainCheck;
import io.hitl.gateway.core.GatewayException;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Export lines: RFC 4180 CSV with formula guard, NDJSON that reads back to the same hash, filter parsing. */
class ExportLinesTest {
  static JournalEntry linked(long seq, String prev, String actor, Map<String, Object> payload) {
    JournalEntry e = JournalEntry.of(UUID.randomUUID(), null, actor, "approved", "PENDING", "APPROVED", payload,
      "c-1", null, Instant.parse("2026-03-01T10:00:00.123456Z"));
    String hash = Hashing.chainHash(prev, seq, Hashing.contentHash(e));
    return new JournalEntry(seq, e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(), e.newState(),
      e.payload(), e.correlationId(), e.errorCode(), prev, hash, e.createdAt());
  }

  @Test
  void csvCellsAreQuotedPerRfc4180AndFormulasAreDefused() {
    assertThat(ExportLines.csvCell("plain")).isEqualTo("plain");
    assertThat(ExportLines.csvCell(null)).isEmpty();
    assertThat(ExportLines.csvCell("a,b")).isEqualTo("\"a,b\"");
    assertThat(ExportLines.csvCell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(ExportLines.csvCell("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(ExportLines.csvCell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
    assertThat(ExportLines.csvCell("+1")).isEqualTo("'+1");
    assertThat(ExportLines.csvCell("-1")).isEqualTo("'-1");
    assertThat(ExportLines.csvCell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
  }

  @Test
  void aCsvRowHasOneCellPerHeaderColumn() {
    JournalEntry e = linked(1, Hashing.GENESIS, "=evil,\"actor\"", Map.of("note", "a,b"));
    String row = ExportLines.csv(e);
    assertThat(ExportLines.csvHeader()).startsWith("seq,created_at,approval_id,");
    assertThat(row).startsWith("1,2026-03-01T10:00:00.123456Z,").endsWith("\r\n")
      .contains(",\"'=evil,\"\"actor\"\"\",").contains("\"{\"\"note\"\":\"\"a,b\"\"}\"");
  }

  @Test
  void anNdjsonLineReadsBackToAnEntryThatStillLinks() {
    Map<String, Object> payload = new HashMap<>();
    payload.put("price", new java.math.BigDecimal("2850.50"));
    payload.put("nested", Map.of("k", java.util.List.of(1, "two")));
    JournalEntry e1 = linked(1, Hashing.GENESIS, "alice", payload);
    JournalEntry e2 = linked(2, e1.hash(), "bob", Map.of());
    ChainCheck chain = ChainCheck.fromGenesis();
    assertThat(chain.accept(ExportLines.parse(ExportLines.ndjson(e1).trim()))).isNull();
    assertThat(chain.accept(ExportLines.parse(ExportLines.ndjson(e2).trim()))).isNull();
    assertThat(chain.ok()).isTrue();

    String edited = ExportLines.ndjson(e2).replace("\"bob\"", "\"mallory\"");
    ChainCheck again = ChainCheck.fromGenesis();
    again.accept(ExportLines.parse(ExportLines.ndjson(e1)));
    assertThat(again.accept(ExportLines.parse(edited))).contains("edited");
    assertThat(again.brokenSeq()).isEqualTo(2L);
    assertThatThrownBy(() -> ExportLines.parse("{not json")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badFiltersAreRefusedWithSec010NamingEachField() {
    Map<String, String> p = new HashMap<>();
    p.put("from", "yesterday");
    p.put("format", "xml");
    p.put("action", "DROP TABLE");
    assertThatThrownBy(() -> ExportQuery.parse(p)).isInstanceOfSatisfying(GatewayException.class, e -> {
      assertThat(e.code().code()).isEqualTo("SEC-010");
      assertThat(e.extensions().get("errors").toString()).contains("from").contains("format").contains("action");
    });
    assertThatThrownBy(() -> ExportQuery.parse(Map.of("from", "2026-02-01T00:00:00Z", "to", "2026-01-01T00:00:00Z")))
      .isInstanceOf(GatewayException.class).hasMessageContaining("to");
    ExportQuery q = ExportQuery.parse(Map.of("from", "2026-01-01T00:00:00Z", "format", "CSV"));
    assertThat(q.format()).isEqualTo(ExportQuery.Format.CSV);
    assertThat(q.from()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(ExportQuery.parse(Map.of()).format()).isEqualTo(ExportQuery.Format.NDJSON);
  }
}
