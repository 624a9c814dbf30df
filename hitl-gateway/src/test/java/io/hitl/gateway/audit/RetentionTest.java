package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.store.ArchiveStore.Anchor;
import io.hitl.gateway.support.MutableClock;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention moves old journal entries to NDJSON segments with anchors; verify proves the chain across the
 * cut and detects an edited, shortened, reordered or missing segment file. Pending requests stay live.
 */
class RetentionTest {
  TestGateway gw;
  MutableClock clock;
  Path archive;
  String engine;
  String alice;

  @BeforeEach
  void start() {
    clock = new MutableClock();
    archive = TestGateway.tempDir().resolve("archive");
    // the periodic job is far away here; tests run the same job directly
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_RETENTION_DAYS", "1",
      "HITL_RETENTION_CHECK_SECONDS", "604800", "HITL_ARCHIVE_DIR", archive.toString(),
      "HITL_TIMEOUT_MAX_SECONDS", "864000"), clock);
    engine = gw.token("engine-1", "submitter");
    alice = gw.token("alice", "approver", "viewer");
  }

  @AfterEach
  void stop() {
    gw.close();
  }

  List<Anchor> runRetention() throws Exception {
    return new Retention(gw.gateway.vertx(), gw.gateway.pool(), gw.gateway.config(), clock).runOnce()
      .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  /** The offline command on the same database and archive directory: exit code and standard output. */
  Map.Entry<Integer, String> verifyCommand() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream print = new java.io.PrintStream(out, true, StandardCharsets.UTF_8);
    int code = AuditCommand.run(List.of("verify", "--db", gw.dbUrl, "--archive", archive.toString()), Map.of(), print,
      print);
    return Map.entry(code, out.toString(StandardCharsets.UTF_8));
  }

  JsonObject verify(boolean files) {
    TestGateway.Response r = gw.call("GET", "/api/v1/audit/verify" + (files ? "?archive=true" : ""), alice, null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  long minLiveSeq() throws SQLException {
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT min(seq) FROM journal")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String decidedThenPendingThenAged() {
    for (int i = 0; i < 3; i++) {
      String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
      assertThat(gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null).status()).isEqualTo(200);
    }
    Map<String, Object> longLived = new java.util.HashMap<>(TestGateway.trade().getMap());
    longLived.put("timeout_seconds", 864_000);
    TestGateway.Response pending = gw.call("POST", "/api/v1/approvals/trade", engine, longLived);
    assertThat(pending.status()).as(pending.body()).isLessThan(300);
    clock.advance(Duration.ofDays(2));
    return pending.json().getString("request_id");
  }

  @Test
  void archivesDecidedHistoryKeepsPendingRequestsLiveAndVerifiesAcrossTheCut() throws Exception {
    String pending = decidedThenPendingThenAged();
    long pendingFirst = gw.call("GET", "/api/v1/audit?approval_id=" + pending, alice, null).json()
      .getJsonArray("entries").getJsonObject(0).getLong("seq");

    List<Anchor> written = runRetention();
    assertThat(written).hasSize(1);
    Anchor a = written.get(0);
    assertThat(a.firstSeq()).isEqualTo(1);
    assertThat(a.lastSeq()).isEqualTo(pendingFirst - 1);
    assertThat(Files.readAllLines(archive.resolve(a.fileName()))).hasSize((int) a.entries());
    assertThat(minLiveSeq()).isEqualTo(pendingFirst);
    JsonArray trail = gw.call("GET", "/api/v1/audit?approval_id=" + pending, alice, null).json().getJsonArray("entries");
    assertThat(trail.getJsonObject(0).getString("action")).isEqualTo("created");

    for (boolean files : List.of(false, true)) {
      JsonObject report = verify(files);
      assertThat(report.getBoolean("valid")).as(report.encode()).isTrue();
      assertThat(report.getJsonObject("journal").getInteger("archived_segments")).isEqualTo(1);
      assertThat(report.getJsonObject("journal").getBoolean("archive_files_checked")).isEqualTo(files);
    }
    // nothing more is due: the pending request holds the cut
    assertThat(runRetention()).isEmpty();

    // once decided and aged, it goes too; the second segment continues the first
    assertThat(gw.call("POST", "/api/v1/approvals/" + pending + "/reject", alice, Map.of("reason", "stale")).status())
      .isEqualTo(200);
    clock.advance(Duration.ofDays(2));
    List<Anchor> more = runRetention();
    assertThat(more).hasSize(1);
    assertThat(more.get(0).firstSeq()).isEqualTo(a.lastSeq() + 1);
    assertThat(more.get(0).firstPrevHash()).isEqualTo(a.lastHash());
    JsonObject report = verify(true);
    assertThat(report.getBoolean("valid")).as(report.encode()).isTrue();
    assertThat(report.getJsonObject("journal").getInteger("archived_segments")).isEqualTo(2);
    Map.Entry<Integer, String> offline = verifyCommand();
    assertThat(offline.getKey()).as(offline.getValue()).isZero();
    assertThat(offline.getValue()).contains("across 2 archived segment(s), files re-read");
    JsonObject live = gw.call("GET", "/api/v1/audit?limit=5", alice, null).json();
    assertThat(live.getJsonArray("entries").getJsonObject(0).getString("action")).isEqualTo("journal_archived");
  }

  @Test
  void theJournalStillRefusesDeletesOfEntriesNoAnchorCovers() throws Exception {
    decidedThenPendingThenAged();
    Anchor a = runRetention().get(0);
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      try {
        s.execute("DELETE FROM journal WHERE seq = " + (a.lastSeq() + 1));
        throw new AssertionError("the append-only trigger should refuse");
      } catch (SQLException expected) {
        assertThat(expected.getMessage()).contains("append-only");
      }
      try {
        s.execute("UPDATE journal_archive SET last_hash = 'x'");
        throw new AssertionError("anchors are append-only");
      } catch (SQLException expected) {
        assertThat(expected.getMessage()).contains("append-only");
      }
    }
  }

  @Test
  void tamperingWithAnArchivedSegmentIsDetectedAndNamed() throws Exception {
    decidedThenPendingThenAged();
    Anchor a = runRetention().get(0);
    Path file = archive.resolve(a.fileName());
    List<String> original = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(original.size()).isGreaterThanOrEqualTo(3);

    List<String> edited = new ArrayList<>(original);
    edited.set(1, edited.get(1).replace("\"actor\":\"", "\"actor\":\"x"));
    assertBroken(file, edited, 2, "edited");

    List<String> dropped = new ArrayList<>(original);
    dropped.remove(1);
    assertBroken(file, dropped, 3, "removed");

    List<String> reordered = new ArrayList<>(original);
    Collections.swap(reordered, 0, 1);
    assertBroken(file, reordered, 2, "reordered");

    Files.delete(file);
    JsonObject report = verify(true);
    assertThat(report.getBoolean("valid")).isFalse();
    assertThat(report.getJsonObject("journal").getString("problem")).contains(a.fileName()).contains("missing");
    Map.Entry<Integer, String> offline = verifyCommand();
    assertThat(offline.getKey()).isEqualTo(1);
    assertThat(offline.getValue()).contains("INVALID: journal broken at seq 1").contains(a.fileName() + " is missing");
    // without re-reading files the anchors alone still link
    assertThat(verify(false).getBoolean("valid")).isTrue();
  }

  void assertBroken(Path file, List<String> lines, long seq, String problem) throws Exception {
    byte[] before = Files.readAllBytes(file);
    Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    try {
      JsonObject report = verify(true);
      assertThat(report.getBoolean("valid")).isFalse();
      assertThat(report.getJsonObject("journal").getLong("first_invalid_seq")).isEqualTo(seq);
      assertThat(report.getJsonObject("journal").getString("problem")).contains(file.getFileName().toString())
        .contains(problem);
    } finally {
      Files.write(file, before);
    }
    assertThat(verify(true).getBoolean("valid")).isTrue();
  }

  @Test
  void thePeriodicJobArchivesOnItsOwn() throws Exception {
    gw.close();
    gw = TestGateway.start(TestDb.freshEmbedded(), Map.of("HITL_RETENTION_DAYS", "1",
      "HITL_RETENTION_CHECK_SECONDS", "1", "HITL_ARCHIVE_DIR", archive.toString()), clock);
    engine = gw.token("engine-1", "submitter");
    alice = gw.token("alice", "approver", "viewer");
    String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
    gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    clock.advance(Duration.ofDays(2));
    Poll.until(() -> {
      try {
        return minLiveSeq();
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, seq -> seq > 1, Duration.ofSeconds(60), "the retention job to archive the first entries");
    assertThat(verify(true).getBoolean("valid")).isTrue();
  }
}
