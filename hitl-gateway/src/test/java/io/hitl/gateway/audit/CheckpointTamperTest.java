package io.hitl.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hitl.gateway.core.Checkpoint;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.store.JournalStore;
import io.hitl.gateway.support.Poll;
import io.hitl.gateway.support.TestDb;
import io.hitl.gateway.support.TestGateway;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The journal held against signed checkpoints kept outside PostgreSQL: tampers the chain alone cannot see. */
class CheckpointTamperTest {
  TestGateway gw;
  final Path checkpoints = TestGateway.tempDir().resolve("checkpoints");

  @AfterEach
  void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  TestGateway start(String db, String key, String trusted) {
    Map<String, String> env = new HashMap<>();
    env.put("HITL_CHECKPOINT_DIR", checkpoints.toString());
    env.put("HITL_CHECKPOINT_EVERY_ENTRIES", "1");
    env.put("HITL_CHECKPOINT_KEY", key);
    if (trusted != null) {
      env.put("HITL_CHECKPOINT_PUBLIC_KEYS", trusted);
    }
    return TestGateway.start(db, env);
  }

  static KeyPair keys() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  static String pem(KeyPair k) {
    return Checkpoint.pem("PRIVATE KEY", k.getPrivate().getEncoded());
  }

  static String pub(KeyPair k) {
    return Base64.getEncoder().encodeToString(k.getPublic().getEncoded());
  }

  /** Some history, then waits until a checkpoint signs the head. */
  long activityCheckpointed() throws Exception {
    String engine = gw.token("engine-1", "submitter");
    String alice = gw.token("alice", "approver");
    for (int i = 0; i < 3; i++) {
      String id = gw.call("POST", "/api/v1/approvals/trade", engine, TestGateway.trade()).json().getString("request_id");
      gw.call("POST", "/api/v1/approvals/" + id + "/approve", alice, null);
    }
    long head = head();
    Poll.until(this::newestCheckpoint, seq -> seq >= head, Duration.ofSeconds(20), "a checkpoint of seq " + head);
    return head;
  }

  long head() throws Exception {
    return new JournalStore().head(gw.gateway.pool()).toCompletionStage().toCompletableFuture().get().seq();
  }

  long newestCheckpoint() {
    try {
      return CheckpointFiles.newestSeq(checkpoints);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  JsonObject verify() {
    return verify("");
  }

  JsonObject verify(String query) {
    String viewer = gw.token("vera", "viewer");
    TestGateway.Response r = gw.call("GET", "/api/v1/audit/verify" + query, viewer, null);
    assertThat(r.status()).isEqualTo(200);
    return r.json();
  }

  @Test
  void checkpointFilesAreSignedByTheConfiguredKeyAndVerifyMatchesThem() throws Exception {
    KeyPair k = keys();
    gw = start(TestDb.freshEmbedded(), pem(k), null);
    long head = activityCheckpointed();
    Path file = checkpoints.resolve(CheckpointFiles.fileName(newestCheckpoint()));
    JsonObject json = new JsonObject(Files.readString(file));
    assertThat(json.fieldNames()).containsExactlyInAnyOrder("seq", "hash", "time", "key_id", "signature");
    Checkpoint c = new Checkpoint(json.getLong("seq"), json.getString("hash"), java.time.Instant.parse(json.getString("time")),
      json.getString("key_id"), json.getString("signature"));
    assertThat(c.keyId()).isEqualTo(Checkpoint.keyId(k.getPublic()));
    assertThat(c.signedBy(k.getPublic())).isTrue();
    assertThat(c.seq()).isGreaterThanOrEqualTo(head);
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).as(report.encodePrettily()).isTrue();
    assertThat(report.getJsonObject("checkpoints").getInteger("matched")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void anEntryEditedWithTheChainRecomputedToTheHeadIsCaughtByTheCheckpoint() throws Exception {
    gw = start(TestDb.freshEmbedded(), pem(keys()), null);
    long signed = activityCheckpointed();
    List<JournalEntry> entries = new JournalStore().pageAfter(gw.gateway.pool(), 0, 10_000).toCompletionStage()
      .toCompletableFuture().get();
    JournalEntry approved = entries.stream().filter(e -> e.action().equals("approved")).findFirst().orElseThrow();
    // the documented algorithm: content hash over the canonical fields, each link sha256(prev | seq | content)
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
      String prev = null;
      PreparedStatement u = c.prepareStatement("UPDATE journal SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?");
      for (JournalEntry e : entries) {
        if (e.seq() < approved.seq()) {
          prev = e.hash();
          continue;
        }
        String actor = e.seq() == approved.seq() ? "mallory" : e.actor();
        JournalEntry edited = new JournalEntry(e.seq(), e.approvalId(), e.target(), actor, e.action(),
          e.previousState(), e.newState(), e.payload(), e.correlationId(), e.errorCode(), prev, null, e.createdAt());
        String hash = Hashing.chainHash(prev, e.seq(), Hashing.contentHash(edited));
        u.setString(1, actor);
        u.setString(2, prev);
        u.setString(3, hash);
        u.setLong(4, e.seq());
        u.executeUpdate();
        prev = hash;
      }
      PreparedStatement h = c.prepareStatement("UPDATE journal_head SET hash = ? WHERE id = 1");
      h.setString(1, prev);
      h.executeUpdate();
    }
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).isFalse();
    assertThat(report.getJsonObject("journal").getValue("first_invalid_seq")).as("the chain itself links").isNull();
    assertThat(report.getJsonObject("checkpoints").getJsonArray("problems").encode())
      .contains("seq " + signed).contains("chain recomputed");
  }

  @Test
  void incrementalVerifyChecksTheChainFromTheNewestCheckpointAndAnEditThereFallsBackToTheWholeChain()
      throws Exception {
    gw = start(TestDb.freshEmbedded(), pem(keys()), null);
    long signed = activityCheckpointed();
    JsonObject full = verify();
    JsonObject incremental = verify("?from_checkpoint=true");
    assertThat(incremental.getBoolean("valid")).as(incremental.encodePrettily()).isTrue();
    assertThat(full.getJsonObject("journal").getValue("from_checkpoint_seq")).isNull();
    assertThat(incremental.getJsonObject("journal").getLong("from_checkpoint_seq")).isGreaterThanOrEqualTo(signed);
    assertThat(incremental.getJsonObject("journal").getLong("entries_checked"))
      .isLessThan(full.getJsonObject("journal").getLong("entries_checked"));
    assertThat(incremental.getJsonObject("checkpoints").getInteger("matched")).isEqualTo(1);

    long at = incremental.getJsonObject("journal").getLong("from_checkpoint_seq");
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
      s.execute("UPDATE journal SET actor = 'mallory' WHERE seq = " + at);
    }
    JsonObject tampered = verify("?from_checkpoint=true");
    assertThat(tampered.getBoolean("valid")).isFalse();
    assertThat(tampered.getJsonObject("journal").getValue("from_checkpoint_seq")).as("the anchor did not hold").isNull();
    assertThat(tampered.getJsonObject("journal").getLong("first_invalid_seq")).isEqualTo(at);
    assertThat(gw.call("GET", "/api/v1/audit/verify?from_checkpoint=maybe", gw.token("vera", "viewer"), null).status())
      .isEqualTo(400);
  }

