package io.hitl.bench;

import io.hitl.gateway.core.Approval;
import io.hitl.gateway.core.ApprovalStatus;
import io.hitl.gateway.core.ApprovalTypes;
import io.hitl.gateway.core.Hashing;
import io.hitl.gateway.core.JournalEntry;
import io.hitl.gateway.core.Times;
import io.hitl.gateway.core.machine.ApprovalEntry;
import io.hitl.gateway.core.machine.ApprovalMachine;
import io.hitl.gateway.core.machine.RowCheck;
import io.hitl.gateway.core.machine.VoteRow;
import io.hitl.gateway.core.policy.PolicySnapshot;
import io.hitl.gateway.store.Json;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * A request history of {@code rows} requests written straight into PostgreSQL with COPY, as the gateway would have
 * left it: each request has its journal entries (created, then the decision for a decided one, hashed and chained
 * after the current head, which moves along), its row linked to its last entry with a valid row hash, and the vote
 * row its decision stored. Reads check every row against its journal, so a row without its entries would be
 * reported as an integrity failure. Every value is a function of the row number (the times relative to the start),
 * so two runs seed the same set.
 *
 * <p>The secondary indexes of approvals, approval_votes and journal are dropped before the COPY and created again
 * from their saved definitions after it (primary keys and unique constraints stay), then the tables are vacuumed and
 * analyzed. The tables' triggers only refuse updates and deletes, so they stay on.
 */
