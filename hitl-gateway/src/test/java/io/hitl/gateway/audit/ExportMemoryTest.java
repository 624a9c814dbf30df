package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.ChainCheck;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * 100,000 journal entries (about 90 MB of NDJSON) export through a client that stops reading: the cursor
 * stays open and paused in its transaction instead of running ahead, the server's heap stays far below
 * the export's size, and once the client reads on every entry arrives in order with an intact chain.
 */
class ExportMemoryTest {
  static final int ROWS = 100_000;
  static final long HEAP_BOUND = 48L * 1024 * 1024;
  TestGateway gw;

  @BeforeEach
  void start() throws Exception {
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of());
    JournalSeed.append(gw.dbUrl, ROWS, 700, Instant.parse("2026-01-01T00:00:00Z"));
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static final String EXPORT_SESSION = "FROM pg_stat_activity WHERE datname = current_database() "
    + "AND query LIKE '%FROM journal WHERE ($1::timestamptz IS NULL%' AND query NOT LIKE '%pg_stat_activity%'";

  /** Sessions of the export: its cursor query, open inside a transaction. */
  int openExportCursors() {
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) " + EXPORT_SESSION + " AND state LIKE 'idle in transaction%'")) {
      rs.next();
      return rs.getInt(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** When the export's session last changed state while in its transaction; null when it is not in one. */
  String exportStateChange() {
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT state_change::text " + EXPORT_SESSION
          + " AND state IN ('idle in transaction', 'active')")) {
      return rs.next() ? rs.getString(1) : null;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until the export's cursor has stopped fetching: its session stays in the transaction without a
   * state change for {@code quiet}. A server without back-pressure fetches on to the end and closes the
   * transaction instead, so this never happens and the wait fails.
   */
  void awaitCursorPaused(Duration quiet, Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    String last = null;
    long since = System.nanoTime();
    while (System.nanoTime() < end) {
      String now = exportStateChange();
      if (now == null || !now.equals(last)) {
        last = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since >= quiet.toNanos()) {
        return;
      }
      // proving the cursor stays still takes watching it for the quiet period
      Thread.sleep(100);
    }
    throw new AssertionError("the export's cursor never paused in its transaction (last state change " + last + ")");
  }

  @Test
  void aHundredThousandEntriesStreamInBoundedMemory() throws Exception {
    long baseline = heapAfterGc();
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port + "/api/v1/audit/export"))
      .header("Authorization", "Bearer " + gw.token("carol", "viewer")).timeout(Duration.ofMinutes(10)).build();
    HttpResponse<InputStream> response = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    ChainCheck chain = ChainCheck.fromGenesis();
    long lines = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (int i = 0; i < 1000; i++) {
        chain.accept(ExportLines.parse(r.readLine()));
        lines++;
      }
      // the client stops reading: the server must pause its cursor rather than read the rest into memory
      awaitCursorPaused(Duration.ofSeconds(3), Duration.ofSeconds(90));
      assertThat(openExportCursors()).as("the cursor is still open while the client does not read").isEqualTo(1);
      long during = heapAfterGc() - baseline;
      assertThat(during).as("heap growth while the export is paused").isLessThan(HEAP_BOUND);

      String line;
      while ((line = r.readLine()) != null) {
        chain.accept(ExportLines.parse(line));
        lines++;
      }
    }
    assertThat(chain.ok()).as(chain.problem()).isTrue();
    // the seeded rows, the few the gateway wrote before them, and the export's own audit_exported entry
    assertThat(lines).isGreaterThan(ROWS);
    assertThat(chain.lastSeq()).isEqualTo(lines);
    Poll.until(this::openExportCursors, n -> n == 0, Duration.ofSeconds(60), "the export's transaction to end");
  }
}
