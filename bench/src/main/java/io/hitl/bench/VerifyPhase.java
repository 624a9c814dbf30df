package io.hitl.bench;

import io.hitl.gateway.audit.CheckpointFiles;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost of {@code GET /api/v1/audit/verify}: a gateway of its own whose journal is seeded with {@code entries}
 * entries straight in SQL (hashed and linked as the gateway links them, {@code journal_head} moved along), then the
 * whole chain is verified over HTTP; once a checkpoint has signed the head, {@code increment} more entries are
 * appended and {@code ?from_checkpoint=true} is timed. Any answer but valid, or a report that did not walk what
 * was seeded, stops the run.
 */
final class VerifyPhase {
  /** Characters of text in each seeded payload, about what a request's journal entries carry. */
  private static final int NOTE_CHARS = 200;
  private static final int CHUNK = 100_000;

  private final String viewer;
  private final SseFanOut.Figures sink;

  VerifyPhase(String viewer, SseFanOut.Figures sink) {
    this.viewer = viewer;
    this.sink = sink;
  }

  /**
   * {@code settings} start the gateway; its checkpoints go to {@code checkpoints}, signed every {@code entries}
   * entries only, so the seeded head is signed and the increment after it is not.
   */
  void run(Path jar, Map<String, String> settings, Path checkpoints, String jdbc, int entries, int increment, Path log)
      throws Exception {
    if (increment >= entries) {
      throw new IllegalArgumentException("the increment must stay below the checkpoint interval (" + entries + ")");
    }
    Map<String, String> env = new HashMap<>(settings);
    env.put("HITL_CHECKPOINT_DIR", checkpoints.toString());
    env.put("HITL_CHECKPOINT_EVERY_ENTRIES", String.valueOf(entries));
    env.put("HITL_CHECKPOINT_EVERY_SECONDS", "86400");
    try (GatewayProcess gw = GatewayProcess.start(jar, env, "1g", log)) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      long t0 = System.nanoTime();
      long head = append(jdbc, entries, Instant.now().minusSeconds(86_400));
      double seeding = (System.nanoTime() - t0) / 1e9;

      Path signed = checkpoints.resolve(CheckpointFiles.fileName(head));
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!Files.exists(signed)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no checkpoint signed the head " + head + " within 120 s; see " + log);
        }
        Thread.sleep(100);
      }

      long started = System.nanoTime();
      JsonObject full = verify(http, gw.httpPort, false, log);
      double fullSeconds = (System.nanoTime() - started) / 1e9;
      long walked = full.getJsonObject("journal").getLong("entries_checked");
      if (walked < entries) {
        throw new IllegalStateException("verify walked " + walked + " entries of " + entries + " seeded: " + full);
      }

      long newHead = append(jdbc, increment, Instant.now().minusSeconds(3_600));
      List<Double> incremental = new ArrayList<>();
      JsonObject last = null;
      for (int i = 0; i < 3; i++) {
        started = System.nanoTime();
        last = verify(http, gw.httpPort, true, log);
        incremental.add((System.nanoTime() - started) / 1e9);
        JsonObject journal = last.getJsonObject("journal");
        Long from = journal.getLong("from_checkpoint_seq");
        if (from == null || from != head || journal.getLong("entries_checked") < newHead - head) {
          throw new IllegalStateException("incremental verify did not walk from the checkpoint at " + head + " to "
            + newHead + ": " + last);
        }
      }
      List<Double> sorted = new ArrayList<>(incremental);
      Collections.sort(sorted);
      double median = sorted.get(1);

      Map<String, Object> details = new HashMap<>();
      details.put("entries_checked", walked);
      details.put("seconds_per_million", fullSeconds / walked * 1_000_000);
      details.put("seconds_per_10_million", fullSeconds / walked * 10_000_000);
      details.put("seeding_seconds", seeding);
      details.put("payload_note_chars", NOTE_CHARS);
      details.put("approvals_rows_checked", full.getJsonObject("approvals").getLong("rows_checked"));
      details.put("checkpoints", full.getValue("checkpoints"));
      sink.figure("verify of " + walked + " entries (whole chain)", fullSeconds, "s", null, null, null,
        "< 60 s per 10,000,000", fullSeconds / walked * 10_000_000 < 60, details);
      long since = last.getJsonObject("journal").getLong("entries_checked");
      double per100k = median / since * 100_000;
      sink.figure("incremental verify per 100,000 new entries", per100k, "s", null, null, null, "< 1 s",
        per100k < 1, Map.of("new_entries", since, "from_checkpoint_seq", head,
          "runs_seconds", incremental.toString(), "median_seconds", median));
    }
  }

  private JsonObject verify(HttpClient http, int port, boolean fromCheckpoint, Path log) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
      + "/api/v1/audit/verify" + (fromCheckpoint ? "?from_checkpoint=true" : "")))
      .header("Authorization", "Bearer " + viewer).timeout(Duration.ofMinutes(15)).build(),
      HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("verify answered " + r.statusCode() + ": " + r.body() + "; see " + log);
    }
    JsonObject report = new JsonObject(r.body());
    if (!Boolean.TRUE.equals(report.getBoolean("valid"))) {
      throw new IllegalStateException("verify found the seeded journal invalid: " + r.body());
    }
    return report;
  }

  /**
   * Appends {@code n} entries after the current head, as the gateway links them ({@code hash = sha256(prev_hash |
   * seq | content_hash)}), one transaction per {@code CHUNK} that also moves {@code journal_head}; returns the head.
   */
  static long append(String jdbc, int n, Instant at) throws Exception {
    String note = "x".repeat(NOTE_CHARS);
    long seq = 0;
    try (Connection c = DriverManager.getConnection(jdbc + "?reWriteBatchedInserts=true", "postgres", null)) {
      c.setAutoCommit(false);
      for (int done = 0; done < n; ) {
        int chunk = Math.min(CHUNK, n - done);
        String prev;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT seq, hash FROM journal_head WHERE id = 1 FOR UPDATE")) {
          rs.next();
          seq = rs.getLong(1);
          prev = rs.getString(2);
        }
        String prevOfLast = prev;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO journal (seq, approval_id, target, actor, action, "
          + "previous_state, new_state, payload, correlation_id, error_code, created_at, prev_hash, hash) "
          + "VALUES (?, NULL, ?, ?, ?, NULL, NULL, ?::jsonb, ?, NULL, ?, ?, ?)")) {
          for (int i = done; i < done + chunk; i++) {
            seq++;
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("n", i);
            payload.put("note", note);
            JournalEntry e = JournalEntry.of(null, "seed", "engine-" + (i % 7), i % 2 == 0 ? "seeded" : "seeded_odd",
              null, null, payload, "corr-" + i, null, at.plusMillis(i));
            String hash = Hashing.chainHash(prev, seq, Hashing.contentHash(e));
            ps.setLong(1, seq);
            ps.setString(2, e.target());
            ps.setString(3, e.actor());
            ps.setString(4, e.action());
            ps.setString(5, new JsonObject(payload).encode());
            ps.setString(6, e.correlationId());
            ps.setObject(7, e.createdAt().atOffset(ZoneOffset.UTC));
            ps.setString(8, prev);
            ps.setString(9, hash);
            ps.addBatch();
            prevOfLast = prev;
            prev = hash;
            if (i % 1000 == 999) {
              ps.executeBatch();
            }
          }
          ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE journal_head SET seq = ?, hash = ?, prev_hash = ? "
          + "WHERE id = 1")) {
          ps.setLong(1, seq);
          ps.setString(2, prev);
          ps.setString(3, prevOfLast);
          ps.executeUpdate();
        }
        c.commit();
        done += chunk;
      }
    }
    return seq;
  }
}