final class HistorySeed {
  /** The types besides trades, each about 3.3 % of the rows (built-in types: the gateway creates no others). */
  static final List<String> OTHER_TYPES = List.of("STRATEGY_CHANGE", "CONFIG_UPDATE", "RISK_LIMIT_CHANGE");
  static final int TICKERS = 500;
  static final int ENGINES = 7;
  static final int OPERATORS = 40;
  /** Rows per COPY batch; the next batch is built while this one is copied. */
  private static final int CHUNK = 2_000;
  /** Threads building rows: the machine's cores, which PostgreSQL's COPY shares. */
  private static final int WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());
  /** Offsets of the row number for its second and third hash. */
  private static final long SECOND = 0x632BE59BD9B4E019L;
  private static final long THIRD = 0x85157AF5L;
  /** Every this many rows (and the first 200) the built row is checked against its entries as reads check it. */
  private static final int CHECK_EVERY = 9_973;
  private static final String APPROVAL_COLUMNS = "id, type, title, description, context, trade_id, requested_by, "
    + "correlation_id, idempotency_key, policy, policy_hash, status, required_approvals, expires_at, escalate_at, "
    + "escalation_level, lineage_id, decided_at, decided_by, decision_channel, decision_reason, decision_comment, "
    + "overrides, row_hash, created_at, journal_seq, journal_hash, row_hash_version";
  private static final String JOURNAL_COLUMNS = "seq, approval_id, target, actor, action, previous_state, new_state, "
    + "payload, correlation_id, error_code, created_at, prev_hash, hash";

  /** What was written and how long each step took. */
  record Result(long rows, long votes, long journalEntries, double seconds, double copySeconds,
      double batchesWaitedSeconds, double indexSeconds, double vacuumSeconds, boolean voteApprovalCreatedAt,
      List<String> indexesRebuilt) {
    Map<String, Object> details() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("votes", votes);
      m.put("journal_entries", journalEntries);
      m.put("seconds", seconds);
      m.put("copy_seconds", copySeconds);
      m.put("copy_batches_waiting_seconds", batchesWaitedSeconds);
      m.put("index_seconds", indexSeconds);
      m.put("vacuum_analyze_seconds", vacuumSeconds);
      m.put("votes_carry_approval_created_at", voteApprovalCreatedAt);
      m.put("indexes_rebuilt", String.join(",", indexesRebuilt));
      return m;
    }
  }

  private final int rows;
  private final Instant start;
  private final long stepMicros;
  private final Instant pendingUntil;
  private final Map<String, Object> policy;
  private final String policyJson;
  private final String policyHash;
  private long seq;
  private String head;
  private boolean voteCreatedAt;
  private ExecutorService workers;
  private final ThreadLocal<CanonicalWriter> writers = ThreadLocal.withInitial(CanonicalWriter::new);

  /**
   * {@code rows} requests created evenly over the 30 days before {@code now} (the newest an hour before it), under
   * {@code policy} (a snapshot as a request of the gateway stored it, and its hash).
   */
  HistorySeed(int rows, Instant now, Map<String, Object> policy, String policyHash) {
    this.rows = rows;
    Instant end = Times.micros(now).minus(Duration.ofHours(1));
    this.start = end.minus(Duration.ofDays(30)).plus(Duration.ofHours(1));
    this.stepMicros = Math.max(1, Duration.between(start, end).toNanos() / 1000 / Math.max(1, rows - 1));
    // pending requests stay pending through the run: their deadlines are two days ahead and more
    this.pendingUntil = Times.micros(now).plus(Duration.ofDays(2));
    this.policy = policy;
    this.policyJson = policy == null ? null : new CanonicalWriter().write(policy);
    this.policyHash = policyHash;
  }

  /** The status of row {@code i}: 1 % pending, 60 % approved, 20 % rejected, 15 % expired, 4 % cancelled. */
  static ApprovalStatus status(long i) {
    int p = (int) (i % 100);
    if (p == 0) {
      return ApprovalStatus.PENDING;
    }
    if (p <= 60) {
      return ApprovalStatus.APPROVED;
    }
    if (p <= 80) {
      return ApprovalStatus.REJECTED;
    }
    return p <= 95 ? ApprovalStatus.EXPIRED : ApprovalStatus.CANCELLED;
  }

  /** Whether approved row {@code i} stored a vote with its decision (about one in ten). */
  static boolean voted(long i) {
    return status(i) == ApprovalStatus.APPROVED && pick(mix(i + SECOND), 20, 10) == 0;
  }

  /**
   * Row {@code i}'s id. Ids are time-ordered: the row number in the high bits (a version 7 layout), so the primary
   * key and the journal's index by approval append instead of splitting pages all over; the gateway's own ids are
   * random, which only costs its inserts, not the reads measured here.
   */
  static UUID id(long i) {
    long h = mix(i);
    return new UUID(((i + 1) << 16) | 0x7000L | (h & 0x0FFFL), 0x8000000000000000L | (h >>> 2));
  }

  /** Writes the history over JDBC at {@code jdbc} (a server nothing else uses meanwhile). */
  Result write(String jdbc) throws Exception {
    long t0 = System.nanoTime();
    long votes = 0;
    long entries = 0;
    // how long the built batches waited for a connection to take them: the COPY, not the building, set the pace
    long waited = 0;
    List<String> rebuilt = new ArrayList<>();
    List<String> rowIndexes = new ArrayList<>();
    List<String> journalIndexes = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "history-seed");
      t.setDaemon(true);
      return t;
    });
    workers = Executors.newFixedThreadPool(WORKERS, r -> {
      Thread t = new Thread(r, "history-seed-rows");
      t.setDaemon(true);
      return t;
    });
    // two connections, so that PostgreSQL parses the approvals and the journal on both cores: approvals and their
    // votes on one, the journal (whose head stays locked until the entries are in) on the other
    try (Connection rowsDb = DriverManager.getConnection(jdbc, "postgres", null);
         Connection journalDb = DriverManager.getConnection(jdbc, "postgres", null)) {
      try (Statement s = rowsDb.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
             + "current_schema() AND table_name = 'approval_votes' AND column_name = 'approval_created_at'")) {
        rs.next();
        voteCreatedAt = rs.getLong(1) > 0;
      }
      // the secondary indexes go (primary keys and unique constraints stay) and come back from their definitions
      try (Statement s = rowsDb.createStatement();
           ResultSet rs = s.executeQuery("SELECT tablename, indexname, indexdef FROM pg_indexes i WHERE schemaname = "
             + "current_schema() AND tablename IN ('approvals', 'approval_votes', 'journal') AND NOT EXISTS "
             + "(SELECT 1 FROM pg_constraint k WHERE k.conindid = format('%I.%I', i.schemaname, i.indexname)"
             + "::regclass) ORDER BY tablename, indexname")) {
        while (rs.next()) {
          rebuilt.add(rs.getString(2));
          (rs.getString(1).equals("journal") ? journalIndexes : rowIndexes).add(rs.getString(3));
        }
      }
      try (Statement s = rowsDb.createStatement()) {
        for (String name : rebuilt) {
          s.execute("DROP INDEX \"" + name + "\"");
        }
      }
      for (Connection c : List.of(rowsDb, journalDb)) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.execute("SET maintenance_work_mem = '1GB'");
        }
      }
      try (Statement s = journalDb.createStatement();
           ResultSet rs = s.executeQuery("SELECT seq, hash FROM journal_head WHERE id = 1 FOR UPDATE")) {
        rs.next();
        seq = rs.getLong(1);
        head = rs.getString(2);
      }
      CopyManager rowsCopy = rowsDb.unwrap(PGConnection.class).getCopyAPI();
      CopyManager journalCopy = journalDb.unwrap(PGConnection.class).getCopyAPI();
      String approvalsSql = "COPY approvals (" + APPROVAL_COLUMNS + ") FROM STDIN WITH (FORMAT binary)";
      String votesSql = "COPY approval_votes (approval_id, approver, decision, channel, comment, created_at"
        + (voteCreatedAt ? ", approval_created_at" : "") + ") FROM STDIN WITH (FORMAT binary)";
      String journalSql = "COPY journal (" + JOURNAL_COLUMNS + ") FROM STDIN WITH (FORMAT binary)";
      // each connection copies the batches in order as fast as it goes; the batches are built meanwhile
      BlockingQueue<Chunk> toRows = new ArrayBlockingQueue<>(2);
      BlockingQueue<Chunk> toJournal = new ArrayBlockingQueue<>(2);
      List<Future<Void>> copying = List.of(threads.submit(() -> copy(toRows, c -> {
        rowsCopy.copyIn(approvalsSql, CopyBinary.stream(c.approvals));
        rowsCopy.copyIn(votesSql, CopyBinary.stream(c.votes));
      })), threads.submit(() -> copy(toJournal, c -> journalCopy.copyIn(journalSql, CopyBinary.stream(c.journal)))));
      String prevOfHead = null;
      for (int from = 0; from < rows; from += CHUNK) {
        Chunk chunk = chunk(from);
        long w = System.nanoTime();
        hand(toRows, chunk, copying);
        hand(toJournal, chunk, copying);
        waited += System.nanoTime() - w;
        votes += chunk.voteRows;
        entries += chunk.entries;
        prevOfHead = chunk.prevOfHead;
      }
      hand(toRows, END, copying);
      hand(toJournal, END, copying);
      for (Future<Void> f : copying) {
        f.get(10, TimeUnit.MINUTES);
      }
      try (PreparedStatement ps = journalDb.prepareStatement("UPDATE journal_head SET seq = ?, hash = ?, "
        + "prev_hash = ? WHERE id = 1")) {
        ps.setLong(1, seq);
        ps.setString(2, head);
        ps.setString(3, prevOfHead);
        ps.executeUpdate();
      }
      rowsDb.commit();
      journalDb.commit();
      double copySeconds = (System.nanoTime() - t0) / 1e9;

      long t1 = System.nanoTime();
      Future<?> journalBuilt = threads.submit(() -> indexes(journalDb, journalIndexes));
      indexes(rowsDb, rowIndexes);
      journalBuilt.get(60, TimeUnit.MINUTES);
      double indexSeconds = (System.nanoTime() - t1) / 1e9;

      long t2 = System.nanoTime();
      for (Connection c : List.of(rowsDb, journalDb)) {
        c.setAutoCommit(true);
      }
      // the journal too: left to autovacuum, the pass its millions of inserts call for would run in the measurement
      Future<?> journalVacuumed = threads.submit(() -> {
        try (Statement s = journalDb.createStatement()) {
          s.execute("VACUUM ANALYZE journal");
        }
        return null;
      });
      try (Statement s = rowsDb.createStatement()) {
        s.execute("VACUUM ANALYZE approvals, approval_votes");
      }
      journalVacuumed.get(60, TimeUnit.MINUTES);
      double vacuumSeconds = (System.nanoTime() - t2) / 1e9;
      return new Result(rows, votes, entries, (System.nanoTime() - t0) / 1e9, copySeconds, waited / 1e9, indexSeconds,
        vacuumSeconds, voteCreatedAt, rebuilt);
    } finally {
      threads.shutdownNow();
      workers.shutdownNow();
    }
  }

  /** The batch after the last. */
  private static final Chunk END = new Chunk();

  private interface Copy {
    void copy(Chunk c) throws Exception;
  }

  /** Copies the batches of {@code queue} until {@link #END}; a batch awaited for ten minutes stops it. */
  private static Void copy(BlockingQueue<Chunk> queue, Copy copy) throws Exception {
    while (true) {
      Chunk c = queue.poll(10, TimeUnit.MINUTES);
      if (c == null) {
        throw new IllegalStateException("no batch to copy for ten minutes");
      }
      if (c == END) {
        return null;
      }
      copy.copy(c);
    }
  }

  /** Hands {@code chunk} to a connection's queue; stops if a copy failed or nothing was taken for ten minutes. */
  private static void hand(BlockingQueue<Chunk> queue, Chunk chunk, List<Future<Void>> copying) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!queue.offer(chunk, 1, TimeUnit.SECONDS)) {
      for (Future<Void> f : copying) {
        if (f.isDone()) {
          f.get();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no batch copied for ten minutes");
      }
    }
  }

  /** Creates {@code definitions} on {@code c} and commits. */
  private static Void indexes(Connection c, List<String> definitions) throws Exception {
    try (Statement s = c.createStatement()) {
      for (String definition : definitions) {
        s.execute(definition);
      }
    }
    c.commit();
    return null;
  }

  /** One request as built before its entries are chained: everything that does not depend on the chain. */
  private static final class Prepared {
    Approval row;
    String context;
    JournalEntry created;
    String createdPayload;
    String createdContent;
    JournalEntry decided;
    String decidedPayload;
    String decidedContent;
    VoteRow vote;
    long createdSeq;
    String createdPrev;
    String createdHash;
    long decidedSeq;
    String decidedPrev;
    String decidedHash;
  }

  /** One COPY batch: the rows, votes and journal entries of rows {@code from} …, one part per worker. */
  private static final class Chunk {
    final List<CopyBinary> approvals = new ArrayList<>();
    final List<CopyBinary> votes = new ArrayList<>();
    final List<CopyBinary> journal = new ArrayList<>();
    long voteRows;
    long entries;
    String prevOfHead;
  }

  /**
   * Builds rows {@code from} … {@code from + CHUNK}; called in order, one at a time (the chain runs through them).
   * The rows and entries are built and hashed on the worker threads, the chain is linked in order here, then the
   * workers hash each row with its link and write the COPY rows.
   */
  private Chunk chunk(int from) throws Exception {
    int to = Math.min(rows, from + CHUNK);
    Prepared[] p = new Prepared[to - from];
    inParallel(from, to, (a, b) -> {
      for (int i = a; i < b; i++) {
        p[i - from] = prepare(i);
      }
      return null;
    });
    Chunk chunk = new Chunk();
    for (Prepared x : p) {
      x.createdSeq = ++seq;
      x.createdPrev = head;
      x.createdHash = Hashing.chainHash(head, x.createdSeq, x.createdContent);
      head = x.createdHash;
      chunk.prevOfHead = x.createdPrev;
      chunk.entries++;
      if (x.decided != null) {
        x.decidedSeq = ++seq;
        x.decidedPrev = head;
        x.decidedHash = Hashing.chainHash(head, x.decidedSeq, x.decidedContent);
        head = x.decidedHash;
        chunk.prevOfHead = x.decidedPrev;
        chunk.entries++;
      }
      if (x.vote != null) {
        chunk.voteRows++;
      }
    }
    for (CopyBinary[] part : inParallel(from, to, (a, b) -> {
      CopyBinary approvals = new CopyBinary((b - a) * 900);
      CopyBinary votes = new CopyBinary((b - a) * 10);
      CopyBinary journal = new CopyBinary((b - a) * 1800);
      for (int i = a; i < b; i++) {
        finish(i, p[i - from], approvals, votes, journal);
      }
      return new CopyBinary[] {approvals, votes, journal};
    })) {
      chunk.approvals.add(part[0]);
      chunk.votes.add(part[1]);
      chunk.journal.add(part[2]);
    }
    return chunk;
  }

  /** Work on rows {@code from} … {@code to} split into one contiguous range per worker; the results in order. */
  private <T> List<T> inParallel(int from, int to, Range<T> work) throws Exception {
    List<Future<T>> parts = new ArrayList<>();
    int step = (to - from + WORKERS - 1) / WORKERS;
    for (int a = from; a < to; a += step) {
      int lo = a;
      int hi = Math.min(to, a + step);
      parts.add(workers.submit(() -> work.run(lo, hi)));
    }
    List<T> out = new ArrayList<>();
    for (Future<T> f : parts) {
      out.add(f.get(10, TimeUnit.MINUTES));
    }
    return out;
  }

  private interface Range<T> {
    T run(int from, int to) throws Exception;
  }

  /** This worker's canonical writer, which knows the policy snapshot's text. */
  private CanonicalWriter writer() {
    CanonicalWriter w = writers.get();
    w.forgetAllBut(policy);
    if (policy != null) {
      w.remember(policy);
    }
    return w;
  }

  /**
   * Row {@code i} as created and as decided, with its entries' content, before the chain links them. The hashes
   * are those of the gateway ({@code Hashing}: SHA-256 over the canonical text), the text written by a
   * {@link CanonicalWriter}; the JSON columns get the same text.
   */
  private Prepared prepare(int i) {
    // three hashes of the row number, each cut into three 20-bit draws: no two draws share bits
    long h = mix(i);
    long g = mix(i + SECOND);
    long k = mix(i + THIRD);
    UUID id = id(i);
    ApprovalStatus status = status(i);
    int t = pick(h, 20, 30);
    String type = t < 27 ? ApprovalTypes.TRADE_EXECUTION : OTHER_TYPES.get(t - 27);
    String ticker = "T" + pick(h, 0, TICKERS);
    String engine = "engine-" + pick(h, 40, ENGINES);
    String action = pick(k, 0, 2) == 0 ? "BUY" : "SELL";
    String quantity = String.valueOf(1 + pick(g, 40, 1000));
    // decimals as the gateway writes them: plain, without trailing zeros
    String price = BigDecimal.valueOf(10_000 + pick(k, 20, 90_000), 2).stripTrailingZeros().toPlainString();
    Map<String, Object> context = new LinkedHashMap<>();
    context.put("ticker", ticker);
    context.put("action", action);
    context.put("quantity", quantity);
    context.put("price", price);
    String title = type.equals(ApprovalTypes.TRADE_EXECUTION) ? action + " " + quantity + " " + ticker
      : type + " #" + i;
    String corr = "hist-" + i;
    Instant created = start.plus(stepMicros * i, ChronoUnit.MICROS);
    Instant expires = status == ApprovalStatus.PENDING
      ? pendingUntil.plusSeconds(pick(k, 40, 86_400)) : created.plusSeconds(3600);

    CanonicalWriter w = writer();
    Prepared x = new Prepared();
    x.context = w.remember(context);
    Approval fresh = new Approval(id, type, title, null, context, null, engine, corr, null, policy, policyHash,
      ApprovalStatus.PENDING, 1, expires, null, 0, null, null, null, null, null, null, null, null, created);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("type", type);
    details.put("title", title);
    details.put("expires_at", Times.format(expires));
    details.put("policy", PolicySnapshot.name(policy));
    details.put("policy_version", PolicySnapshot.version(policy));
    details.put("required_approvals", 1);
    x.created = new ApprovalEntry.Created(fresh, details).toJournal(id, engine, corr, null, created);
    x.createdPayload = w.remember(x.created.payload());
    x.createdContent = Hashing.sha256Hex(w.write(x.created.canonicalFields()));
    x.row = fresh;
    if (status == ApprovalStatus.PENDING) {
      return x;
    }
    String by;
    String channel;
    String reason = null;
    Instant at;
    if (status == ApprovalStatus.EXPIRED) {
      by = ApprovalMachine.SYSTEM;
      channel = ApprovalMachine.SYSTEM;
      reason = ApprovalMachine.REASON_TIMEOUT;
      at = expires;
    } else if (status == ApprovalStatus.CANCELLED) {
      by = engine;
      channel = "api";
      reason = "superseded";
      at = created.plusSeconds(60);
    } else {
      by = "operator-" + pick(g, 0, OPERATORS);
      channel = "api";
      at = created.plusSeconds(30);
    }
    String ballot = voted(i) ? VoteRow.APPROVE : null;
    x.row = new Approval(id, type, title, null, context, null, engine, corr, null, policy, policyHash, status, 1,
      expires, null, 0, null, at, by, channel, reason, null, null, null, created);
    // the decision covers the context (ApprovalEntry.Decided.payloadHash of a request without edits)
    x.decided = new ApprovalEntry.Decided(status, by, at, channel, reason, null, ballot, policyHash,
      Hashing.sha256Hex(x.context), ballot == null ? List.of() : List.of(by)).toJournal(id, by, corr, null, at);
    x.decidedPayload = w.remember(x.decided.payload());
    x.decidedContent = Hashing.sha256Hex(w.write(x.decided.canonicalFields()));
    x.vote = ballot == null ? null : new VoteRow(by, ballot, channel, null, at);
    return x;
  }

  /** Row {@code i} linked to its last entry and hashed, written out with its entries and vote. */
  private void finish(int i, Prepared x, CopyBinary approvals, CopyBinary votes, CopyBinary journal) {
    Approval a = x.row;
    long seq = x.decided == null ? x.createdSeq : x.decidedSeq;
    String hash = x.decided == null ? x.createdHash : x.decidedHash;
    Approval linked = new Approval(a.id(), a.type(), a.title(), a.description(), a.context(), a.tradeId(),
      a.requestedBy(), a.correlationId(), a.idempotencyKey(), a.policy(), a.policyHash(), a.status(),
      a.requiredApprovals(), a.expiresAt(), a.escalateAt(), a.escalationLevel(), a.lineageId(), a.decidedAt(),
      a.decidedBy(), a.decisionChannel(), a.decisionReason(), a.decisionComment(), a.overrides(), null, a.createdAt(),
      seq, hash, Approval.HASH_VERSION);
    CanonicalWriter w = writer();
    w.remember(a.context());
    Approval stored = new Approval(a.id(), a.type(), a.title(), a.description(), a.context(), a.tradeId(),
      a.requestedBy(), a.correlationId(), a.idempotencyKey(), a.policy(), a.policyHash(), a.status(),
      a.requiredApprovals(), a.expiresAt(), a.escalateAt(), a.escalationLevel(), a.lineageId(), a.decidedAt(),
      a.decidedBy(), a.decisionChannel(), a.decisionReason(), a.decisionComment(), a.overrides(),
      Hashing.sha256Hex(w.write(linked.canonicalFields())), a.createdAt(), seq, hash, Approval.HASH_VERSION);
    approval(approvals, stored, x.context);
    entry(journal, x.created, x.createdSeq, x.createdPrev, x.createdHash, x.createdPayload);
    if (x.decided != null) {
      entry(journal, x.decided, x.decidedSeq, x.decidedPrev, x.decidedHash, x.decidedPayload);
    }
    if (x.vote != null) {
      votes.row(voteCreatedAt ? 7 : 6).uuid(stored.id()).text(x.vote.approver()).text(x.vote.decision())
        .text(x.vote.channel()).text(x.vote.comment()).timestamp(x.vote.at());
      if (voteCreatedAt) {
        votes.timestamp(stored.createdAt());
      }
    }
    if (i < 200 || i % CHECK_EVERY == 0) {
      List<JournalEntry> entries = new ArrayList<>();
      entries.add(linked(x.created, x.createdSeq, x.createdPrev, x.createdHash));
      if (x.decided != null) {
        entries.add(linked(x.decided, x.decidedSeq, x.decidedPrev, x.decidedHash));
      }
      check(stored, entries, x.vote);
    }
  }

  private static JournalEntry linked(JournalEntry e, long seq, String prev, String hash) {
    return new JournalEntry(seq, e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(), e.newState(),
      e.payload(), e.correlationId(), e.errorCode(), prev, hash, e.createdAt());
  }

  /**
   * The row checked against its entries (their payloads read back from JSON, as the gateway reads them) by the
   * gateway's own check, which hashes with the gateway's own code: a seeded row the gateway would refuse, or a
   * hash the seed's writer got wrong, stops the seed before it is written.
   */
  private static void check(Approval row, List<JournalEntry> entries, VoteRow vote) {
    List<JournalEntry> read = new ArrayList<>();
    for (JournalEntry e : entries) {
      read.add(new JournalEntry(e.seq(), e.approvalId(), e.target(), e.actor(), e.action(), e.previousState(),
        e.newState(), Json.plainMap(new JsonObject(new JsonObject(e.payload()).encode())), e.correlationId(),
        e.errorCode(), e.prevHash(), e.hash(), e.createdAt()));
      if (!Hashing.same(e.hash(), Hashing.chainHash(e.prevHash(), e.seq(), Hashing.contentHash(e)))) {
        throw new IllegalStateException("seeded entry " + e.seq() + " does not match its hash");
      }
    }
    RowCheck check = RowCheck.of(row, read, vote == null ? List.of() : List.of(vote));
    if (!check.ok()) {
      throw new IllegalStateException("seeded request " + row.id() + " does not match its journal: " + check.problem());
    }
  }

  private void approval(CopyBinary out, Approval a, String context) {
    out.row(28).uuid(a.id()).text(a.type()).text(a.title()).text(a.description()).jsonb(context).text(a.tradeId())
      .text(a.requestedBy()).text(a.correlationId()).text(a.idempotencyKey()).jsonb(policyJson).text(a.policyHash())
      .text(a.status().name()).int4(a.requiredApprovals()).timestamp(a.expiresAt()).timestamp(a.escalateAt())
      .int4(a.escalationLevel()).uuid(a.lineageId()).timestamp(a.decidedAt()).text(a.decidedBy())
      .text(a.decisionChannel()).text(a.decisionReason()).text(a.decisionComment()).nul().text(a.rowHash())
      .timestamp(a.createdAt()).int8(a.journalSeq()).text(a.journalHash()).int2(a.hashVersion());
  }

  private static void entry(CopyBinary out, JournalEntry e, long seq, String prev, String hash, String payload) {
    out.row(13).int8(seq).uuid(e.approvalId()).text(e.target()).text(e.actor()).text(e.action())
      .text(e.previousState()).text(e.newState()).jsonb(payload).text(e.correlationId()).text(e.errorCode())
      .timestamp(e.createdAt()).text(prev).text(hash);
  }

  /** SplitMix64's finalizer: the row number's bits spread over the whole word. */
  static long mix(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A number below {@code n} from the 20 bits of {@code h} at {@code shift}. */
  static int pick(long h, int shift, int n) {
    return (int) (((h >>> shift) & 0xFFFFF) % n);
  }
}
