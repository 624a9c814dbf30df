package io.hitl.bench;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.ApprovalState;
import io.hitl.gateway.core.machine.RowCheck;
import io.hitl.gateway.core.machine.VoteRow;
import io.hitl.gateway.store.Json;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The CPU cost of the check every read, decision and verify makes of one request (its row and vote against its
 * journal entries: {@code RowCheck.of}), and of its parts, on one thread: a trade approved with one vote, its entries
 * stored and read back through JSON as the gateway reads them, its policy snapshot the one a default gateway stores.
 * Run it with the gateway jar to measure first on the class path, so two builds can be compared:
 * {@code java -cp JAR:bench/target/hitl-bench.jar io.hitl.bench.RowCheckCost [rounds]}. Prints microseconds per
 * call, each round 50,000 calls after the first rounds' warm-up.
 */
public final class RowCheckCost {
  private static final int CALLS = 50_000;
  private static final String POLICY = "{\"approvers\": {\"roles\": [], \"users\": []}, \"re_request\": "
    + "{\"max_per_lineage\": 3, \"cooldown_seconds\": 60}, \"policy_name\": \"default\", \"self_approval\": "
    + "\"forbid\", \"policy_version\": 0, \"timeout_action\": \"reject\", \"super_approvers\": [], "
    + "\"timeout_seconds\": 3600, \"acknowledgements\": [], \"escalation_targets\": [], \"required_approvals\": 1, "
    + "\"max_escalation_level\": 2, \"policy_document_hash\": "
    + "\"9254803bf00a6d0e5dd01818721829c67e08b66802920776a2ec2a4e7416c0e1\", \"escalate_before_seconds\": 0, "
    + "\"reminder_interval_seconds\": 0, \"escalation_extension_seconds\": 300}";

  private RowCheckCost() {
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    Instant t = Instant.parse("2026-11-20T10:11:12.123456Z");
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("ticker", "T42");
    context.put("action", "BUY");
    context.put("quantity", "420");
    context.put("price", "812.5");
    Map<String, Object> policy = Json.plainMap(new JsonObject(POLICY));
    Approval fresh = new Approval(UUID.randomUUID(), ApprovalTypes.TRADE_EXECUTION, "BUY 420 T42", null, context,
      null, "engine-3", "corr-1234", null, policy, "cd".repeat(32), ApprovalStatus.PENDING, 1, t.plusSeconds(3600),
      null, 0, null, null, null, null, null, null, null, null, t);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("type", ApprovalTypes.TRADE_EXECUTION);
    details.put("title", "BUY 420 T42");
    details.put("expires_at", Times.format(t.plusSeconds(3600)));
    details.put("policy", "default");
    details.put("policy_version", 0);
    details.put("required_approvals", 1);

    Stored s = new Stored();
    s.persist(ApprovalMachine.create(fresh, details, "engine-3", "corr-1234", t));
    s.persist(ApprovalMachine.decide(s.state, ApprovalStatus.APPROVED, "operator-7", "api", null, null,
      VoteRow.APPROVE, "corr-1234", t.plusSeconds(30)));
    Approval row = s.state.row();
    List<VoteRow> votes = new ArrayList<>(s.state.votes().values());
    RowCheck first = RowCheck.of(row, s.journal, votes);
    if (!first.ok()) {
      throw new IllegalStateException("the request does not pass its own check: " + first.problem());
    }
    JournalEntry created = s.journal.get(0);
    long sink = 0;
    for (int r = 1; r <= rounds; r++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        sink += RowCheck.of(row, s.journal, votes).ok() ? 1 : 0;
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        sink += row.integrityOk() ? 1 : 0;
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        sink += Hashing.contentHash(created).length();
      }
      long t3 = System.nanoTime();
      System.out.printf("round %d: row check %.1f us, row hash %.1f us, created entry's hash %.1f us%n", r,
        micros(t1 - t0), micros(t2 - t1), micros(t3 - t2));
    }
    if (sink == 42) {
      System.out.println();
    }
  }

  private static double micros(long nanos) {
    return nanos / 1000.0 / CALLS;
  }

  /** The journal as the store appends it (seq, chain hash, payload read back through JSON) and the row linked. */
  private static final class Stored {
    final List<JournalEntry> journal = new ArrayList<>();
    ApprovalState state;
    long seq = 1000;
    String head = Hashing.GENESIS;

    void persist(ApprovalMachine.Transition tr) {
      for (ApprovalMachine.Step step : tr.steps()) {
        JournalEntry e = step.entry();
        seq++;
        String hash = Hashing.chainHash(head, seq, Hashing.contentHash(e));
        Map<String, Object> payload = Json.plainMap(new JsonObject(new JsonObject(e.payload()).encode()));
        journal.add(new JournalEntry(seq, e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(),
          e.newState(), payload, e.correlationId(), e.errorCode(), head, hash, e.createdAt()));
        head = hash;
      }
      state = tr.after();
      state = new ApprovalState(state.row().linked(seq, head), state.votes(), state.acknowledged(), true);
    }
  }
}
