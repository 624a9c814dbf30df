package io.hitl.chaos;

import io.hitl.chaos.Env.Node;
import io.hitl.chaos.Env.Resp;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL outages in four modes on a database of the suite's own, under create and decision load, one
 * gateway process throughout: no 500, every 503 with Retry-After, nothing acknowledged lost, nothing committed
 * behind a 503 SEC-099, and creates succeed again after each outage without a restart.
 */
final class DbOutage {
  static final List<String> MODES = List.of("terminate", "disallow", "refuse", "blackhole");

  private final Env env;
  private final boolean quick;

  DbOutage(Env env, boolean quick) {
    this.env = env;
    this.quick = quick;
  }

  /** One answer the load received. */
  record Call(String kind, String tradeId, String approvalId, Resp resp, long atMs) {
  }

  List<Verdict> run(List<String> modes) throws Exception {
    String direct = env.freshDb();
    String db = Env.dbName(direct);
    int pgPort = URI.create(direct).getPort();
    List<Verdict> verdicts = new ArrayList<>();
    try (TcpProxy proxy = new TcpProxy(pgPort)) {
      Map<String, String> settings = env.baseSettings(env.dbUrl(db, proxy.port), "db");
      Node node = env.start("db-outage-node", settings, 1);
      env.quote(node, "7203.T");
      for (String mode : modes) {
        verdicts.add(runMode(mode, node, proxy, direct, db));
      }
    }
    return verdicts;
  }