  @Test
  void aTruncatedJournalIsCaughtByACheckpointBeyondItsEnd() throws Exception {
    gw = start(TestDb.freshEmbedded(), pem(keys()), null);
    long signed = activityCheckpointed();
    try (Connection c = TestDb.jdbc(gw.dbUrl); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE journal DISABLE TRIGGER journal_no_update_delete");
      s.execute("DELETE FROM journal WHERE seq > " + (signed - 2));
      s.execute("UPDATE journal_head SET seq = j.seq, prev_hash = j.prev_hash, hash = j.hash FROM "
        + "(SELECT seq, prev_hash, hash FROM journal ORDER BY seq DESC LIMIT 1) j WHERE id = 1");
    }
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).isFalse();
    assertThat(report.getJsonObject("journal").getValue("first_invalid_seq")).as("the chain itself links").isNull();
    assertThat(report.getJsonObject("checkpoints").getJsonArray("problems").encode())
      .contains(CheckpointFiles.fileName(signed)).contains("newest entries were removed");
  }

  @Test
  void aCheckpointFileWithABadSignatureIsNamed() throws Exception {
    gw = start(TestDb.freshEmbedded(), pem(keys()), null);
    long signed = activityCheckpointed();
    Path file = checkpoints.resolve(CheckpointFiles.fileName(signed));
    JsonObject json = new JsonObject(Files.readString(file));
    Files.writeString(file, json.put("hash", "0".repeat(64)).encode(), StandardCharsets.UTF_8);
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).isFalse();
    assertThat(report.getJsonObject("checkpoints").getJsonArray("problems").encode())
      .contains(file.getFileName().toString()).contains("bad signature");
  }

  @Test
  void afterAKeyRotationOldCheckpointsVerifyWithTheOldPublicKey() throws Exception {
    KeyPair old = keys();
    KeyPair current = keys();
    String db = TestDb.freshEmbedded();
    gw = start(db, pem(old), null);
    long before = activityCheckpointed();
    gw.close();
    gw = start(db, pem(current), pub(old));
    long after = activityCheckpointed();
    assertThat(after).isGreaterThan(before);
    try (Stream<Path> files = Files.list(checkpoints)) {
      assertThat(files.map(p -> {
        try {
          return new JsonObject(Files.readString(p)).getString("key_id");
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }).distinct()).containsExactlyInAnyOrder(Checkpoint.keyId(old.getPublic()), Checkpoint.keyId(current.getPublic()));
    }
    JsonObject report = verify();
    assertThat(report.getBoolean("valid")).as(report.encodePrettily()).isTrue();
    gw.close();

    gw = start(db, pem(current), null);
    JsonObject untrusted = verify();
    assertThat(untrusted.getBoolean("valid")).isFalse();
    assertThat(untrusted.getJsonObject("checkpoints").getJsonArray("problems").encode())
      .contains(Checkpoint.keyId(old.getPublic())).contains("not trusted");
  }
}