  private Verdict runMode(String mode, Node node, TcpProxy proxy, String direct, String db) throws Exception {
    long t0 = System.currentTimeMillis();
    Verdict v = new Verdict("db-outage/" + mode);
    long warm = quick ? 3_000 : 5_000;
    // a black hole must outlast the gateway's 10 s database time-out, or it is only a slow database
    long fault = mode.equals("blackhole") ? (quick ? 14_000 : 25_000) : (quick ? 8_000 : 20_000);
    String engine = env.token("engine-chaos", "submitter");
    String approver = env.token("desk-chaos", "approver");
    ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    LinkedBlockingQueue<String> pending = new LinkedBlockingQueue<>();
    long[] healedAt = {Long.MAX_VALUE};
    Stop stop = new Stop();
    List<Thread> load = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      load.add(worker("create-" + w, () -> {
        String tradeId = "chaos-" + mode + "-" + UUID.randomUUID();
        Resp r = env.call(node.port, "POST", "/api/v1/approvals/trade", engine,
          Env.trade("7203.T").put("trade_id", tradeId).put("timeout_seconds", 3600).encode(),
          Map.of("Idempotency-Key", tradeId), Duration.ofSeconds(30));
        calls.add(new Call("create", tradeId, r.json().getString("request_id"), r, System.currentTimeMillis()));
        if (r.status() == 201) {
          pending.add(r.json().getString("request_id"));
        }
        pause(50);
      }, stop));
    }
    load.add(worker("decide", () -> {
      String id = pending.poll(200, TimeUnit.MILLISECONDS);
      if (id != null) {
        Resp r = env.call(node.port, "POST", "/api/v1/approvals/" + id + "/approve", approver,
          new JsonObject().put("comment", "chaos").encode(), Map.of(), Duration.ofSeconds(30));
        calls.add(new Call("decide", null, id, r, System.currentTimeMillis()));
      }
    }, stop));
    load.forEach(Thread::start);
    Thread.sleep(warm);
    long faultAt = System.currentTimeMillis();
    switch (mode) {
      case "terminate" -> {
        while (System.currentTimeMillis() - faultAt < fault) {
          terminateBackends(db);
          Thread.sleep(300);
        }
      }
      case "disallow" -> {
        admin("ALTER DATABASE " + db + " ALLOW_CONNECTIONS false");
        terminateBackends(db);
        Thread.sleep(fault);
        admin("ALTER DATABASE " + db + " ALLOW_CONNECTIONS true");
      }
      case "refuse" -> {
        proxy.refuse();
        Thread.sleep(fault);
        proxy.heal();
      }
      case "blackhole" -> {
        proxy.blackHole();
        Thread.sleep(fault);
        proxy.heal();
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
    healedAt[0] = System.currentTimeMillis();
    long recoveredAt = -1;
    long deadline = healedAt[0] + 90_000;
    while (System.currentTimeMillis() < deadline) {
      recoveredAt = calls.stream().filter(c -> c.kind.equals("create") && c.resp.status() == 201
        && c.atMs > healedAt[0]).mapToLong(c -> c.atMs).min().orElse(-1);
      if (recoveredAt > 0) {
        break;
      }
      Thread.sleep(200);
    }
    Thread.sleep(3_000);
    stop.stop = true;
    for (Thread t : load) {
      t.join(60_000);
    }
    Thread.sleep(1_000);

    long creates = calls.stream().filter(c -> c.kind.equals("create")).count();
    long decisions = calls.stream().filter(c -> c.kind.equals("decide")).count();
    long ack = calls.stream().filter(DbOutage::acknowledged).count();
    long s500 = calls.stream().filter(c -> c.resp.status() == 500).count();
    long other5xx = calls.stream().filter(c -> c.resp.status() > 500 && c.resp.status() != 503
      && c.resp.status() != 504).count();
    List<Call> s503 = calls.stream().filter(c -> c.resp.status() == 503).toList();
    long noRetryAfter = s503.stream().filter(c -> c.resp.header("Retry-After") == null).count();
    long s504 = calls.stream().filter(c -> c.resp.status() == 504).count();
    long noAnswer = calls.stream().filter(c -> c.resp.status() == 0).count();
    long lost = 0;
    long behind = 0;
    try (Connection c = Env.jdbc(direct);
        PreparedStatement byId = c.prepareStatement("SELECT status FROM approvals WHERE id = ?::uuid");
        PreparedStatement byTrade = c.prepareStatement("SELECT count(*) FROM approvals WHERE trade_id = ?")) {
      for (Call call : calls) {
        if (acknowledged(call)) {
          byId.setString(1, call.approvalId);
          try (ResultSet rs = byId.executeQuery()) {
            boolean there = rs.next();
            if (!there || call.kind.equals("decide") && !"APPROVED".equalsIgnoreCase(rs.getString(1))) {
              lost++;
            }
          }
        } else if (call.resp.status() == 503 && "SEC-099".equals(call.resp.code())) {
          if (call.kind.equals("create")) {
            byTrade.setString(1, call.tradeId);
            try (ResultSet rs = byTrade.executeQuery()) {
              rs.next();
              behind += rs.getLong(1);
            }
          } else {
            byId.setString(1, call.approvalId);
            try (ResultSet rs = byId.executeQuery()) {
              if (rs.next() && !"PENDING".equalsIgnoreCase(rs.getString(1))) {
                behind++;
              }
            }
          }
        }
      }
    }
    boolean alive = node.process.isAlive();
    v.figure("creates", creates).figure("decisions", decisions).figure("acknowledged", ack)
      .figure("http_500", s500).figure("http_503", s503.size()).figure("503_without_retry_after", noRetryAfter)
      .figure("http_504_outcome_unknown", s504).figure("other_5xx", other5xx).figure("no_answer", noAnswer)
      .figure("lost", lost).figure("committed_behind_503", behind)
      .figure("recovery_s", recoveredAt > 0 ? String.format("%.1f", (recoveredAt - healedAt[0]) / 1000.0) : "never");
    v.require(s500 == 0, "0 HTTP 500", s500 + " answers were 500 (" + codes(calls, 500) + ")")
      .require(noRetryAfter == 0, "every 503 has Retry-After", noRetryAfter + " of " + s503.size() + " had none")
      .require(lost == 0, "0 acknowledged writes lost", lost + " acknowledged writes are not in the database")
      .require(behind == 0, "0 commits behind a 503 SEC-099", behind + " requests answered 503 SEC-099 committed")
      .require(recoveredAt > 0 && alive, "recovery without restart",
        alive ? "no create succeeded within 90 s of the end of the outage" : "the gateway process died")
      .require(ack > 0, "load was served before and after the outage", "nothing was acknowledged");
    v.seconds = (System.currentTimeMillis() - t0) / 1000;
    return v;
  }

  private static boolean acknowledged(Call c) {
    return c.kind.equals("create") ? c.resp.status() == 201 : c.resp.status() == 200;
  }

  static String codes(java.util.Collection<Call> calls, int status) {
    Map<String, Long> m = new java.util.TreeMap<>();
    calls.stream().filter(c -> c.resp.status() == status)
      .forEach(c -> m.merge(c.kind + ":" + c.resp.code(), 1L, Long::sum));
    return m.toString();
  }

  private void terminateBackends(String db) throws Exception {
    try (Connection c = Env.jdbc(env.serverUrl);
        PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
          + "WHERE datname = ? AND pid <> pg_backend_pid()")) {
      ps.setString(1, db);
      ps.executeQuery().close();
    }
  }

  private void admin(String sql) throws Exception {
    try (Connection c = Env.jdbc(env.serverUrl); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static final class Stop {
    volatile boolean stop;
  }

  interface Step {
    void run() throws Exception;
  }

  static Thread worker(String name, Step step, Stop stop) {
    Thread t = new Thread(() -> {
      while (!stop.stop) {
        try {
          step.run();
        } catch (InterruptedException e) {
          return;
        } catch (Exception e) {
          System.err.println(name + ": " + e);
        }
      }
    }, name);
    t.setDaemon(true);
    return t;
  }

  static void pause(long ms) throws InterruptedException {
    Thread.sleep(ms);
  }
}
